/* Podium's navigation: the deck's state, the only place it changes, the intents that change it,
 * and the URL hash grammar (#N, #pN, #name). No DOM here: Node loads this file too (tests/js/).
 *
 * History policy: step-by-step moves (next/previous by key, wheel, touch or click) and moves
 * that come from the other window or from the API replace the current history entry, as remark
 * does, so walking through a deck never floods the history. Deliberate jumps (digits then Enter,
 * Home, End) push an entry, so Back returns to the slide the jump started from; following a
 * `#name` link pushes one too (the browser does that). Back and forward arrive as `popstate` or
 * `hashchange` and navigate. Entering or leaving presenter mode rewrites the entry (#N <-> #pN).
 */
(function (parts) {
  'use strict';

  /* How a change came about: where it came from, and how the history records it. */
  var HOW = {
    STEP: {from: 'input', history: 'replace'},
    JUMP: {from: 'input', history: 'push'},
    HASH: {from: 'hash', history: 'replace'},
    REMOTE: {from: 'remote', history: 'replace'},
    API: {from: 'api', history: 'replace'},
    START: {from: 'start', history: 'replace'},
    UPDATE: {from: 'update', history: 'replace'}
  };
  /* remark's reference slide at 4:3, for a page whose config does not give the slide's size. */
  var DEFAULT_SIZE = {width: 908, height: 681};
  var NOTES_SIZES = {min: 0.5, max: 3, step: 0.1};

  /* The slide's size in CSS px, from the page's config (`width`, `height`). */
  function slideSize(config) {
    return {width: Number(config.width) || DEFAULT_SIZE.width, height: Number(config.height) || DEFAULT_SIZE.height};
  }

  /* '#3' -> slide index 2; '#p3' -> index 2 in presenter mode; '#name' -> that slide's index.
     Anything else, or a slide the deck does not have, is the first slide. */
  function parseHash(hash, count, names) {
    var text = hash.replace(/^#/, ''), presenter = false;
    try { text = decodeURIComponent(text); } catch (e) { /* keep it as written */ }
    if (/^p[1-9][0-9]*$/.test(text)) { presenter = true; text = text.slice(1); }
    var index = /^[1-9][0-9]*$/.test(text) ? Number(text) - 1
      : Object.prototype.hasOwnProperty.call(names || {}, text) ? names[text] : -1;
    return {index: index < 0 || index >= count ? 0 : index, presenter: presenter};
  }

  function formatHash(state) { return '#' + (state.presenter ? 'p' : '') + (state.index + 1); }

  /* The presenter timer's reading in ms, at time `now` (ms since the epoch). */
  function elapsed(state, now) { return state.elapsed + (state.running ? now - state.started : 0); }

  /* options: count (slides), numbers (each slide's number, null where it has none), total (the
     number of the last slide), clone (an audience window: never in presenter mode), now (clock). */
  function create(options) {
    var count = options.count, numbers = options.numbers || [], now = options.now || Date.now;
    var isClone = !!options.clone, views = [];
    var state = {index: -1, presenter: false, blackout: false, mirrored: false, help: false, paused: false,
      typed: '', started: 0, elapsed: 0, running: false, notesSize: 1};

    /* Apply changes; hand the new and the previous state to every view when something changed.
       The timer starts on the first move that is not the start or an API call. */
    function update(changes, how) {
      var previous = {}, changed = false, key;
      for (key in state) previous[key] = state[key];
      for (key in changes) {
        if (state[key] !== changes[key]) { state[key] = changes[key]; changed = true; }
      }
      if (state.index !== previous.index && how.from !== 'start' && how.from !== 'api' &&
          !state.running && !state.elapsed) {
        state.started = now();
        state.running = true;
      }
      if (changed) views.forEach(function (view) { view(state, previous, how); });
      return changed;
    }

    function go(index, how) {
      if (typeof index === 'number' && index % 1 === 0 && index >= 0 && index < count) update({index: index}, how);
    }

    function setPresenter(on, how) { if (!isClone) update({presenter: !!on}, how); }

    /* Slides are counted as remark counts them: the number shown on a slide, out of the number of
       the last one (`--` steps and `count: false` slides share a number when the deck says so). */
    function numberOf(index) { return numbers[index] === null || numbers[index] === undefined ? index + 1 : numbers[index]; }

    /* Digits then Enter: the first slide with that number. Returns whether the key was used. */
    function digit(d) { update({typed: state.typed + d}, HOW.STEP); return true; }
    function enter() {
      if (!state.typed) return false;
      var found = numbers.indexOf(Number(state.typed));
      update({typed: ''}, HOW.STEP);
      if (found >= 0) go(found, HOW.JUMP);
      return true;
    }

    function notesScale(step) {
      var size = Math.round((state.notesSize + step) * 10) / 10;
      update({notesSize: Math.min(NOTES_SIZES.max, Math.max(NOTES_SIZES.min, size))}, HOW.STEP);
    }

    function toggleTimer() {
      var t = now();
      update(state.running ? {elapsed: elapsed(state, t), running: false} : {started: t, running: true}, HOW.STEP);
    }

    /* Each intent takes (how, key, event); one that returns false did not use its key. Other
       parts add the intents that need the page (clone, fullscreen). */
    var intents = {
      prev: function (how) { go(state.index - 1, how || HOW.STEP); },
      next: function (how) { go(state.index + 1, how || HOW.STEP); },
      first: function () { go(0, HOW.JUMP); },
      last: function () { go(count - 1, HOW.JUMP); },
      number: function (how, key, event) { return key === 'Enter' ? enter() : digit(event.key); },
      presenter: function () { setPresenter(!state.presenter, HOW.STEP); },
      timer: toggleTimer,
      reset: function () { update({elapsed: 0, running: false}, HOW.STEP); },
      bigger: function () { notesScale(NOTES_SIZES.step); },
      smaller: function () { notesScale(-NOTES_SIZES.step); },
      blackout: function () { update({blackout: !state.blackout}, HOW.STEP); },
      mirror: function () { update({mirrored: !state.mirrored}, HOW.STEP); },
      help: function () { update({help: !state.help}, HOW.STEP); },
      escape: function () { return update({help: false, blackout: false}, HOW.STEP); }
    };

    function intent(name, how, key, event) { return intents[name](how, key, event) !== false; }

    /* The deck changed under the trainer (a hot update from the dev server): new slides, numbers
       and total; the state (timer, modes, presenter) stays, the current slide becomes `index`, and
       every view is shown it again (`changed`: whether the slide itself is new). */
    function reshape(newCount, newNumbers, newTotal, index, changed) {
      count = api.count = newCount;
      numbers = newNumbers || [];
      api.total = newTotal || newCount;
      var previous = {}, key;
      for (key in state) previous[key] = state[key];
      var how = {from: HOW.UPDATE.from, history: HOW.UPDATE.history, changed: !!changed, was: previous.index};
      previous.index = -1;               // every view shows the slide again (`how.was`: where it was)
      state.index = Math.min(Math.max(index, 0), Math.max(count - 1, 0));
      views.forEach(function (view) { view(state, previous, how); });
    }

    var api = {
      state: state, count: count, total: options.total || count, intents: intents,
      update: update, go: go, setPresenter: setPresenter, intent: intent, numberOf: numberOf,
      clearTyped: function () { update({typed: ''}, HOW.STEP); },
      elapsed: function () { return elapsed(state, now()); },
      subscribe: function (view) { views.push(view); },
      reshape: reshape
    };
    return api;
  }

  parts.nav = {HOW: HOW, create: create, parseHash: parseHash, formatHash: formatHash, slideSize: slideSize};
  if (typeof module === 'object' && module.exports) module.exports = parts.nav;
}(typeof window === 'object' ? (window.podiumParts = window.podiumParts || {}) : {}));
