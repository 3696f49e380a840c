  /* Part of the layout script (see layout.js), its last: measures one slide (what does not fit,
   * then its contrast), runs over every slide of the page and closes the function. */

  function measure(container) {
    const index = Number(container.dataset.index);
    const scaler = container.querySelector('.remark-slide-scaler');
    const content = container.querySelector('.remark-slide-content');
    const found = [];
    if (!scaler || !content) return found;
    const S = scaler.getBoundingClientRect();
    const bottom = S.top + height - parseFloat(css(content).paddingBottom || '0');
    const right = S.left + width;
    const leaves = Array.from(content.querySelectorAll(LEAVES)).filter(e => !e.closest(TOOLS) &&
      !e.classList.contains('remark-slide-number') && shown(e));
    const flowing = leaves.filter(e => !floating(e, content));
    const report = (rule, e, amount, message) =>
      found.push({slide: index, rule, line: e ? lineOf(e) : null, amount: Math.round(amount), message});

    /* taller than the slide */
    let tallest = 0;
    const low = flowing.filter(e => e.getBoundingClientRect().bottom > bottom + 0.5);
    low.forEach(e => { tallest = Math.max(tallest, e.getBoundingClientRect().bottom - bottom); });
    const tall = tallest > EPSILON ? deepest(low) : null;

    /* wider than the slide, or scrolling */
    const scrolled = [];
    content.querySelectorAll('*').forEach(e => {
      const s = css(e);
      if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && e.scrollWidth > e.clientWidth + EPSILON) scrolled.push(e);
    });
    const inScroll = e => scrolled.some(box => box.contains(e));
    const reach = e => {
      const r = e.getBoundingClientRect();
      return e.tagName === 'IMG' ? r.right : Math.max(r.right, r.left + e.scrollWidth);
    };
    const wideOnes = flowing.filter(e => !inScroll(e) && reach(e) > right + 0.5);
    const wide = deepest(wideOnes);
    const excess = wideOnes.length ? Math.max(...wideOnes.map(e => reach(e) - right)) : 0;

    if (tall) {
      const both = wide === tall ? ` and ${Math.round(excess)} px wider` : '';
      report('overflow', tall, tallest, `the slide's content is ${Math.round(tallest)} px taller than the slide` +
        `${both}; ${describe(tall)} is the first that does not fit`);
    }
    scrolled.forEach(box => {
      const room = box.clientWidth - parseFloat(css(box).paddingLeft) - parseFloat(css(box).paddingRight);
      const lines = Array.from(box.querySelectorAll('.remark-code-line')).filter(l => l.scrollWidth > room + EPSILON);
      const first = lines[0] || box;
      const more = lines.length > 1 ? ` (and ${lines.length - 1} more)` : '';
      const extra = box.scrollWidth - box.clientWidth;
      report('overflow-x', first, extra, `${describe(first)}${more} is ${Math.round(extra)} px too wide for its ` +
        'box, which scrolls');
    });
    if (wide && wide !== tall) {
      report('overflow-x', wide, excess, `${describe(wide)} reaches ${Math.round(excess)} px past the slide's right edge`);
    }

    /* text out of the flow that falls outside the slide */
    const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
    const texts = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!node.nodeValue.trim() || !parent || parent.closest(TOOLS) || !shown(parent)) continue;
      texts.push(node);
    }
    const outside = new Set();
    texts.forEach(node => {
      const parent = node.parentElement;
      if (!floating(parent, content) || outside.has(parent)) return;
      if (tall && parent.closest('.remark-slide-number')) return;   // pushed down by the overflow above
      const range = document.createRange();
      range.selectNodeContents(node);
      const r = range.getBoundingClientRect();
      if (!r.width && !r.height) return;
      const dy = Math.max(S.top - r.top, r.bottom - (S.top + height));
      const dx = Math.max(S.left - r.left, r.right - right);
      if (dy <= EPSILON && dx <= EPSILON) return;
      outside.add(parent);
      const holder = parent.closest('.remark-slide-number') ? 'the slide number' : `the text "${excerpt(parent)}"`;
      report(dy > EPSILON ? 'overflow' : 'overflow-x', parent, Math.max(dx, dy),
        `${holder} falls ${Math.round(Math.max(dx, dy))} px outside the slide`);
    });

    /* text that runs into the slide number (a layout's footer on a `right` slide) */
    const number = content.querySelector('.remark-slide-number');
    const N = !tall && number && shown(number) && number.textContent.trim() ? number.getBoundingClientRect() : null;
    const into = new Set();
    texts.forEach(node => {
      const parent = node.parentElement;
      if (!N || parent.closest('.remark-slide-number') || into.has(parent) || outside.has(parent)) return;
      const range = document.createRange();
      range.selectNodeContents(node);
      const overlap = Math.max(0, ...Array.from(range.getClientRects(), r => {
        const dx = Math.min(r.right, N.right) - Math.max(r.left, N.left);
        return Math.min(r.bottom, N.bottom) - Math.max(r.top, N.top) > EPSILON ? dx : 0;
      }));
      if (overlap <= EPSILON) return;
      into.add(parent);
      report('overlap', parent, overlap, `the text "${excerpt(parent)}" runs ${Math.round(overlap)} px into the slide number`);
    });

    contrast(texts, report);
    return found;
  }

  const results = [];
  document.querySelectorAll('.remark-slides-area > .remark-slide-container').forEach(container => {
    results.push(...measure(container));
  });
  return results;
}
