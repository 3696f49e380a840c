  /* Part of the dev script (see dev.js): hot updates. After a save the server sends the slides it
   * changed (`podium-update`, podium/hotupdate.py): the page puts them in place of the old ones
   * through the runtime's `podium.replaceSlides`, keeping every other slide's DOM node, the
   * current slide, the presenter view and its timer. A save that broke the deck only changes the
   * problems shown over the page (`podium-errors`); a stylesheet that changed is swapped for its
   * new version (`podium-css`). Whatever cannot be applied reloads the page. */

  function fragment(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var node = holder.content.firstElementChild;
    return node && node.classList.contains("remark-slide-container") ? node : null;
  }

  function hotUpdate(message) {
    var podium = api(), old = slides();
    if (!podium || typeof podium.replaceSlides !== "function" || message.base !== config.version) return reload();
    var nodes = [], fresh = [];
    for (var i = 0; i < message.slides.length; i++) {
      var item = message.slides[i];
      var node = typeof item === "number" ? old[item] : fragment(String(item));
      if (!node) return reload();
      nodes.push(node);
      if (typeof item !== "number") fresh.push(node);
    }
    try {
      podium.replaceSlides(nodes, message);
    } catch (error) {
      return reload();
    }
    fresh.forEach(runScripts);
    if (message.assets && message.assets.length) reloadAssets(message.assets);
    config.version = message.version;
    config.errors = message.errors || [];
    errors(config.errors);
    document.dispatchEvent(new CustomEvent("podium:updated", {detail: {slides: nodes.length}}));
  }

  /* A new slide's own scripts, run as a fresh page would run them (HTML parsed into a template
     leaves them inert): each is put in again as a new element, in the slide's order. */
  function runScripts(node) {
    Array.prototype.forEach.call(node.querySelectorAll("script"), function (inert) {
      var script = document.createElement("script");
      Array.prototype.forEach.call(inert.attributes, function (a) { script.setAttribute(a.name, a.value); });
      script.text = inert.text;
      if (script.src) script.async = false;                 /* in order, as the parser would */
      inert.replaceWith(script);
    });
  }

  /* The page's images, posters and backgrounds whose files changed (`paths`: URL paths), loaded
     again: the browser would keep showing what it has for the same URL. */
  function reloadAssets(paths) {
    var stamp = "podium-asset=" + Date.now();
    function fresh(url) {
      var parsed = new URL(url, location.href);
      if (parsed.origin !== location.origin || paths.indexOf(parsed.pathname) < 0) return null;
      parsed.searchParams.set("podium-asset", stamp.split("=")[1]);
      return parsed.href;
    }
    Array.prototype.forEach.call(document.querySelectorAll(".remark-slides-area [src], .remark-slides-area [poster]"), function (element) {
      ["src", "poster"].forEach(function (name) {
        var value = element.getAttribute(name), url = value && fresh(value);
        if (url) element.setAttribute(name, url);
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('.remark-slides-area [style*="url("]'), function (element) {
      var style = element.getAttribute("style");
      var changed = style.replace(/url\((['"]?)([^'")]+)\1\)/g, function (whole, quote, url) {
        var swapped = fresh(url);
        return swapped ? "url(" + quote + swapped + quote + ")" : whole;
      });
      if (changed !== style) element.setAttribute("style", changed);
    });
  }

  /* A stylesheet of the page, in its new version: the old one goes once the new one has loaded
     (no flash). `paths` are the server's URL paths of the files that changed; a page that links
     none of them (an @import changed) refreshes all of its own. */
  function swapStylesheets(paths) {
    var links = Array.prototype.slice.call(document.querySelectorAll('link[rel~="stylesheet"]')).filter(function (link) {
      return new URL(link.href, location.href).origin === location.origin;
    });
    var named = links.filter(function (link) { return paths.indexOf(new URL(link.href, location.href).pathname) >= 0; });
    (named.length ? named : links).forEach(function (link) {
      var fresh = link.cloneNode(false), url = new URL(link.href, location.href);
      url.searchParams.set("podium-css", String(Date.now()));
      fresh.href = url.href;
      fresh.addEventListener("load", function () { link.remove(); });
      fresh.addEventListener("error", function () { link.remove(); });
      link.after(fresh);
    });
  }

  function hot(message) {
    if (reloading) return;
    if (message.command === "podium-update" && message.path === here) hotUpdate(message);
    else if (message.command === "podium-errors" && message.path === here) errors(config.errors = message.errors || []);
    else if (message.command === "podium-css" && Array.isArray(message.paths)) swapStylesheets(message.paths);
  }
