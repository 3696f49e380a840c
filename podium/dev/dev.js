/* Podium dev server client (served by `python build.py serve` only, never published).
 *
 * - Puts the slides a save changed in place, without a reload, when only slides changed; reloads
 *   the page when the server rebuilt more of it (livereload protocol over a websocket).
 * - Keeps the place by identity: before a reload it remembers the current slide's name, text and
 *   neighbours; after it, it finds that slide again (name, else same text, else next to the same
 *   neighbour, else the same position) and fixes the URL hash before the runtime reads it.
 * - Shows the build problems of the page over it, and what the layout check found on its slides.
 * - Leaves out of a slide's fingerprint what missing.js adds to show an image that did not load.
 * Works with the runtime's `window.podium` API when there is one, else with the `#N` / `#pN` hash
 * and the `remark-visible` class.
 *
 * This file is the first of the script's parts: devsite.py serves them, joined in the order of its
 * DEV_SCRIPTS, as one script. This one opens it, reads the page's state and notes where the
 * trainer is; dev-restore.js finds that place again after a reload, dev-overlay.js shows the
 * problems, dev-hot.js puts the slides a save changed in place (no reload) and dev-reload.js
 * reloads the page when told to, and closes the script.
 */
(function () {
  "use strict";

  var config = {};
  try {
    config = JSON.parse(document.getElementById("podium-dev").textContent);
  } catch (error) { /* a page without the server's state: no errors, default socket */ }
  var here = location.pathname.replace(/index\.html$/, "");
  /* The leader's copy in follow mode is served under a prefix of its own: the server names pages without it. */
  if (config.base && here.indexOf(config.base + "/") === 0) here = here.slice(config.base.length);
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
