/* Podium's inputs: keys, the mouse wheel, touch, clicks, the URL hash and messages from the other
 * window. They only emit intents (or moves); the navigation state decides. Wheel, touch and
 * click can each be turned off in course.toml (`[navigation]`). */
(function (parts) {
  'use strict';

  var WHEEL_GAP_MS = 200;                 // wheel events closer than this are one gesture
  var TAP_PX = 10;                        // a touch that moves less than this is a tap
  var OWN_UI = '.remark-notes-area, .remark-help';
  var INTERACTIVE = 'a, button, input, select, textarea, label, summary, video, audio, [tabindex]';

  function within(target, selector) {
    return !!(target && target.closest && target.closest(selector));
  }

  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  /* Write the address's hash; `mode` is the history policy's 'push' or 'replace' (podium-nav.js). */
  function writeHash(hash, mode) {
    if (location.hash === hash) return;
    try {
      history[mode === 'push' ? 'pushState' : 'replaceState'](history.state, '', hash);
    } catch (e) {                         // some browsers refuse history changes on file://
      if (mode === 'push') location.hash = hash; else location.replace(hash);
    }
  }

  function install(deck) {
    var nav = deck.nav, state = nav.state, doc = deck.doc, config = deck.config;
    var navigation = config.navigation || {}, keys = parts.keys, HOW = parts.nav.HOW;
    var intent = nav.intent;

    doc.addEventListener('keydown', function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || state.paused) return;
      var target = event.target, key = keys.keyName(event), name = keys.intentFor(key);
      if (typing(target)) return;
      if ((key === 'Enter' || key === 'Space') && target.closest && target.closest('a, button, summary')) return;
      if (name !== 'number') nav.clearTyped();
      if (name && intent(name, null, key, event)) event.preventDefault();
    });

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

    /* The hash: back, forward and links within the page move; the address follows the state. */
    function followHash() {
      var wanted = parts.nav.parseHash(location.hash, nav.count, config.names);
      nav.update({index: wanted.index, presenter: (wanted.presenter || state.presenter) && !deck.isClone}, HOW.HASH);
      writeHash(parts.nav.formatHash(state), 'replace');  // names and unknown hashes become #N
    }
    window.addEventListener('hashchange', followHash);
    window.addEventListener('popstate', followHash);
    deck.views.hash = function hashView(s, old, how) {
      if (s.index !== old.index || s.presenter !== old.presenter) writeHash(parts.nav.formatHash(s), how.history);
    };

    /* Messages from the other window: only from our opener or our audience window, same origin. */
    window.addEventListener('message', function (event) {
      var message = event.data, link = deck.link;
      if (location.protocol !== 'file:' && event.origin !== location.origin) return;
      if (!message || message.podium !== 1 || message.deck !== config.deck) return;
      if (!link.isPeer(event.source)) {
        if (message.type === 'hello') link.adopt(event.source);
        return;
      }
      if (message.type === 'goto') nav.go(message.index, HOW.REMOTE);
      else if (message.type === 'blackout') nav.update({blackout: !!message.on}, HOW.REMOTE);
      else if (message.type === 'hello' && message.first && !deck.isClone) link.sendState();
    });
  }

  parts.inputs = {install: install};
}(window.podiumParts = window.podiumParts || {}));
