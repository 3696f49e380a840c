// Navigation (podium/static/podium-nav.js): the hash grammar, the slide size, the state and intents.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const nav = require('../../podium/static/podium-nav.js');
const keys = require('../../podium/static/podium-keys.js');

const {HOW} = nav;
const NAMES = {intro: 0, 'the end': 4};

/* A deck of `count` slides on a clock the test moves; `seen` records every view call. */
function deck(options = {}) {
  const clock = {t: 1000};
  const made = nav.create({count: 5, numbers: [1, 2, 2, 3, 4], now: () => clock.t, ...options});
  const seen = [];
  made.subscribe((state, previous, how) => seen.push({state: {...state}, previous, how}));
  return {nav: made, state: made.state, clock, seen};
}

function started(options) {
  const d = deck(options);
  d.nav.update({index: 0}, HOW.START);
  d.seen.length = 0;
  return d;
}

test('#N is slide N, counted from 1', () => {
  assert.deepEqual(nav.parseHash('#3', 5, NAMES), {index: 2, presenter: false});
  assert.deepEqual(nav.parseHash('#1', 5, NAMES), {index: 0, presenter: false});
  assert.deepEqual(nav.parseHash('#5', 5, NAMES), {index: 4, presenter: false});
});

test('#pN is slide N in presenter mode', () => {
  assert.deepEqual(nav.parseHash('#p3', 5, NAMES), {index: 2, presenter: true});
  assert.deepEqual(nav.parseHash('p2', 5, NAMES), {index: 1, presenter: true});
});

test('#name is the named slide, also percent-encoded', () => {
  assert.deepEqual(nav.parseHash('#intro', 5, NAMES), {index: 0, presenter: false});
  assert.deepEqual(nav.parseHash('#the%20end', 5, NAMES), {index: 4, presenter: false});
});

test('unknown, malformed and out-of-range hashes are the first slide', () => {
  for (const hash of ['', '#', '#nope', '#0', '#03', '#6', '#p0', '#p', '#-1', '#2.5', '#%E0%A4%A', '#constructor', '#pintro']) {
    assert.deepEqual(nav.parseHash(hash, 5, NAMES), {index: 0, presenter: false}, hash);
  }
  assert.deepEqual(nav.parseHash('#3', 5), {index: 2, presenter: false}, 'a deck without names');
});

test('the hash is written as #N or #pN', () => {
  assert.equal(nav.formatHash({index: 2, presenter: false}), '#3');
  assert.equal(nav.formatHash({index: 0, presenter: true}), '#p1');
  const written = nav.formatHash({index: 6, presenter: true});
  assert.deepEqual(nav.parseHash(written, 10), {index: 6, presenter: true});
});

test('the slide size comes from the config', () => {
  assert.deepEqual(nav.slideSize({width: 1210, height: 681}), {width: 1210, height: 681});
  assert.deepEqual(nav.slideSize({}), {width: 908, height: 681});
});

test('next at the last slide stays, prev at the first stays, and no view hears of it', () => {
  const d = started();
  d.nav.intent('prev');
  assert.equal(d.state.index, 0);
  assert.equal(d.seen.length, 0);
  d.nav.go(4, HOW.API);
  d.seen.length = 0;
  d.nav.intent('next');
  assert.equal(d.state.index, 4);
  assert.equal(d.seen.length, 0);
});

test('next and prev are steps that replace the history entry; first and last push one', () => {
  const d = started();
  d.nav.intent('next');
  assert.equal(d.state.index, 1);
  assert.equal(d.seen[0].how, HOW.STEP);
  assert.equal(d.seen[0].how.history, 'replace');
  assert.equal(d.seen[0].previous.index, 0);
  d.nav.intent('last');
  assert.equal(d.state.index, 4);
  assert.equal(d.seen[1].how.history, 'push');
  d.nav.intent('first');
  assert.equal(d.state.index, 0);
  d.nav.intent('next', HOW.REMOTE);
  assert.equal(d.seen.at(-1).how, HOW.REMOTE);
});

test('go ignores what is not a slide index', () => {
  const d = started();
  for (const wrong of [-1, 5, 1.5, '2', NaN, null, undefined]) d.nav.go(wrong, HOW.API);
  assert.equal(d.state.index, 0);
  assert.equal(d.seen.length, 0);
});

test('digits then Enter go to the first slide with that number, and push a history entry', () => {
  const d = started();
  assert.equal(d.nav.intent('number', null, '0-9', {key: '2'}), true);
  assert.equal(d.state.index, 0, 'a digit alone does not move');
  assert.equal(d.nav.intent('number', null, 'Enter'), true);
  assert.equal(d.state.index, 1, 'slides 2 and 3 share the number 2: the first of them');
  assert.equal(d.seen.at(-1).how, HOW.JUMP);
  assert.equal(d.state.typed, '');
  d.nav.intent('number', null, '0-9', {key: '0'});
  d.nav.intent('number', null, '0-9', {key: '4'});
  d.nav.intent('number', null, 'Enter');
  assert.equal(d.state.index, 4, '"04" is slide number 4');
});

