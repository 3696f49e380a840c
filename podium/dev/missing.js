/* Podium dev server client, part 2 (served by `python build.py serve` only, never published):
 * shows what did not load. An <img> that failed is replaced in the layout by a dashed box with its
 * URL (the image stays in the page, hidden, and comes back if it loads later); a slide whose
 * background image did not load gets a dashed outline and the URL in a corner. Every slide is
 * checked, shown or not (backgrounds are probed with `new Image()`). dev.js leaves these marks out
 * of a slide's fingerprint (the attribute and class names below are shared with it).
 *
 * This file is the first of the script's parts: devsite.py serves them, joined in the order of its
 * DEV_SCRIPTS, as one script. This one opens it and adds the marks' style and the URL text they
 * show; missing-images.js marks images, missing-backgrounds.js slide backgrounds (and closes it).
 */
(function () {
  "use strict";

  var MISSING = "data-podium-missing";
  var MISSING_BACKGROUND = "data-podium-missing-background";

  var MISSING_STYLE = [
    "img[" + MISSING + "] { display: none !important; }",
    ".podium-dev-missing-image, .podium-dev-missing-background {",
    "  box-sizing: border-box; background: #fff5f5; color: #8f0000; text-align: left; text-indent: 0;",
    "  font: 14px/1.35 ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-style: normal;",
    "  letter-spacing: normal; text-transform: none; text-shadow: none; text-decoration: none;",
    "  white-space: normal; overflow-wrap: anywhere; word-break: normal; }",
    ".podium-dev-missing-image {",
    "  display: inline-flex; flex-direction: column; justify-content: center; gap: 4px; vertical-align: middle;",
    "  width: 320px; max-width: 100%; min-height: 120px; margin: 2px 0; padding: 10px 14px; overflow: hidden;",
    "  outline: 3px dashed #d00000; outline-offset: -3px; }",
    ".podium-dev-missing-image b, .podium-dev-missing-background b {",
    "  font: bold 12px/1.3 system-ui, sans-serif; letter-spacing: .05em; text-transform: uppercase; }",
    ".remark-slide-content[" + MISSING_BACKGROUND + "] { outline: 4px dashed #d00000; outline-offset: -4px; }",
    ".podium-dev-missing-background {",
    "  position: absolute; left: 10px; bottom: 10px; z-index: 3; max-width: calc(100% - 160px); max-height: 40%;",
    "  overflow: hidden; padding: 6px 10px; border: 1px solid #d00000; border-radius: 3px;",
    "  box-shadow: 0 1px 4px rgba(0, 0, 0, .3); }",
    ".podium-dev-missing-background > * { display: block; }"
  ].join("\n");

  function addMissingStyle() {
    if (document.getElementById("podium-dev-style")) return;
    var style = document.createElement("style");
    style.id = "podium-dev-style";
    style.textContent = MISSING_STYLE;
    (document.head || document.documentElement).appendChild(style);
  }
  addMissingStyle();

  /* A URL as it is shown: as written, shortened when huge (a data: URL). */
  function shown(url) {
    url = url || "(no URL)";
    return url.length > 300 ? url.slice(0, 299) + "\u2026" : url;
  }

  /* A URL's text with a line break allowed after each separator (a <wbr>, not copied with it). */
  function breakable(target, url) {
    target.textContent = "";
    (url.match(/[^\/?&=#]*[\/?&=#]*/g) || []).filter(Boolean).forEach(function (part, i) {
      if (i) target.appendChild(document.createElement("wbr"));
      target.appendChild(document.createTextNode(part));
    });
  }
