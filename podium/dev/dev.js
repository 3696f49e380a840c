/* Podium dev server client (served by `python build.py serve` only, never published).
 *
 * - Reloads the page when the server rebuilt it (livereload protocol over a websocket).
 * - Keeps the place by identity: before a reload it remembers the current slide's name, text and
 *   neighbours; after it, it finds that slide again (name, else same text, else next to the same
 *   neighbour, else the same position) and fixes the URL hash before the runtime reads it.
 * - Shows the build problems of the page over it, and what the layout check found on its slides.
 * - Leaves out of a slide's fingerprint what missing.js adds to show an image that did not load.
 * Works with the runtime's `window.podium` API when there is one, else with the `#N` / `#pN` hash
 * and the `remark-visible` class.
 */
(function () {
  "use strict";

  var config = {};
  try {
    config = JSON.parse(document.getElementById("podium-dev").textContent);
  } catch (error) { /* a page without the server's state: no errors, default socket */ }
  var here = location.pathname.replace(/index\.html$/, "");
  var KEY = "podium-dev:" + here;
  var HASH = /^#(p?)(\d+)$/;
  var reloading = false;
  var target = null;
  /* What missing.js adds to a page that shows a missing image (left out of a slide's fingerprint). */
  var MISSING = "data-podium-missing";
  var MISSING_BACKGROUND = "data-podium-missing-background";
  var MISSING_MARKS = ".podium-dev-missing-image, .podium-dev-missing-background";

  function slides() {
    return Array.prototype.slice.call(document.querySelectorAll(".remark-slides-area > .remark-slide-container"));
  }

  function api() {
    var podium = window.podium;
    return podium && typeof podium.current === "function" && typeof podium.goto === "function" ? podium : null;
  }

  function fingerprint(container) {
    var content = container && container.querySelector(".remark-slide-content");
    if (!content) return "";
    var copy = content.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".remark-slide-number, " + MISSING_MARKS), function (n) { n.remove(); });
    [copy].concat(Array.prototype.slice.call(copy.querySelectorAll("[" + MISSING + "], [" + MISSING_BACKGROUND + "]")))
      .forEach(function (e) { e.removeAttribute(MISSING); e.removeAttribute(MISSING_BACKGROUND); });
    var text = copy.textContent.replace(/\s+/g, " ").trim();
    return (text || copy.innerHTML.replace(/\s+/g, " ").trim()).slice(0, 4000);
  }

  function place() {
    var list = slides();
    if (!list.length) return null;
    var podium = api();
    var index = 0;
    var presenter = false;
    var hash = HASH.exec(location.hash);
    if (podium) {
      index = Number(podium.current()) || 0;
      presenter = typeof podium.presenter === "function" ? !!podium.presenter() : !!(hash && hash[1]);
    } else if (hash) {
      index = Number(hash[2]) - 1;
      presenter = hash[1] === "p";
    } else {
      var named = location.hash ? list.findIndex(function (s) { return "#" + s.dataset.name === location.hash; }) : -1;
      var visible = list.findIndex(function (s) { return s.classList.contains("remark-visible"); });
      index = named > -1 ? named : Math.max(visible, 0);
    }
    index = Math.min(Math.max(index, 0), list.length - 1);
    return {
      index: index, presenter: presenter, count: list.length, name: list[index].dataset.name || null,
      text: fingerprint(list[index]), before: fingerprint(list[index - 1]), after: fingerprint(list[index + 1])
    };
  }

  function save(pending) {
    var current = place();
    if (!current) return;
    current.pending = pending;
    current.at = Date.now();
    try { sessionStorage.setItem(KEY, JSON.stringify(current)); } catch (error) { /* storage off: no restore */ }
  }

  function nearest(indexes, to) {
    return indexes.reduce(function (best, i) { return Math.abs(i - to) < Math.abs(best - to) ? i : best; });
  }

  /* The index of the remembered slide in the new deck. */
  function find(saved, list) {
    if (!list.length) return null;
    var byName = saved.name ? list.findIndex(function (s) { return s.dataset.name === saved.name; }) : -1;
    if (byName > -1) return byName;
    var prints = list.map(fingerprint);
    var same = [], besides = [];
    prints.forEach(function (text, i) {
      if (saved.text && text === saved.text) same.push(i);
      if (saved.before && prints[i - 1] === saved.before) besides.push(i);
      if (saved.after && prints[i + 1] === saved.after) besides.push(i);
    });
    if (same.length) return nearest(same, saved.index);
    if (besides.length) return nearest(besides, saved.index);
    return Math.min(saved.index, list.length - 1);
  }

  function remembered() {
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (error) { return null; }
    var entry = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    var reloaded = entry ? entry.type === "reload" : false;
    var fresh = saved && saved.pending && Date.now() - saved.at < 30000;
    return saved && (fresh || reloaded) ? saved : null;
  }

  var saved = remembered();
  /* The deck's boot script would reveal the slide the old hash names before this script finds
     where the trainer was: hold it back; the runtime shows the right slide once the page is parsed. */
  if (saved) window.podiumHold = true;

  /* Once every slide is parsed (before the runtime's script runs): point the hash at the slide. */
  function settle() {
    if (!saved || target !== null) return;
    target = find(saved, slides());
    try { sessionStorage.removeItem(KEY); } catch (error) { /* nothing to clean */ }
    if (target === null) return;
    var hash = "#" + (saved.presenter ? "p" : "") + (target + 1);
    if (location.hash !== hash) history.replaceState(history.state, "", hash);
  }

  /* When the runtime is there: make sure it shows the slide and mode. */
  function follow() {
    var podium = api();
    if (!saved || target === null || !podium) return;
    if (typeof podium.setPresenter === "function" && typeof podium.presenter === "function" &&
        !!podium.presenter() !== !!saved.presenter) {
      podium.setPresenter(!!saved.presenter);
    }
    if (Number(podium.current()) !== target) podium.goto(target);
    saved = null; /* once: from now on the trainer moves */
  }

  if (saved) {
    var observer = new MutationObserver(function () {
      var area = document.querySelector(".remark-slides-area");
      if (area && area.nextSibling) {
        observer.disconnect();
        settle();
      }
    });
    observer.observe(document.documentElement, { childList: true, subtree: true });
    document.addEventListener("DOMContentLoaded", function () {
      observer.disconnect();
      settle();
      follow();
      setTimeout(follow, 0);
    });
    window.addEventListener("load", follow);
  }

  function reload() {
    if (reloading) return;
    reloading = true;
    save(true);
    location.reload();
  }

  window.addEventListener("pagehide", function () { if (!reloading) save(false); });

  /* While this page reloads it must not answer the other window (presenter <-> audience): that
     window may already show the new deck, where the old positions are wrong. */
  window.addEventListener("message", function (event) { if (reloading) event.stopImmediatePropagation(); }, true);

  /* A panel over the page listing problems: build errors at the top (red), the layout check's
     findings at the bottom (amber; they arrive after each rebuild, see livelayout.py). */
  var PANELS = {
    errors: {id: "podium-dev-overlay", role: "alert", place: "top:0", background: "rgba(60,0,0,.94)"},
    layout: {id: "podium-dev-layout", role: "status", place: "bottom:0", background: "rgba(70,45,0,.94)"}
  };

  function panel(kind, title, lines) {
    var spec = PANELS[kind], old = document.getElementById(spec.id);
    if (old) old.remove();
    if (!lines || !lines.length || !document.body) return;
    var box = document.createElement("div");
    box.id = spec.id;
    box.setAttribute("role", spec.role);
    box.style.cssText = "position:fixed;left:0;right:0;" + spec.place + ";z-index:2147483647;max-height:45vh;" +
      "overflow:auto;margin:0;padding:12px 16px;background:" + spec.background + ";color:#fff;" +
      "font:14px/1.45 ui-monospace,monospace;box-shadow:0 2px 12px rgba(0,0,0,.5);text-align:left";
    var heading = document.createElement("strong");
    heading.textContent = title;
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", "Hide");
    close.style.cssText = "float:right;font:inherit;font-size:20px;background:none;color:#fff;border:0;cursor:pointer";
    close.addEventListener("click", function () { box.remove(); });
    var list = document.createElement("pre");
    list.style.cssText = "margin:8px 0 0;white-space:pre-wrap;font:inherit";
    list.textContent = lines.join("\n");
    box.append(close, heading, list);
    document.body.appendChild(box);
  }

  function errors(lines) {
    panel("errors", config.page ? "Build failed: this page shows the last good build" : "Build problems", lines);
  }

  function layout(lines) {
    var count = (lines || []).length;
    panel("layout", "Layout: " + count + " problem" + (count === 1 ? "" : "s") + " on the slides", lines);
  }

  function panels() { errors(config.errors); layout(config.layout); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", panels);
  else panels();

  var connected = false;
  function connect() {
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host +
                               (config.socket || "/__podium__/livereload"));
    socket.onopen = function () {
      socket.send(JSON.stringify({ command: "hello", protocols: ["http://livereload.com/protocols/official-7"] }));
      socket.send(JSON.stringify({ command: "info", url: location.href, plugins: {} }));
      if (connected) reload(); /* the server came back: the course may have changed meanwhile */
      connected = true;
    };
    socket.onmessage = function (event) {
      var message = {};
      try { message = JSON.parse(event.data); } catch (error) { return; }
      if (message.command === "reload" && (message.path === "*" || message.path === here)) reload();
      else if (message.command === "podium-layout" && message.path === here && !reloading) layout(message.lines);
    };
    socket.onclose = function () { if (!reloading) setTimeout(connect, 1000); };
  }
  connect();
}());