test('Enter without digits is not used; an unknown number stays and is forgotten', () => {
  const d = started();
  assert.equal(d.nav.intent('number', null, 'Enter'), false);
  d.nav.intent('number', null, '0-9', {key: '9'});
  assert.equal(d.nav.intent('number', null, 'Enter'), true);
  assert.equal(d.state.index, 0);
  assert.equal(d.state.typed, '');
  d.nav.intent('number', null, '0-9', {key: '3'});
  d.nav.clearTyped();                     // another key came between the digits and Enter
  assert.equal(d.nav.intent('number', null, 'Enter'), false);
  assert.equal(d.state.index, 0);
});

test('slide numbers: as the page gives them, else the position', () => {
  const d = deck({numbers: [1, null, 2], count: 3, total: 2});
  assert.deepEqual([0, 1, 2].map(d.nav.numberOf), [1, 2, 2]);
  assert.equal(d.nav.total, 2);
  assert.equal(nav.create({count: 4}).total, 4);
});

test('presenter mode toggles, but never in the audience window', () => {
  const d = started();
  d.nav.intent('presenter');
  assert.equal(d.state.presenter, true);
  d.nav.setPresenter(false, HOW.API);
  assert.equal(d.state.presenter, false);
  const clone = started({clone: true});
  clone.nav.intent('presenter');
  clone.nav.setPresenter(true, HOW.API);
  assert.equal(clone.state.presenter, false);
});

test('Escape closes the help and ends the blackout, and says whether it did anything', () => {
  const d = started();
  assert.equal(d.nav.intent('escape'), false);
  d.nav.intent('help');
  d.nav.intent('blackout');
  assert.equal(d.state.help && d.state.blackout, true);
  assert.equal(d.nav.intent('escape'), true);
  assert.equal(d.state.help || d.state.blackout, false);
  d.nav.intent('mirror');
  assert.equal(d.state.mirrored, true);
});

test('the timer starts on the first move, not at the start nor from the API', () => {
  const d = deck();
  d.nav.update({index: 2}, HOW.START);
  assert.equal(d.state.running, false);
  d.nav.go(3, HOW.API);
  assert.equal(d.state.running, false);
  d.clock.t = 5000;
  d.nav.intent('prev');
  assert.equal(d.state.running, true);
  assert.equal(d.state.started, 5000);
  assert.equal(d.seen.at(-1).state.running, true, 'views see the move and the start together');
  d.clock.t = 8000;
  assert.equal(d.nav.elapsed(), 3000);
});

test('s stops and restarts the timer, t resets it; a stopped timer is not restarted by moving', () => {
  const d = started();
  d.nav.intent('timer');
  d.clock.t += 65000;
  d.nav.intent('timer');
  assert.equal(d.state.running, false);
  assert.equal(d.nav.elapsed(), 65000);
  d.nav.intent('next');
  d.clock.t += 10000;
  assert.equal(d.state.running, false);
  assert.equal(d.nav.elapsed(), 65000);
  d.nav.intent('timer');
  d.clock.t += 3000;
  assert.equal(d.nav.elapsed(), 68000);
  d.nav.intent('reset');
  assert.equal(d.state.running, false);
  assert.equal(d.nav.elapsed(), 0);
  d.nav.intent('next');
  assert.equal(d.state.running, true, 'after a reset the next move starts it again');
});

test('notes grow and shrink by tenths, between half and three times their size', () => {
  const d = started();
  d.nav.intent('bigger');
  d.nav.intent('bigger');
  d.nav.intent('bigger');
  assert.equal(d.state.notesSize, 1.3);
  for (let i = 0; i < 30; i++) d.nav.intent('bigger');
  assert.equal(d.state.notesSize, 3);
  for (let i = 0; i < 40; i++) d.nav.intent('smaller');
  assert.equal(d.state.notesSize, 0.5);
});

test('every intent of the key table exists, or is one the page adds (clone, fullscreen)', () => {
  const intents = nav.create({count: 1}).intents;
  const missing = keys.KEYS.map(row => row.intent).filter(name => !(name in intents));
  assert.deepEqual(missing, ['clone', 'fullscreen']);
});

test('a hot update reshapes the deck: new count, numbers and total, the timer and modes kept', () => {
  const d = started();
  d.nav.intent('next');
  d.nav.setPresenter(true, HOW.STEP);
  d.clock.t += 5000;
  d.seen.length = 0;
  d.nav.reshape(7, [1, 2, 3, 4, 5, 6, 6], 6, 3, false);
  assert.equal(d.nav.count, 7);
  assert.equal(d.nav.total, 6);
  assert.equal(d.state.index, 3);
  assert.equal(d.state.presenter, true);
  assert.equal(d.state.running, true, 'the timer keeps counting');
  assert.equal(d.nav.elapsed(), 5000);
  assert.equal(d.seen.length, 1, 'every view is shown the slide again, once');
  assert.equal(d.seen[0].previous.index, -1);
  assert.deepEqual([d.seen[0].how.from, d.seen[0].how.was, d.seen[0].how.changed], ['update', 1, false]);
  assert.equal(d.nav.numberOf(6), 6);
  d.nav.go(6, HOW.STEP);
  assert.equal(d.state.index, 6, 'the new slides can be reached');
  d.nav.intent('last');
  d.nav.reshape(2, [1, 2], 2, 6, true);
  assert.equal(d.state.index, 1, 'a current slide past the end is the last one');
  d.nav.go(2, HOW.STEP);
  assert.equal(d.state.index, 1, 'the removed slides cannot');
});
