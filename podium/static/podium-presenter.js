/* Podium's presenter view: the current slide's notes, the next slide and its notes, the position,
 * the timer, the clock and the pacing against the deck's planned duration. The timer's state and
 * the notes' size are in the navigation state; this part only shows them. */
(function (parts) {
  'use strict';

  var TICK_MS = 250;                      // the timer and the clock refresh this often
  var ON_TIME_MS = 30000;                 // closer than this to the plan is "on time"

  function clear(element) { if (element) element.textContent = ''; }

  function copyNotes(target, container) {
    var notes = container && container.querySelector('.remark-slide-notes');
    target.innerHTML = notes ? notes.innerHTML : '';
  }

  /* A copy of a slide for the preview: no ids (they stay unique in the page), no notes, shown. */
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

  /* 65000 -> '1:05'; with hours (or past an hour) '0:01:05'. */
  function clock(ms, hours) {
    var s = Math.floor(ms / 1000), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    var tail = String(s % 60).padStart(2, '0');
    return hours || h ? h + ':' + String(m).padStart(2, '0') + ':' + tail : m + ':' + tail;
  }

  function install(deck) {
    var nav = deck.nav, state = nav.state, slides = deck.slides, preview = deck.preview;
    var notesArea = deck.notesArea, planned = (deck.config.duration || 0) * 1000, interval = 0;

    function find(selector) { return notesArea.querySelector(selector); }

    function tick() {
      if (!state.presenter) return;
      var elapsed = nav.elapsed(), now = new Date();
      var timerBox = find('.remark-toolbar-timer');
      timerBox.textContent = clock(elapsed, true);
      timerBox.classList.toggle('podium-running', state.running);
      find('.podium-clock').textContent = String(now.getHours()).padStart(2, '0') + ':' +
        String(now.getMinutes()).padStart(2, '0');
      var pacing = find('.podium-pacing');
      if (!planned) return;
      var due = planned * state.index / nav.count, late = elapsed - due;
      pacing.hidden = false;
      pacing.textContent = Math.abs(late) < ON_TIME_MS ? 'on time'
        : clock(Math.abs(late)) + (late > 0 ? ' behind' : ' ahead');
      pacing.classList.toggle('podium-behind', late >= ON_TIME_MS);
      pacing.classList.toggle('podium-ahead', late <= -ON_TIME_MS);
      pacing.title = 'Planned ' + clock(planned) + '; this slide is due at ' + clock(due);
    }

    deck.views.presenter = function presenterView(s, old) {
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
      find('.podium-position').textContent = 'Slide ' + nav.numberOf(s.index) + ' / ' + nav.total;
      tick();
    };

    /* The timer ticks while presenter mode is on, and shows each start, stop and reset at once. */
    deck.views.timer = function timerView(s, old) {
      if (s.presenter !== old.presenter) {
        clearInterval(interval);
        if (s.presenter) { interval = setInterval(tick, TICK_MS); tick(); }
      } else if (s.running !== old.running || s.elapsed !== old.elapsed || s.started !== old.started) {
        tick();
      }
    };

    deck.views.notes = function notesView(s, old) {
      if (s.notesSize !== old.notesSize) notesArea.style.setProperty('--podium-notes-scale', String(s.notesSize));
    };
  }

  parts.presenter = {install: install, clock: clock};
}(window.podiumParts = window.podiumParts || {}));
