/* Podium's slide runtime: navigation, scaling, presenter mode, audience window, help. Plain
 * JavaScript, no dependencies; works from file:// and over HTTP on the server-rendered slides.
 *
 * Shape: inputs (keys, wheel, touch, clicks, the URL hash, messages from the other window, the
 * API) only emit intents; `update` owns the state and hands every change to the views, which
 * subscribe in order (slides, modes, hash, presenter, announcer, timer, audience link, API).
 *
 * Start: the page's inline boot script has already set the scale and a style rule that reveals
 * the slide the URL names as soon as the parser reaches it, so a 1,000-slide deck shows its first
 * slide without waiting for the rest of the page; no other slide is ever shown first. This script
 * is deferred: `init` runs once the page is parsed, marks that slide .remark-visible and wires
 * everything up.
 *
 * History policy: step-by-step moves (next/previous by key, wheel, touch or click) and moves
 * that come from the other window or from the API replace the current history entry, as remark
 * does, so walking through a deck never floods the history. Deliberate jumps (digits then Enter,
 * Home, End) push an entry, so Back returns to the slide the jump started from; following a
 * `#name` link pushes one too (the browser does that). Back and forward arrive as `popstate` or
 * `hashchange` and navigate. Entering or leaving presenter mode rewrites the entry (#N <-> #pN).
 */
