  /* Part of the dev script (see dev.js): the panels over the page that list its problems. */

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
