/* Podium follow mode (served by `serve --follow` and `present`, never published).
 *
 * Every page of the room connects to the follow socket and is sent where the leader is (page,
 * slide by identity, blackout) as it connects, after every move and after every reconnect (the
 * socket is opened again with a growing wait when the network drops). A follower's page goes
 * there; one that moves on its own is detached and shows a "Follow (slide N)" badge that brings
 * it back. A leader's page (the trainer's copy, under /lead/TOKEN/) sends its own moves with the
 * token; several leaders follow the last move too. The audience window of a leader follows its
 * presenter by postMessage, not by this socket.
 *
 * This file opens the script; follow-badge.js (the badge and the QR code) closes it.
 */
(function () {
  "use strict";

  var BADGE_ID = "podium-follow-badge", QR_ID = "podium-follow-qr", CHANNEL = "podium-follow-qr";
  var config = null;
  try { config = JSON.parse(document.getElementById("podium-follow").textContent); } catch (error) { return; }
  if (window.opener && String(window.name).indexOf("podium-clone:") === 0) {
    listenForQr();
    return;
  }
  var leading = typeof config.lead === "string";
  var base = config.base || "";
  var here = location.pathname.replace(/index\.html$/, "");
  if (base && here.indexOf(base + "/") === 0) here = here.slice(base.length);
  var KEY = "podium-follow";
  var TEXT_MAX = 600;                     /* the server keeps this much of a slide's text */
  var WAIT = {first: 250, most: 4000};    /* reconnect: 0.25 s, doubling up to 4 s */
  var me = Math.random().toString(36).slice(2, 10), sent = 0;
  var leader = null, detached = false, applying = false, socket = null, wait = WAIT.first;

  function api() {
    var podium = window.podium;
    return podium && typeof podium.goto === "function" && typeof podium.setBlackout === "function" ? podium : null;
  }

  function slides() {
    return Array.prototype.slice.call(document.querySelectorAll(".remark-slides-area > .remark-slide-container"));
  }

  function fingerprint(container) {
    var content = container && container.querySelector(".remark-slide-content");
    if (!content) return "";
    var copy = content.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".remark-slide-number"), function (n) { n.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim().slice(0, TEXT_MAX);
  }

  /* The leader's slide in this page: by name, else at its index when the text agrees, else the
     nearest slide with that text, else the same position. */
  function find(state) {
    var list = slides();
    if (!list.length) return 0;
    var i;
    if (state.name) {
      for (i = 0; i < list.length; i++) if (list[i].dataset.name === state.name) return i;
    }
    var at = Math.min(state.index, list.length - 1);
    if (!state.text || fingerprint(list[at]) === state.text) return at;
    var best = -1;
    for (i = 0; i < list.length; i++) {
      if (fingerprint(list[i]) === state.text && (best < 0 || Math.abs(i - at) < Math.abs(best - at))) best = i;
    }
    return best < 0 ? at : best;
  }

  function read() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || "null") || {}; } catch (error) { return {}; }
  }

  function remember(arriving) {
    try { sessionStorage.setItem(KEY, JSON.stringify({detached: detached, arriving: !!arriving})); } catch (error) { /* off */ }
  }

  /* True when this page was reached by a link of this site the reader followed (not by a follow
     move, a reload, a typed address or a QR code). */
  function cameByItself(saved) {
    var entry = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    var navigated = entry ? entry.type === "navigate" : true;
    return !saved.arriving && navigated && document.referrer.indexOf(location.origin + "/") === 0;
  }

  var saved = read(), byItself = cameByItself(saved);
  detached = !leading && (!!saved.detached || byItself);
  remember(false);

  /* Go where the leader is. */
  function apply(state) {
    if (!state || !state.path || (!leading && detached)) return;
    if (leading && state.from === me && state.n < sent) return; /* a newer move of ours is on its way */
    if (state.path !== here) {
      if (leading && !api()) return; /* a leader on the course page is choosing a deck */
      remember(true);
      location.replace(base + state.path + "#" + (state.index + 1));
      return;
    }
    var podium = api();
    if (!podium) return;
    applying = true;
    try {
      var target = find(state);
      if (podium.current() !== target) podium.goto(target);
      if (podium.blackout() !== !!state.blackout) podium.setBlackout(!!state.blackout);
    } finally {
      applying = false;
    }
  }

  /* A leader's own move, to the room. */
  function send() {
    var podium = api();
    if (!leading || !podium || !socket || socket.readyState !== 1) return;
    var index = podium.current(), slide = slides()[index];
    var number = slide ? Number(slide.getAttribute("data-number")) : index + 1;
    sent += 1;
    socket.send(JSON.stringify({command: "move", token: config.lead, from: me, n: sent, path: here, index: index,
      number: number > 0 ? number : index + 1, name: slide && slide.dataset.name || null, text: fingerprint(slide),
      blackout: podium.blackout()}));
  }

  var last = {index: -1, blackout: false};
  function changed(detail) {
    var moved = detail.index !== last.index || detail.blackout !== last.blackout;
    last = {index: detail.index, blackout: detail.blackout};
    if (applying || !moved || detail.from === "api" || detail.from === "start") return;
    if (leading) {
      send();
      return;
    }
    if (detail.from === "input" || detail.from === "hash") {
      detached = true;
      remember(false);
      badge();
    }
  }

  function connect() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + config.socket +
      (leading ? "?lead=" + encodeURIComponent(config.lead) : "");
    var opened = false;
    socket = new WebSocket(url);
    socket.onopen = function () { opened = true; wait = WAIT.first; };
    socket.onmessage = function (event) {
      var state = null;
      try { state = JSON.parse(event.data); } catch (error) { return; }
      if (!state || state.command !== "podium-follow") return;
      var first = leader === null;
      if (leader && state.seq && leader.seq && state.seq < leader.seq) return;
      leader = state;
      document.documentElement.setAttribute("data-podium-following", String(state.seq || 0));
      if (!started) return;
      if (first) settle();
      else apply(state);
      badge();
    };
    socket.onclose = function () {
      socket = null;
      var pause = opened ? WAIT.first : wait;
      wait = Math.min(WAIT.most, wait * 2);
      setTimeout(connect, pause * (0.75 + Math.random() / 2));
    };
  }

  /* Once the runtime is there and the server has said where the room is: a leader's page the
     trainer opened (or the first leader of a room) moves the room there; any other page follows. */
  function settle() {
    var podium = api();
    if (podium) last = {index: podium.current(), blackout: podium.blackout()};
    if (leading && podium && (byItself || !leader.path)) send();
    else apply(leader);
    badge();
  }

  var started = false;
  function start() {
    var podium = api();
    if (podium && typeof podium.on === "function") podium.on("change", changed);
    started = true;
    if (leader) settle();
    if (leading) listenForQrKey();
  }

  connect();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { setTimeout(start, 0); });
  else setTimeout(start, 0);
