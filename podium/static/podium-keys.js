/* Podium's key table: the one place keys are bound; the help overlay is drawn from it.
 * Key names are KeyboardEvent.key values (letters in lower case), plus 'Space', 'Shift+Space' and
 * '0-9' for any digit. No DOM here: Node loads this file too (tests/js/). */
(function (parts) {
  'use strict';

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

  /* How the help overlay writes a key that has no printable name of its own. */
  var LABELS = {ArrowLeft: '\u2190', ArrowUp: '\u2191', ArrowRight: '\u2192', ArrowDown: '\u2193',
    PageUp: 'Page Up', PageDown: 'Page Down', Escape: 'Esc', '0-9': '0\u20139'};

  var byKey = {};
  KEYS.forEach(function (row) { row.keys.forEach(function (key) { byKey[key] = row.intent; }); });

  /* The table's name for a key event: {key, shiftKey} is all it reads. */
  function keyName(event) {
    var key = event.key;
    if (key === ' ' || key === 'Spacebar') return event.shiftKey ? 'Shift+Space' : 'Space';
    if (/^[0-9]$/.test(key)) return '0-9';
    return key.length === 1 ? key.toLowerCase() : key;
  }

  /* The intent a key name is bound to, or undefined. */
  function intentFor(name) {
    return Object.prototype.hasOwnProperty.call(byKey, name) ? byKey[name] : undefined;
  }

  /* A copy of the table, for the public API (callers cannot change the bindings through it). */
  function copy() {
    return KEYS.map(function (row) { return {keys: row.keys.slice(), intent: row.intent, help: row.help}; });
  }

  parts.keys = {KEYS: KEYS, LABELS: LABELS, keyName: keyName, intentFor: intentFor, copy: copy};
  if (typeof module === 'object' && module.exports) module.exports = parts.keys;
}(typeof window === 'object' ? (window.podiumParts = window.podiumParts || {}) : {}));
