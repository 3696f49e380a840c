/* Podium's slide runtime: navigation, scaling, presenter mode, audience window, help. Plain
 * JavaScript, no dependencies; works from file:// and over HTTP on the server-rendered slides.
 * Classic scripts, loaded in this order with `defer` (templates/deck.html), sharing one object,
 * `window.podiumParts`:
 *   podium-keys.js       the key table
 *   podium-nav.js        the state, the intents, the URL hash grammar, the history policy
 *   podium-views.js      slides, modes, announcer, help overlay, scaling, full screen, handout
 *   podium-presenter.js  notes, next slide, position, timer, clock, pacing
 *   podium-peer.js       the audience window (postMessage)
 *   podium-inputs.js     keys, wheel, touch, clicks, the URL hash, messages
 *   podium.js            this file: the public API `window.podium`, and the start
 *
 * Shape: inputs (keys, wheel, touch, clicks, the URL hash, messages from the other window, the
 * API) only emit intents; `update` owns the state and hands every change to the views, which
 * subscribe in order (slides, modes, hash, presenter, announcer, timer, notes, audience link, API).
 *
 * Start: the page's inline boot script has already set the scale and a style rule that reveals
 * the slide the URL names as soon as the parser reaches it, so a 1,000-slide deck shows its first
 * slide without waiting for the rest of the page; no other slide is ever shown first. These
 * scripts are deferred: `init` runs once the page is parsed, marks that slide .remark-visible and
 * wires everything up.
 */
(function (parts) {
  'use strict';

  var VIEW_ORDER = ['slides', 'modes', 'hash', 'presenter', 'announcer', 'timer', 'notes', 'audience', 'api'];
  var doc = document;
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init);
  else init();

  function readConfig() {
    var source = doc.getElementById('podium-config');
    try { return JSON.parse(source ? source.textContent : '{}') || {}; } catch (e) { return {}; }
  }

  function init() {
    var area = doc.querySelector('.remark-slides-area');
    if (!area) return;
    var config = readConfig(), HOW = parts.nav.HOW;
    var slides = area.children;             // live collection of the deck's slide containers
    var cloneName = 'podium-clone:' + (config.deck || '');
    var isClone = !!window.opener && window.name === cloneName;
    var nav = parts.nav.create({
      count: slides.length, total: config.total, clone: isClone,
      numbers: Array.prototype.map.call(slides, function (slide) {
        var number = slide.getAttribute('data-number');
        return number === null ? null : Number(number);
      })
    });
    var deck = {
      doc: doc, root: doc.documentElement, body: doc.body, area: area, slides: slides,
      preview: doc.querySelector('.remark-preview-area'), notesArea: doc.querySelector('.remark-notes-area'),
      config: config, size: parts.nav.slideSize(config), nav: nav, isClone: isClone, cloneName: cloneName,
      views: {}
    };
    parts.views.install(deck);
    parts.presenter.install(deck);
    parts.peer.install(deck);
    parts.inputs.install(deck);

    /* ---- the API for other scripts (the live-reload script uses it) ------------------------- */
    var state = nav.state, changeListeners = [];
    deck.views.api = function apiView(s, old, how) {
      var was = how.from === HOW.UPDATE.from ? how.was : old.index;
      if (s.index === was && s.presenter === old.presenter && s.blackout === old.blackout) return;
      var detail = {index: s.index, presenter: s.presenter, blackout: s.blackout, from: how.from};
      changeListeners.slice().forEach(function (fn) {
        try { fn(detail); } catch (e) { setTimeout(function () { throw e; }); }
      });
      doc.dispatchEvent(new CustomEvent('podium:change', {detail: detail}));
    };
    VIEW_ORDER.forEach(function (name) { nav.subscribe(deck.views[name]); });

    window.podium = {
      current: function () { return state.index; },
      count: function () { return slides.length; },
      goto: function (index) { nav.go(index, HOW.API); },
      presenter: function () { return state.presenter; },
      setPresenter: function (on) { nav.setPresenter(on, HOW.API); },
      pause: function () { nav.update({paused: true}, HOW.API); },
      resume: function () { nav.update({paused: false}, HOW.API); },
      blackout: function () { return state.blackout; },
      setBlackout: function (on) { nav.update({blackout: !!on}, HOW.API); },
      isClone: function () { return isClone; },
      replaceSlides: replaceSlides,
      on: function (event, fn) {
        if (event !== 'change' || typeof fn !== 'function') return function () {};
        changeListeners.push(fn);
        return function off() { changeListeners = changeListeners.filter(function (f) { return f !== fn; }); };
      },
      keys: parts.keys.copy(),
      /* A key another script binds, listed in the help overlay (`keys`: names as the table writes them). */
      addHelp: function (keys, help) { if (Array.isArray(keys) && keys.length) deck.addHelp(keys, help); }
    };

    /* A hot update (the dev server's, see podium/hotupdate.py): `nodes` are the deck's slide
       containers in their new order, those kept being the page's own; `info` has every slide's
       `numbers` and `texts` (its number, as shown), the `total`, the `names`, the `title`, and
       `moved` (where each old slide went). The current slide stays on screen, wherever it went. */
    function replaceSlides(nodes, info) {
      var before = Array.prototype.slice.call(slides), current = before[state.index];
      var kept = nodes.indexOf(current), total = info.total || nodes.length;
      before.forEach(function (node) { if (nodes.indexOf(node) < 0) node.remove(); });
      nodes.forEach(function (node, i) {
        if (area.children[i] !== node) area.insertBefore(node, area.children[i] || null);
        var number = info.numbers ? info.numbers[i] : i + 1;
        node.id = 'slide-container-' + (i + 1);
        node.setAttribute('data-index', String(i));
        node.setAttribute('data-number', String(number));
        node.setAttribute('aria-label', number + ' / ' + total);
        var shown = node.querySelector('.remark-slide-number');
        if (shown && info.texts) shown.textContent = info.texts[i];
        if (isClone) Array.prototype.forEach.call(node.querySelectorAll('.remark-slide-notes'), function (n) { n.remove(); });
        if (node !== current) node.classList.remove('remark-visible', 'remark-fading');
      });
      if (deck.slidesReplaced) deck.slidesReplaced();
      config.names = info.names || {};
      config.total = total;
      if (info.title) { doc.title = info.title; }
      var index = kept >= 0 ? kept : info.moved && state.index < info.moved.length ? info.moved[state.index] : state.index;
      nav.reshape(nodes.length, info.numbers, total, index, kept < 0);
    }

    parts.views.handout(deck);

    /* ---- start: scale, then show the slide the URL names (no other slide is ever shown first) */
    if (isClone) deck.body.classList.add('podium-clone');
    if (!slides.length) return;
    var first = parts.nav.parseHash(location.hash, slides.length, config.names);
    deck.fit();
    nav.update({index: first.index, presenter: first.presenter && !isClone}, HOW.START);
    var booted = doc.getElementById('podium-boot');
    if (booted) booted.remove();            // .remark-visible now shows the slide
    deck.link.start();
  }
}(window.podiumParts = window.podiumParts || {}));
