  /* Part of the missing-image script (see missing.js), its last: slide background images probed
   * and marked, the checks run once the page is parsed, and the script closed. */

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
