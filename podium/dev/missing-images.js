  /* Part of the missing-image script (see missing.js): an <img> that did not load, replaced in the
   * layout by a dashed box with its URL, and put back when it loads after all. */

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