(function () {
  'use strict';

  /* ---- the key table: the one place keys are bound; the help overlay is drawn from it -------
     Key names are KeyboardEvent.key values (letters in lower case), plus 'Space', 'Shift+Space'
     and '0-9' for any digit. */
  var KEYS = [
    {keys: ['ArrowLeft', 'ArrowUp', 'PageUp', 'k', 'Shift+Space'], intent: 'prev', help: 'Previous slide'},
    {keys: ['ArrowRight', 'ArrowDown', 'PageDown', 'Space', 'j'], intent: 'next', help: 'Next slide'},
    {keys: ['Home'], intent: 'first', help: 'First slide'},
    {keys: ['End'], intent: 'last', help: 'Last slide'},
    {keys: ['0-9', 'Enter'], intent: 'number', help: 'Type a slide number, then Enter to go to it'},
    {keys: ['p'], intent: 'presenter', help: 'Presenter mode: notes, next slide, timer'},
    {keys: ['c'], intent: 'clone', help: 'Open the audience window, which follows this one'},
    {keys: ['s'], intent: 'timer', help: 'Start or stop the presenter timer'},
    {keys: ['t'], intent: 'reset', help: 'Reset the presenter timer'},
    {keys: ['+', '='], intent: 'bigger', help: 'Bigger notes'},
    {keys: ['-'], intent: 'smaller', help: 'Smaller notes'},
    {keys: ['b'], intent: 'blackout', help: 'Black out the audience screen'},
    {keys: ['m'], intent: 'mirror', help: 'Mirror the slides'},
    {keys: ['f'], intent: 'fullscreen', help: 'Full screen on or off'},
    {keys: ['h', '?'], intent: 'help', help: 'Show or hide this help'},
    {keys: ['Escape'], intent: 'escape', help: 'Close the help, end the blackout'}
  ];
  var LABELS = {ArrowLeft: '\u2190', ArrowUp: '\u2191', ArrowRight: '\u2192', ArrowDown: '\u2193',
    PageUp: 'Page Up', PageDown: 'Page Down', Escape: 'Esc', '0-9': '0\u20139'};

  var HEIGHT = 681;                       // remark's reference slide height, in CSS px
  var FADE_MS = 1000;                     // how long the previous slide keeps .remark-fading
  var WHEEL_GAP_MS = 200;                 // wheel events closer than this are one gesture
  var TAP_PX = 10;                        // a touch that moves less than this is a tap
  var HELLO_MS = 1000;                    // the audience window greets its presenter this often

  var doc = document, root = doc.documentElement;
  var config = readConfig();
  var width = slideWidth(config.ratio);
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init);
  else init();

  function readConfig() {
    var source = doc.getElementById('podium-config');
    try { return JSON.parse(source ? source.textContent : '{}') || {}; } catch (e) { return {}; }
  }

  function slideWidth(ratio) {
    var parts = String(ratio || '4:3').split(':');
    return Math.floor(HEIGHT * Number(parts[0]) / Number(parts[1])) || 908;
  }

  function scaleFor(w, h) { return String(Math.min(w / width, h / HEIGHT)); }

  function parseHash(hash, count) {
    var text = hash.replace(/^#/, ''), presenter = false;
    try { text = decodeURIComponent(text); } catch (e) { /* keep it as written */ }
    if (/^p[1-9][0-9]*$/.test(text)) { presenter = true; text = text.slice(1); }
    var index = /^[1-9][0-9]*$/.test(text) ? Number(text) - 1
      : Object.prototype.hasOwnProperty.call(config.names || {}, text) ? config.names[text] : -1;
    return {index: index < 0 || index >= count ? 0 : index, presenter: presenter};
  }

  function init() {
    var body = doc.body;
    var area = doc.querySelector('.remark-slides-area');
    if (!area) return;
    var slides = area.children;             // live collection of the deck's slide containers
    var preview = doc.querySelector('.remark-preview-area');
    var notesArea = doc.querySelector('.remark-notes-area');
    var navigation = config.navigation || {};
    var cloneName = 'podium-clone:' + (config.deck || '');
    var isClone = !!window.opener && window.name === cloneName;
    var peer = isClone ? window.opener : null;   // the other window of a presenter/audience pair

    /* How a change came about: where it came from, and how the history records it. */
    var STEP = {from: 'input', history: 'replace'};
    var JUMP = {from: 'input', history: 'push'};
    var HASH = {from: 'hash', history: 'replace'};
    var REMOTE = {from: 'remote', history: 'replace'};
    var API = {from: 'api', history: 'replace'};
    var START = {from: 'start', history: 'replace'};

    /* ---- state: the only place it changes ------------------------------------------------- */
    var state = {index: -1, presenter: false, blackout: false, mirrored: false, help: false, paused: false};
    var views = [];

    function update(changes, how) {
      var previous = {}, changed = false, key;
      for (key in state) previous[key] = state[key];
      for (key in changes) {
        if (state[key] !== changes[key]) { state[key] = changes[key]; changed = true; }
      }
      if (changed) views.forEach(function (view) { view(state, previous, how); });
      return changed;
    }

    function go(index, how) {
      if (typeof index === 'number' && index % 1 === 0 && index >= 0 && index < slides.length) {
        update({index: index}, how);
      }
    }

    function setPresenter(on, how) {
      if (!isClone) update({presenter: !!on}, how);
    }

    /* ---- intents --------------------------------------------------------------------------- */
    var typed = '';                         // digits typed so far, for digits-then-Enter
    var intents = {
      prev: function (how) { go(state.index - 1, how || STEP); },
      next: function (how) { go(state.index + 1, how || STEP); },
      first: function () { go(0, JUMP); },
      last: function () { go(slides.length - 1, JUMP); },
      number: function (how, key, event) {
        if (key !== 'Enter') { typed += event.key; return true; }
        if (!typed) return false;
        var found = area.querySelector(':scope > [data-number="' + Number(typed) + '"]');
        typed = '';
        if (found) go(Number(found.getAttribute('data-index')), JUMP);
        return true;
      },
      presenter: function () { setPresenter(!state.presenter, STEP); },
      clone: openClone,
      timer: function () { timer.toggle(); },
      reset: function () { timer.reset(); },
      bigger: function () { notesScale(0.1); },
      smaller: function () { notesScale(-0.1); },
      blackout: function () { update({blackout: !state.blackout}, STEP); },
      mirror: function () { update({mirrored: !state.mirrored}, STEP); },
      fullscreen: toggleFullscreen,
      help: function () { update({help: !state.help}, STEP); },
      escape: function () { return update({help: false, blackout: false}, STEP); }
    };

    function intent(name, how, key, event) {
      var handled = intents[name](how, key, event);
      return handled !== false;
    }

    /* ---- inputs: keyboard ------------------------------------------------------------------ */
    var byKey = {};
    KEYS.forEach(function (row) { row.keys.forEach(function (key) { byKey[key] = row.intent; }); });

    function keyName(event) {
      var key = event.key;
      if (key === ' ' || key === 'Spacebar') return event.shiftKey ? 'Shift+Space' : 'Space';
      if (/^[0-9]$/.test(key)) return '0-9';
      return key.length === 1 ? key.toLowerCase() : key;
    }

    function typing(target) {
      return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
    }

    doc.addEventListener('keydown', function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || state.paused) return;
      var target = event.target, key = keyName(event), name = byKey[key];
      if (typing(target)) return;
      if ((key === 'Enter' || key === 'Space') && target.closest && target.closest('a, button, summary')) return;
      if (name !== 'number') typed = '';
      if (name && intent(name, null, key, event)) event.preventDefault();
    });

    /* ---- inputs: wheel, touch, click (each can be turned off in course.toml) ---------------- */
    var OWN_UI = '.remark-notes-area, .remark-help';
    var INTERACTIVE = 'a, button, input, select, textarea, label, summary, video, audio, [tabindex]';

    function within(target, selector) {
      return !!(target && target.closest && target.closest(selector));
    }

    var lastWheel = 0;
    doc.addEventListener('wheel', function (event) {
      var now = Date.now(), gesture = now - lastWheel < WHEEL_GAP_MS;
      lastWheel = now;
      if (navigation.scroll === false || state.paused || gesture || within(event.target, OWN_UI)) return;
      if (Math.abs(event.deltaY) <= Math.abs(event.deltaX)) return;
      intent(event.deltaY > 0 ? 'next' : 'prev');
    }, {passive: true});

    var touch = null;
    doc.addEventListener('touchstart', function (event) {
      var t = event.touches[0];
      touch = event.touches.length === 1 && !within(event.target, OWN_UI)
        ? {x: t.clientX, y: t.clientY, target: event.target} : null;
    }, {passive: true});
    doc.addEventListener('touchend', function (event) {
      var start = touch, t = event.changedTouches[0];
      touch = null;
      if (!start || !t || navigation.touch === false || state.paused) return;
      var dx = t.clientX - start.x, dy = t.clientY - start.y;
      if (Math.abs(dx) < TAP_PX && Math.abs(dy) < TAP_PX) {
        if (within(start.target, INTERACTIVE)) return;
        intent(t.clientX < window.innerWidth / 2 ? 'prev' : 'next');
      } else if (Math.abs(dx) > Math.abs(dy)) {
        intent(dx < 0 ? 'next' : 'prev');
      } else {
        return;
      }
      if (event.cancelable) event.preventDefault();     // no click after a handled touch
    });

    doc.addEventListener('click', function (event) {
      var target = event.target;
      if (within(target, '[data-intent]') && within(target, '.remark-toolbar')) {
        intent(target.closest('[data-intent]').getAttribute('data-intent'));
        return;
      }
      if (navigation.click !== true || state.paused || event.button !== 0) return;
      if (within(target, INTERACTIVE) || within(target, OWN_UI)) return;
      intent('next');
    });
    doc.addEventListener('contextmenu', function (event) {
      if (navigation.click !== true || state.paused || within(event.target, INTERACTIVE + ', ' + OWN_UI)) return;
      event.preventDefault();
      intent('prev');
    });

    /* ---- inputs: the URL hash -------------------------------------------------------------- */
    function hashOf(s) { return '#' + (s.presenter ? 'p' : '') + (s.index + 1); }

    function writeHash(hash, mode) {
      if (location.hash === hash) return;
      try {
        history[mode === 'push' ? 'pushState' : 'replaceState'](history.state, '', hash);
      } catch (e) {                         // some browsers refuse history changes on file://
        if (mode === 'push') location.hash = hash; else location.replace(hash);
      }
    }

    function followHash() {
      var wanted = parseHash(location.hash, slides.length);
      update({index: wanted.index, presenter: (wanted.presenter || state.presenter) && !isClone}, HASH);
      writeHash(hashOf(state), 'replace');  // names and unknown hashes become #N
    }
    window.addEventListener('hashchange', followHash);
    window.addEventListener('popstate', followHash);

    /* ---- inputs: the other window (presenter <-> audience) ---------------------------------- */
    function post(message) {
      if (!peer || peer.closed) return;
      message.podium = 1;
      message.deck = config.deck;
      try {
        peer.postMessage(message, location.protocol === 'file:' ? '*' : location.origin);
      } catch (e) { /* the other window went away */ }
    }

    /* A window we opened as our audience window (after a reload of this page, its `hello` makes
       it ours again; `opener` is readable across origins, file:// included). */
    function ourClone(source) {
      try { return !isClone && !!source && source.opener === window; } catch (e) { return false; }
    }

    window.addEventListener('message', function (event) {
      var message = event.data;
      if (location.protocol !== 'file:' && event.origin !== location.origin) return;
      if (!message || message.podium !== 1 || message.deck !== config.deck) return;
      if (event.source !== peer) {                                  // only our opener or our clone
        if (message.type !== 'hello' || !ourClone(event.source)) return;
        peer = event.source;
        sendState();
        return;
      }
      if (message.type === 'goto') go(message.index, REMOTE);
      else if (message.type === 'blackout') update({blackout: !!message.on}, REMOTE);
      else if (message.type === 'hello' && message.first && !isClone) sendState();
    });

    function sendState() {
      post({type: 'goto', index: state.index});
      post({type: 'blackout', on: state.blackout});
    }

    function openClone() {
      if (isClone) return;
      if (peer && !peer.closed) { peer.focus(); return; }
      var url = location.href.replace(/#.*$/, '') + '#' + (state.index + 1);
      peer = window.open(url, cloneName, 'location=no');
    }

    /* ---- views ----------------------------------------------------------------------------- */
    var reducedMotion = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : {matches: false};
    var fading = null, fadeTimer = 0;

    function endFade() {
      if (fading) { fading.classList.remove('remark-fading'); fading.removeAttribute('aria-hidden'); }
      fading = null;
      clearTimeout(fadeTimer);
    }

    views.push(function slidesView(s, old) {
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
    });

    var MODE_CLASSES = {presenter: 'remark-presenter-mode', blackout: 'remark-blackout-mode',
      mirrored: 'remark-mirrored-mode', help: 'remark-help-mode', paused: 'remark-pause-mode'};
    var helpBox = doc.querySelector('.remark-help'), focusBeforeHelp = null;

    views.push(function modesView(s, old) {
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
    });

    views.push(function hashView(s, old, how) {
      if (s.index !== old.index || s.presenter !== old.presenter) writeHash(hashOf(s), how.history);
    });

    views.push(function presenterView(s, old) {
      if (!s.presenter) {
        if (old.presenter) { clear(preview); clear(find('.remark-notes')); clear(find('.remark-notes-preview')); }
        return;
      }
      if (s.index === old.index && old.presenter) return;
      copyNotes(find('.remark-notes'), slides[s.index]);
      copyNotes(find('.remark-notes-preview'), slides[s.index + 1]);
      clear(preview);
      var next = slides[s.index + 1];
      if (next) preview.appendChild(previewOf(next));
      find('.podium-position').textContent = 'Slide ' + numberOf(s.index) + ' / ' + total;
      tick();
    });

    var status = doc.querySelector('.podium-status');
    views.push(function announcer(s, old, how) {
      if (!status || how === START) return;
      var text = '';
      if (s.index !== old.index) {
        var heading = slides[s.index].querySelector('h1, h2, h3');
        text = 'Slide ' + numberOf(s.index) + ' of ' + total + (heading ? ': ' + heading.textContent : '');
      } else if (s.presenter !== old.presenter) {
        text = 'Presenter mode ' + (s.presenter ? 'on' : 'off');
      } else if (s.blackout !== old.blackout) {
        text = s.blackout ? 'Blacked out' : 'Blackout ended';
      }
      if (text) status.textContent = text;
    });

    views.push(function timerView(s, old, how) {
      if (s.index !== old.index && how !== START && how !== API) timer.autostart();
      if (s.presenter !== old.presenter) timer.ticking(s.presenter);
    });

    views.push(function audienceLink(s, old, how) {
      if (how === REMOTE || how === START) return;
      if (s.index !== old.index) post({type: 'goto', index: s.index});
      if (s.blackout !== old.blackout) post({type: 'blackout', on: s.blackout});
    });

    var changeListeners = [];
    views.push(function apiView(s, old) {
      if (s.index === old.index && s.presenter === old.presenter) return;
      var detail = {index: s.index, presenter: s.presenter};
      changeListeners.slice().forEach(function (fn) {
        try { fn(detail); } catch (e) { setTimeout(function () { throw e; }); }
      });
      doc.dispatchEvent(new CustomEvent('podium:change', {detail: detail}));
    });

    /* ---- presenter pieces: notes, preview, timer, clock, pacing ----------------------------- */
    /* Slides are counted as remark counts them: the number shown on a slide, out of the number of
       the last one (`--` steps and `count: false` slides share a number when the deck says so). */
    var total = config.total || slides.length;
    function numberOf(index) {
      var number = slides[index].getAttribute('data-number');
      return number === null ? index + 1 : Number(number);
    }

    function find(selector) { return notesArea.querySelector(selector); }
    function clear(element) { if (element) element.textContent = ''; }

    function copyNotes(target, container) {
      var notes = container && container.querySelector('.remark-slide-notes');
      target.innerHTML = notes ? notes.innerHTML : '';
    }

    function previewOf(container) {
      var copy = container.cloneNode(true);
      [copy].concat(Array.prototype.slice.call(copy.querySelectorAll('[id]'))).forEach(function (e) {
        e.removeAttribute('id');
      });
      var notes = copy.querySelector('.remark-slide-notes');
      if (notes) notes.parentNode.removeChild(notes);
      copy.classList.remove('remark-fading');
      copy.classList.add('remark-visible');
      copy.removeAttribute('role');
      copy.removeAttribute('aria-hidden');
      return copy;
    }

    var notesSize = 1;
    function notesScale(step) {
      notesSize = Math.min(3, Math.max(0.5, Math.round((notesSize + step) * 10) / 10));
      notesArea.style.setProperty('--podium-notes-scale', String(notesSize));
    }

    var timer = {
      started: 0, elapsed: 0, running: false, interval: 0,
      now: function () { return this.elapsed + (this.running ? Date.now() - this.started : 0); },
      toggle: function () {
        if (this.running) { this.elapsed = this.now(); this.running = false; }
        else { this.started = Date.now(); this.running = true; }
        tick();
      },
      reset: function () { this.elapsed = 0; this.running = false; tick(); },
      autostart: function () { if (!this.running && !this.elapsed) this.toggle(); },
      ticking: function (on) {
        clearInterval(this.interval);
        if (on) { this.interval = setInterval(tick, 250); tick(); }
      }
    };

    function clock(ms, hours) {
      var s = Math.floor(ms / 1000), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
      var tail = String(s % 60).padStart(2, '0');
      return hours || h ? h + ':' + String(m).padStart(2, '0') + ':' + tail : m + ':' + tail;
    }

    function tick() {
      if (!state.presenter) return;
      var elapsed = timer.now(), now = new Date();
      var timerBox = find('.remark-toolbar-timer');
      timerBox.textContent = clock(elapsed, true);
      timerBox.classList.toggle('podium-running', timer.running);
      find('.podium-clock').textContent = String(now.getHours()).padStart(2, '0') + ':' +
        String(now.getMinutes()).padStart(2, '0');
      var pacing = find('.podium-pacing'), planned = (config.duration || 0) * 1000;
      if (!planned) return;
      var due = planned * state.index / slides.length, late = elapsed - due;
      pacing.hidden = false;
      pacing.textContent = Math.abs(late) < 30000 ? 'on time' : clock(Math.abs(late)) + (late > 0 ? ' behind' : ' ahead');
      pacing.classList.toggle('podium-behind', late >= 30000);
      pacing.classList.toggle('podium-ahead', late <= -30000);
      pacing.title = 'Planned ' + clock(planned) + '; this slide is due at ' + clock(due);
    }

    /* ---- help: drawn from the key table ----------------------------------------------------- */
    function element(tag, attributes, children) {
      var e = doc.createElement(tag);
      for (var name in attributes) e.setAttribute(name, attributes[name]);
      (children || []).forEach(function (child) {
        e.appendChild(typeof child === 'string' ? doc.createTextNode(child) : child);
      });
      return e;
    }

    function drawHelp(target) {
      var rows = KEYS.map(function (row) {
        var keys = row.keys.map(function (key) {
          return element('kbd', {'data-key': key}, [LABELS[key] || key]);
        });
        return element('tr', {}, [element('th', {scope: 'row'}, keys), element('td', {}, [row.help])]);
      });
      target.appendChild(element('h2', {}, ['Keyboard shortcuts']));
      target.appendChild(element('table', {}, [element('tbody', {}, rows)]));
      if (config.lab) {                     // the session's lab files, for students
        target.appendChild(element('p', {}, [element('a', {href: config.lab, download: '', 'class': 'podium-lab'},
          ['Download the lab files (' + config.lab + ')'])]));
      }
    }

    /* ---- scaling: one scale per area, from remark's reference size -------------------------- */
    function scaleTo(target, w, h) {
      if (target && w && h) target.style.setProperty('--podium-scale', scaleFor(w, h));
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

    function toggleFullscreen() {
      var done = doc.fullscreenElement ? doc.exitFullscreen() : root.requestFullscreen && root.requestFullscreen();
      if (done && done.catch) done.catch(function () { /* refused: nothing to do */ });
    }

    /* ---- the API for other scripts (the live-reload script uses it) ------------------------- */
    window.podium = {
      current: function () { return state.index; },
      count: function () { return slides.length; },
      goto: function (index) { go(index, API); },
      presenter: function () { return state.presenter; },
      setPresenter: function (on) { setPresenter(on, API); },
      pause: function () { update({paused: true}, API); },
      resume: function () { update({paused: false}, API); },
      on: function (event, fn) {
        if (event !== 'change' || typeof fn !== 'function') return function () {};
        changeListeners.push(fn);
        return function off() { changeListeners = changeListeners.filter(function (f) { return f !== fn; }); };
      },
      keys: KEYS.map(function (row) { return {keys: row.keys.slice(), intent: row.intent, help: row.help}; })
    };

    /* ---- handout: ?handout (or printing from presenter mode) prints each slide's notes beside
       it, on A4 or with ?paper=letter on US Letter (print.css lays the rows out). The notes leave
       the slide's scaled box for its container, which is harmless on screen, where they are hidden. */
    function notesBesideSlides() {
      Array.prototype.forEach.call(area.querySelectorAll('.remark-slide > .remark-slide-notes'), function (notes) {
        notes.closest('.remark-slide-container').appendChild(notes);
      });
    }
    var query = location.search.slice(1);
    if (/(^|&)paper=letter(&|$)/i.test(query)) root.classList.add('podium-paper-letter');
    if (/(^|&)handout(=|&|$)/.test(query)) { root.classList.add('podium-handout'); notesBesideSlides(); }
    window.addEventListener('beforeprint', notesBesideSlides);

    /* ---- start: scale, then show the slide the URL names (no other slide is ever shown first) */
    if (isClone) body.classList.add('podium-clone');
    if (!slides.length) return;
    var first = parseHash(location.hash, slides.length);
    fit();
    update({index: first.index, presenter: first.presenter && !isClone}, START);
    var booted = doc.getElementById('podium-boot');
    if (booted) booted.remove();            // .remark-visible now shows the slide
    if (isClone) {
      post({type: 'hello', first: true});
      setInterval(function () { post({type: 'hello'}); }, HELLO_MS);   // finds the presenter again after it reloads
      setTimeout(function () {              // the audience never sees notes: drop them from its page
        Array.prototype.forEach.call(doc.querySelectorAll('.remark-slide-notes'), function (n) { n.remove(); });
      }, 0);
    }
  }
})();
