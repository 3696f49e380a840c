/* Podium's audience window: `c` opens a copy of the deck without notes that follows this window,
 * and this window follows it. The two talk by postMessage, in messages marked `podium: 1` and
 * carrying the deck's name; the inputs part checks their origin before anything here sees them. */
(function (parts) {
  'use strict';

  var HELLO_MS = 1000;                    // the audience window greets its presenter this often

  function install(deck) {
    var nav = deck.nav, state = nav.state, doc = deck.doc, config = deck.config;
    var isClone = deck.isClone, HOW = parts.nav.HOW;
    var peer = isClone ? window.opener : null;   // the other window of a presenter/audience pair

    function post(message) {
      if (!peer || peer.closed) return;
      message.podium = 1;
      message.deck = config.deck;
      try {
        peer.postMessage(message, location.protocol === 'file:' ? '*' : location.origin);
      } catch (e) { /* the other window went away */ }
    }

    function sendState() {
      post({type: 'goto', index: state.index});
      post({type: 'blackout', on: state.blackout});
    }

    /* A window we opened as our audience window (after a reload of this page, its `hello` makes
       it ours again; `opener` is readable across origins, file:// included). */
    function ourClone(source) {
      try { return !isClone && !!source && source.opener === window; } catch (e) { return false; }
    }

    /* A `hello` from a window that is not our peer yet: take it as our audience window if it is. */
    function adopt(source) {
      if (!ourClone(source)) return;
      peer = source;
      sendState();
    }

    function open() {
      if (isClone) return;
      if (peer && !peer.closed) { peer.focus(); return; }
      var url = location.href.replace(/#.*$/, '') + '#' + (state.index + 1);
      peer = window.open(url, deck.cloneName, 'location=no');
    }

    /* The audience window greets its presenter (again and again: that finds the presenter after it
       reloads) and never shows notes: they leave its page. */
    function start() {
      if (!isClone) return;
      post({type: 'hello', first: true});
      setInterval(function () { post({type: 'hello'}); }, HELLO_MS);
      setTimeout(function () {
        Array.prototype.forEach.call(doc.querySelectorAll('.remark-slide-notes'), function (n) { n.remove(); });
      }, 0);
    }

    nav.intents.clone = open;
    deck.views.audience = function audienceLink(s, old, how) {
      /* A hot update reshapes both windows from the server, each on its own: no goto between them. */
      if (how === HOW.REMOTE || how === HOW.START || how.from === HOW.UPDATE.from) return;
      if (s.index !== old.index) post({type: 'goto', index: s.index});
      if (s.blackout !== old.blackout) post({type: 'blackout', on: s.blackout});
    };
    deck.link = {
      isPeer: function (source) { return source === peer; },
      adopt: adopt, sendState: sendState, start: start
    };
  }

  parts.peer = {install: install};
}(window.podiumParts = window.podiumParts || {}));
