// The key table (podium/static/podium-keys.js): key event -> key name -> intent.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const keys = require('../../podium/static/podium-keys.js');

test('key events are named as the table names them', () => {
  assert.equal(keys.keyName({key: ' ', shiftKey: false}), 'Space');
  assert.equal(keys.keyName({key: ' ', shiftKey: true}), 'Shift+Space');
  assert.equal(keys.keyName({key: 'Spacebar', shiftKey: false}), 'Space');
  assert.equal(keys.keyName({key: '7'}), '0-9');
  assert.equal(keys.keyName({key: 'P'}), 'p');
  assert.equal(keys.keyName({key: 'ArrowRight'}), 'ArrowRight');
  assert.equal(keys.keyName({key: '?'}), '?');
});

test('each key name maps to its intent', () => {
  const cases = {
    ArrowLeft: 'prev', PageUp: 'prev', k: 'prev', 'Shift+Space': 'prev',
    ArrowRight: 'next', ArrowDown: 'next', Space: 'next', j: 'next',
    Home: 'first', End: 'last', '0-9': 'number', Enter: 'number',
    p: 'presenter', c: 'clone', s: 'timer', t: 'reset', '+': 'bigger', '=': 'bigger', '-': 'smaller',
    b: 'blackout', m: 'mirror', f: 'fullscreen', h: 'help', '?': 'help', Escape: 'escape'
  };
  for (const [name, intent] of Object.entries(cases)) assert.equal(keys.intentFor(name), intent, name);
});

test('unbound keys have no intent, not even names of Object.prototype', () => {
  for (const name of ['x', 'Tab', 'F5', 'constructor', 'toString', '__proto__']) {
    assert.equal(keys.intentFor(name), undefined, name);
  }
});

test('no key is bound twice', () => {
  const all = keys.KEYS.flatMap(row => row.keys);
  assert.equal(new Set(all).size, all.length);
});

test('every row has help text, and the labels cover the keys without a printable name', () => {
  for (const row of keys.KEYS) assert.ok(row.help.length > 0, row.intent);
  assert.equal(keys.LABELS.Escape, 'Esc');
  assert.equal(keys.LABELS.ArrowLeft, '\u2190');
});

test('copy() gives the table without letting a caller change the bindings', () => {
  const copy = keys.copy();
  assert.deepEqual(copy, keys.KEYS);
  copy[0].keys.push('x');
  copy[1].intent = 'prev';
  assert.equal(keys.intentFor('x'), undefined);
  assert.equal(keys.KEYS[1].intent, 'next');
  assert.ok(!keys.KEYS[0].keys.includes('x'));
});
