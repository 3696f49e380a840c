/* Podium dev server client, part 2 (served by `python build.py serve` only, never published):
 * shows what did not load. An <img> that failed is replaced in the layout by a dashed box with its
 * URL (the image stays in the page, hidden, and comes back if it loads later); a slide whose
 * background image did not load gets a dashed outline and the URL in a corner. Every slide is
 * checked, shown or not (backgrounds are probed with `new Image()`). dev.js leaves these marks out
 * of a slide's fingerprint (the attribute and class names below are shared with it).
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

  function placeholderOf(img) {
    var next = img.nextElementSibling;
    return next && next.classList.contains("podium-dev-missing-image") ? next : null;
  }

  /* A CSS length from an <img>'s width or height (its style first, then its attribute). */
  function length(img, side) {
    var styled = img.style[side];
    if (styled) return styled;
    var attribute = img.getAttribute(side);
    return attribute && /^\s*\d+(\.\d+)?\s*$/.test(attribute) ? parseFloat(attribute) + "px" : "";
  }

  function markImage(img) {
    if (!img.isConnected || img.closest("#podium-dev-overlay")) return;
    var url = img.getAttribute("src") || img.currentSrc || "";
    var box = placeholderOf(img);
    if (!box) {
      box = document.createElement("span");
      box.className = "podium-dev-missing-image";
      box.setAttribute("role", "img");
      var title = document.createElement("b");
      title.textContent = "missing image";
      box.append(title, document.createElement("span"));
      img.parentNode.insertBefore(box, img.nextSibling);
    }
    var width = length(img, "width"), height = length(img, "height");
    if (width) box.style.width = width;
    if (height) box.style.minHeight = height;
    breakable(box.lastChild, shown(url));
    box.setAttribute("aria-label", "missing image: " + shown(url));
    box.title = img.currentSrc || img.src || url;
    img.setAttribute(MISSING, "");
  }

  function unmarkImage(img) {
    var box = placeholderOf(img);
    if (box) box.remove();
    img.removeAttribute(MISSING);
  }

  function isImage(element) { return element instanceof HTMLImageElement; }

  /* Load and error events do not bubble: listen on the way down, from before the body is parsed. */
  document.addEventListener("error", function (event) { if (isImage(event.target)) markImage(event.target); }, true);
  document.addEventListener("load", function (event) {
    if (isImage(event.target) && event.target.hasAttribute(MISSING)) unmarkImage(event.target);
  }, true);

  /* An image that failed before this page listened (or without an event): complete but empty. */
  function checkImages() {
    Array.prototype.forEach.call(document.images, function (img) {
      if (!img.complete || img.naturalWidth || img.hasAttribute(MISSING)) return;
      if (!img.getAttribute("src") && !img.currentSrc) return markImage(img);
      img.decode().then(function () { /* an image without a natural size (some SVG) */ },
                        function () { if (img.complete && !img.naturalWidth) markImage(img); });
    });
  }

  /* The url(...) images of a CSS background-image value, in order. */
  function backgroundUrls(value) {
    var urls = [], pattern = /url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)\s]*))\s*\)/g, found;
    while ((found = pattern.exec(value || ""))) {
      var url = found[1] !== undefined ? found[1] : found[2] !== undefined ? found[2] : found[3];
      if (url) urls.push(url.replace(/\\(.)/g, "$1"));
    }
    return urls;
  }

  var probes = {};
  /* Whether an image URL loads, asked once per URL: a promise of true or false. */
  function loads(url) {
    if (!probes[url]) {
      probes[url] = new Promise(function (resolve) {
        var probe = new Image();
        probe.onload = function () { resolve(true); };
        probe.onerror = function () { resolve(false); };
        probe.src = url;
      });
    }
    return probes[url];
  }

  function markBackground(content, url) {
    content.setAttribute(MISSING_BACKGROUND, "");
    var label = content.querySelector(":scope > .podium-dev-missing-background");
    if (!label) {
      label = document.createElement("span");
      label.className = "podium-dev-missing-background";
      var title = document.createElement("b");
      title.textContent = "missing background: ";
      label.appendChild(title);
      content.appendChild(label);
    }
    var known = Array.prototype.some.call(label.children, function (e) { return e.dataset.url === url; });
    if (known) return; /* a copy of a marked slide (the presenter's preview) */
    var text = document.createElement("span");
    text.dataset.url = url;
    breakable(text, shown(url));
    label.appendChild(text);
  }

  /* Probe the background images of the slides in `root` (each URL once per page). */
  function checkBackgrounds(root, selector) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), function (content) {
      var written = backgroundUrls(content.style.backgroundImage);
      var urls = written.length ? written : backgroundUrls(getComputedStyle(content).backgroundImage);
      urls.forEach(function (url) {
        var absolute = url;
        try { absolute = new URL(url, document.baseURI).href; } catch (error) { /* shown as written */ }
        loads(absolute).then(function (ok) { if (!ok && content.isConnected) markBackground(content, url); });
      });
    });
  }

  function checkMissing() {
    addMissingStyle();
    checkImages();
    checkBackgrounds(document, ".remark-slides-area > .remark-slide-container .remark-slide-content");
    /* The presenter's preview is a copy made when the slide changes, maybe before a probe answered. */
    var preview = document.querySelector(".remark-preview-area");
    if (preview) {
      checkBackgrounds(preview, ".remark-slide-content");
      new MutationObserver(function () { checkBackgrounds(preview, ".remark-slide-content"); })
        .observe(preview, { childList: true });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", checkMissing);
  else checkMissing();
  window.addEventListener("load", checkImages);

}());
