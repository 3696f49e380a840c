  /* Part of the follow script (see follow.js), its last: the "Follow" badge of a detached
   * follower, and the room's QR code (`q` in a leader's presenter mode; its audience window
   * shows it too, told over a BroadcastChannel of this origin). */

  function badge() {
    var old = document.getElementById(BADGE_ID);
    var show = !leading && detached && leader && leader.path;
    if (!show) {
      if (old) old.remove();
      return;
    }
    var button = old || document.createElement("button");
    if (!old) {
      button.id = BADGE_ID;
      button.type = "button";
      button.style.cssText = "position:fixed;right:12px;bottom:12px;z-index:2147483646;padding:10px 16px;" +
        "font:600 16px/1.2 system-ui,sans-serif;color:#fff;background:#1f5fbf;border:0;border-radius:20px;" +
        "box-shadow:0 2px 10px rgba(0,0,0,.35);cursor:pointer";
      button.addEventListener("click", function () {
        detached = false;
        remember(false);
        badge();
        apply(leader);
      });
      document.body.appendChild(button);
    }
    button.textContent = "Follow (slide " + (leader.number || leader.index + 1) + ")";
    button.setAttribute("aria-label", "Follow the presenter again: slide " + (leader.number || leader.index + 1));
  }

  function showQr(on) {
    var old = document.getElementById(QR_ID);
    if (old) old.remove();
    if (!on || !document.body) return;
    var box = document.createElement("div");
    box.id = QR_ID;
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", "Follow these slides on your device");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;display:flex;flex-direction:column;" +
      "align-items:center;justify-content:center;gap:3vh;background:#fff;color:#111;" +
      "font:600 4vh/1.3 system-ui,sans-serif;text-align:center";
    var title = document.createElement("div");
    title.textContent = "Follow the slides on your device";
    var image = document.createElement("img");
    image.src = config.qr;
    image.alt = "QR code of " + config.url;
    image.style.cssText = "width:min(60vh,80vw);height:min(60vh,80vw);image-rendering:pixelated";
    var link = document.createElement("div");
    link.textContent = config.url;
    link.style.cssText = "font:500 4.5vh/1.2 ui-monospace,monospace";
    box.appendChild(title);
    box.appendChild(image);
    box.appendChild(link);
    box.addEventListener("click", function () { showQr(false); tell(false); });
    document.body.appendChild(box);
  }

  function channel() {
    try { return typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : null; } catch (e) { return null; }
  }

  var qrChannel = null;
  function tell(on) {
    qrChannel = qrChannel || channel();
    if (qrChannel) qrChannel.postMessage({podium: 1, qr: !!on});
  }

  /* An audience window shows the QR code while its presenter does. */
  function listenForQr() {
    var heard = channel();
    if (!heard) return;
    heard.onmessage = function (event) {
      if (event.data && event.data.podium === 1) showQr(!!event.data.qr);
    };
  }

  /* `q` in presenter mode shows or hides the room's QR code; Escape hides it. */
  function listenForQrKey() {
    var podium = api();
    if (podium && typeof podium.addHelp === "function") podium.addHelp(["q"], "Show the room\u2019s QR code (presenter mode)");
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var open = !!document.getElementById(QR_ID), podium = api();
      if (event.key === "q" && podium && podium.presenter()) {
        showQr(!open);
        tell(!open);
      } else if (event.key === "Escape" && open) {
        showQr(false);
        tell(false);
      } else {
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
    }, true);
  }
}());
