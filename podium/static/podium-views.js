/* Podium's views of the deck: the slides (with a fade between them), the modes as classes on the
 * body (presenter, blackout, mirrored, help, paused), the announcer for screen readers, the help
 * overlay drawn from the key table, scaling to the window, full screen and the handout. */
(function (parts) {
  'use strict';

  var FADE_MS = 1000;                     // how long the previous slide keeps .remark-fading
  var MODE_CLASSES = {presenter: 'remark-presenter-mode', blackout: 'remark-blackout-mode',
    mirrored: 'remark-mirrored-mode', help: 'remark-help-mode', paused: 'remark-pause-mode'};

  function install(deck) {
    var nav = deck.nav, state = nav.state, doc = deck.doc, body = deck.body, slides = deck.slides;
    var area = deck.area, preview = deck.preview, size = deck.size, HOW = parts.nav.HOW;

    var reducedMotion = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : {matches: false};
    var fading = null, fadeTimer = 0;

    function endFade() {
      if (fading) { fading.classList.remove('remark-fading'); fading.removeAttribute('aria-hidden'); }
      fading = null;
      clearTimeout(fadeTimer);
    }

    deck.views.slides = function slidesView(s, old) {
      if (s.index === old.index) return;
      var shown = slides[s.index], left = old.index >= 0 ? slides[old.index] : null;
      endFade();
      shown.classList.add('remark-visible');
      if (!left) return;
      left.classList.remove('remark-visible');
      if (reducedMotion.matches) return;
      body.classList.add('podium-animate');
      fading = left;
      left.classList.add('remark-fading');
      left.setAttribute('aria-hidden', 'true');
      fadeTimer = setTimeout(endFade, FADE_MS);
    };

    var helpBox = doc.querySelector('.remark-help'), focusBeforeHelp = null;
    deck.views.modes = function modesView(s, old) {
      for (var key in MODE_CLASSES) {
        if (s[key] !== old[key]) body.classList.toggle(MODE_CLASSES[key], s[key]);
      }
      if (s.presenter !== old.presenter) fit();
      if (s.help && !old.help && helpBox) {
        if (!helpBox.firstElementChild.firstChild) drawHelp(helpBox.firstElementChild);
        focusBeforeHelp = doc.activeElement;
        helpBox.focus();
      } else if (!s.help && old.help && focusBeforeHelp && focusBeforeHelp.focus) {
        focusBeforeHelp.focus();
      }
    };

    var status = doc.querySelector('.podium-status');
    deck.views.announcer = function announcer(s, old, how) {
      if (!status || how === HOW.START || (how.from === HOW.UPDATE.from && !how.changed)) return;
      var text = '';
      if (s.index !== old.index) {
        var heading = slides[s.index].querySelector('h1, h2, h3');
        text = 'Slide ' + nav.numberOf(s.index) + ' of ' + nav.total + (heading ? ': ' + heading.textContent : '');
      } else if (s.presenter !== old.presenter) {
        text = 'Presenter mode ' + (s.presenter ? 'on' : 'off');
      } else if (s.blackout !== old.blackout) {
        text = s.blackout ? 'Blacked out' : 'Blackout ended';
      }
      if (text) status.textContent = text;
    };

    /* The help overlay, drawn from the key table the first time it opens. */
    function element(tag, attributes, children) {
      var e = doc.createElement(tag);
      for (var name in attributes) e.setAttribute(name, attributes[name]);
      (children || []).forEach(function (child) {
        e.appendChild(typeof child === 'string' ? doc.createTextNode(child) : child);
      });
      return e;
    }

    function helpRow(row) {
      var names = row.keys.map(function (key) {
        return element('kbd', {'data-key': key}, [parts.keys.LABELS[key] || key]);
      });
      return element('tr', {}, [element('th', {scope: 'row'}, names), element('td', {}, [row.help])]);
    }

    /* Keys another script of the page binds (the follow script's `q`): shown after the table's own. */
    var extraHelp = [];
    deck.addHelp = function addHelp(keys, help) {
      var row = {keys: keys.map(String), help: String(help)};
      extraHelp.push(row);
      var body = helpBox && helpBox.querySelector('tbody');
      if (body) body.appendChild(helpRow(row));           // already drawn: the new row goes in now
    };

    function drawHelp(target) {
      var lab = deck.config.lab;
      var rows = parts.keys.KEYS.concat(extraHelp).map(helpRow);
      target.appendChild(element('h2', {}, ['Keyboard shortcuts']));
      target.appendChild(element('table', {}, [element('tbody', {}, rows)]));
      if (lab) {                            // the session's lab files, for students
        target.appendChild(element('p', {}, [element('a', {href: lab, download: '', 'class': 'podium-lab'},
          ['Download the lab files (' + lab + ')'])]));
      }
    }

    /* Scaling: one scale per area, from the slide's size in the page's config. */
    function scaleTo(target, w, h) {
      if (target && w && h) target.style.setProperty('--podium-scale', String(Math.min(w / size.width, h / size.height)));
    }

    function fit() {
      if (!state.presenter) {
        scaleTo(area, window.innerWidth, window.innerHeight);
        return;
      }
      [area, preview].forEach(function (target) {
        var box = target.getBoundingClientRect();
        scaleTo(target, box.width, box.height);
      });
    }

    var fitting = 0;
    window.addEventListener('resize', function () {
      cancelAnimationFrame(fitting);
      fitting = requestAnimationFrame(fit);
    });
    deck.fit = fit;

    nav.intents.fullscreen = function toggleFullscreen() {
      var done = doc.fullscreenElement ? doc.exitFullscreen() : deck.root.requestFullscreen && deck.root.requestFullscreen();
      if (done && done.catch) done.catch(function () { /* refused: nothing to do */ });
    };
  }

  /* The handout: ?handout (or printing from presenter mode) prints each slide's notes beside it,
     on A4 or with ?paper=letter on US Letter (print.css lays the rows out). The notes leave the
     slide's scaled box for its container, which is harmless on screen, where they are hidden. */
  function handout(deck) {
    function notesBesideSlides() {
      Array.prototype.forEach.call(deck.area.querySelectorAll('.remark-slide > .remark-slide-notes'), function (notes) {
        notes.closest('.remark-slide-container').appendChild(notes);
      });
    }
    var query = location.search.slice(1);
    if (/(^|&)paper=letter(&|$)/i.test(query)) deck.root.classList.add('podium-paper-letter');
    if (/(^|&)handout(=|&|$)/.test(query)) { deck.root.classList.add('podium-handout'); notesBesideSlides(); }
    window.addEventListener('beforeprint', notesBesideSlides);
    /* Slides put in by a hot update: in the handout, their notes go beside them too. */
    deck.slidesReplaced = function () { if (deck.root.classList.contains('podium-handout')) notesBesideSlides(); };
  }

  parts.views = {install: install, handout: handout};
}(window.podiumParts = window.podiumParts || {}));
