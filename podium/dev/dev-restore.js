  /* Part of the dev script (see dev.js): after a reload, the remembered slide found again in the
   * new deck, and the page sent there before and after the runtime starts. */

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
