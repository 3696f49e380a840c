  /* Part of the dev script (see dev.js), its last: the reload itself (place saved first), and the
   * livereload websocket that asks for it, connected again whenever it drops. */

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

  var connected = false;
  function connect() {
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host +
                               (config.socket || "/__podium__/livereload"));
    socket.onopen = function () {
      socket.send(JSON.stringify({ command: "hello", protocols: ["http://livereload.com/protocols/official-7"] }));
      /* `page` and `version`: the deck this page shows; the server answers with a reload when a
         save came before this socket opened. */
      socket.send(JSON.stringify({ command: "info", url: location.href, plugins: {}, page: here, version: config.version }));
      if (connected) reload(); /* the server came back: the course may have changed meanwhile */
      connected = true;
    };
    socket.onmessage = function (event) {
      var message = {};
      try { message = JSON.parse(event.data); } catch (error) { return; }
      if (message.command === "reload" && (message.path === "*" || message.path === here)) reload();
      else if (message.command === "podium-layout" && message.path === here && !reloading) layout(message.lines);
      else hot(message);
    };
    socket.onclose = function () { if (!reloading) setTimeout(connect, 1000); };
  }
  connect();
}());
