/* Lays every slide of a deck page out at scale 1 and reports what does not fit or cannot be read.
 *
 * Evaluated by checks/layout.py in headless Chromium on a page built with source lines on its
 * elements (`data-podium-line`, counted from 0 in the slide's text; a code block's `pre` also has
 * `data-podium-code`, the line of its first code line). Returns one finding per problem:
 * {slide: index, rule: 'overflow' | 'overflow-x' | 'contrast', line: N or null, amount, message}.
 *
 * - overflow: the content reaches into the slide's bottom padding or past it (remark's table cell
 *   grows, and the padding and the slide number leave the slide); the finding names the first
 *   element that does not fit.
 * - overflow-x: an element reaches past the slide's edge, or a code box scrolls; the finding names
 *   the first code line, image, word or table that is too wide.
 * - Text positioned out of the flow (footers, the slide number) that falls outside the slide.
 * - contrast: text whose contrast with what is behind it is below WCAG AA (4.5:1, 3:1 for large
 *   text). Syntax colours inside a highlighted block are the style's own and are not judged; the
 *   block's own text colour is. The slide number is left out (remark draws it at half opacity).
 */
async ({width, height}) => {
  const LEAVES = 'h1,h2,h3,h4,h5,h6,p,li,dt,dd,blockquote,pre,table,tr,img,svg,video,iframe,object,embed,canvas,' +
    'figure,hr,.remark-code-line';
  const EPSILON = 1;
  const TOOLS = '.remark-slide-notes, .podium-code-tools';   // not slide content: notes, students' code buttons
  const style = document.createElement('style');
  style.textContent = `
    html.remark-container, body.remark-container { height: auto !important; overflow: visible !important; }
    .remark-slides-area { position: static !important; height: auto !important; width: auto !important;
      transform: none !important; }
    .remark-slides-area > .remark-slide-container { display: block !important; position: relative !important;
      inset: auto !important; width: ${width}px !important; height: ${height}px !important; animation: none !important;
      opacity: 1 !important; }
    .remark-slides-area .remark-slide-scaler { position: relative !important; left: 0 !important; top: 0 !important;
      transform: none !important; }`;
  document.head.appendChild(style);
  if (document.readyState === 'loading') await new Promise(done => document.addEventListener('DOMContentLoaded', done));
  await document.fonts.ready;
  await Promise.all(Array.from(document.images, img => img.complete ? null :
    new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done); })));

  const computed = new Map();
  const css = e => { let s = computed.get(e); if (!s) { s = getComputedStyle(e); computed.set(e, s); } return s; };

  function excerpt(e) {
    const text = (e.textContent || '').replace(/\s+/g, ' ').trim();
    return text.length > 40 ? text.slice(0, 39) + '\u2026' : text;
  }

  function lineOf(e) {
    if (e.classList && e.classList.contains('remark-code-line')) {
      const pre = e.closest('pre[data-podium-code]');
      if (pre) return Number(pre.dataset.podiumCode) + Array.prototype.indexOf.call(e.parentNode.children, e);
    }
    const marked = e.closest('[data-podium-line]');
    return marked ? Number(marked.dataset.podiumLine) : null;
  }

  function describe(e) {
    const tag = e.tagName.toLowerCase();
    if (e.classList.contains('remark-code-line')) return `the code line "${excerpt(e)}"`;
    if (tag === 'img') {
      const name = (e.getAttribute('src') || '').split('/').pop();
      return `the image '${name}' (${Math.round(e.getBoundingClientRect().width)} x ` +
        `${Math.round(e.getBoundingClientRect().height)} px)`;
    }
    const words = {li: 'list item', p: 'paragraph', blockquote: 'quote', tr: 'table row', table: 'table',
      pre: 'code block', dt: 'term', dd: 'definition', hr: 'rule', figure: 'figure'};
    const what = /^h[1-6]$/.test(tag) ? 'heading' : (words[tag] || tag);
    const text = excerpt(e);
    return text ? `the ${what} "${text}"` : `the ${what}`;
  }

  /* Out of the flow: positioned absolute or fixed, itself or below such an element in the slide. */
  function floating(e, stop) {
    for (let x = e; x && x !== stop; x = x.parentElement) {
      const position = css(x).position;
      if (position === 'absolute' || position === 'fixed') return true;
    }
    return false;
  }

  function shown(e) {
    const s = css(e);
    return s.visibility !== 'hidden' && s.display !== 'none';
  }

  /* The first element of `crossing` (document order) that holds no other crossing element. */
  function deepest(crossing) {
    for (let i = 0; i < crossing.length; i++) {
      if (!(crossing[i + 1] && crossing[i].contains(crossing[i + 1]))) return crossing[i];
    }
    return null;
  }

  /* ---- colours ---------------------------------------------------------------------------- */
  function rgba(text) {
    const m = /rgba?\(([^)]+)\)/.exec(text || '');
    if (!m) return null;
    const p = m[1].split(/[,\s/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  }
  const over = (top, below) => {
    const a = top.a + below.a * (1 - top.a);
    if (!a) return {r: 0, g: 0, b: 0, a: 0};
    const mix = k => (top[k] * top.a + below[k] * below.a * (1 - top.a)) / a;
    return {r: mix('r'), g: mix('g'), b: mix('b'), a};
  };
  const luminance = c => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const hex = c => '#' + [c.r, c.g, c.b].map(v => Math.round(v).toString(16).padStart(2, '0')).join('');

  const behind = new Map();
  /* What is behind an element's text: an opaque colour, or null when an image is (unknown). */
  function background(e) {
    if (behind.has(e)) return behind.get(e);
    let result;
    const s = css(e);
    const own = rgba(s.backgroundColor) || {r: 0, g: 0, b: 0, a: 0};
    if (s.backgroundImage && s.backgroundImage !== 'none') result = null;
    else if (own.a >= 1) result = own;
    else {
      const parent = e.parentElement ? background(e.parentElement) : {r: 255, g: 255, b: 255, a: 1};
      result = parent === null ? null : (own.a > 0 ? over(own, parent) : parent);
    }
    behind.set(e, result);
    return result;
  }

  function opacity(e, stop) {
    let value = 1;
    for (let x = e; x && x !== stop; x = x.parentElement) value *= Number(css(x).opacity);
    return value;
  }

  /* ---- one slide ---------------------------------------------------------------------------- */
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

    /* contrast */
    const judged = new Set();
    texts.forEach(node => {
      const parent = node.parentElement;
      if (parent.closest('.remark-slide-number')) return;
      const code = parent.closest('code.hljs');
      if (code && !parent.classList.contains('remark-code-line')) return;   // a syntax colour
      const s = css(parent);
      const ground = background(parent);
      if (ground === null) return;                                          // an image is behind it
      const colour = rgba(s.color);
      if (!colour) return;
      const holder = (function () {
        for (let x = parent; x; x = x.parentElement) { const b = rgba(css(x).backgroundColor); if (b && b.a > 0) return x; }
        return null;
      })();
      const fg = over({...colour, a: colour.a * opacity(parent, holder)}, ground);
      const l1 = luminance(fg), l2 = luminance(ground);
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      const size = parseFloat(s.fontSize), bold = Number(s.fontWeight) >= 700;
      const large = size >= 24 || (size >= 18.66 && bold);
      const needed = large ? 3 : 4.5;
      if (ratio >= needed - 0.005) return;
      const key = lineOf(parent) + ' ' + hex(fg) + ' ' + hex(ground);
      if (judged.has(key)) return;
      judged.add(key);
      report('contrast', parent, ratio * 100, `the text "${excerpt(parent)}" has a contrast of ${ratio.toFixed(1)}:1 ` +
        `(${hex(fg)} on ${hex(ground)}); WCAG AA asks for ${needed}:1${large ? ' for large text' : ''}`);
    });
    return found;
  }

  const results = [];
  document.querySelectorAll('.remark-slides-area > .remark-slide-container').forEach(container => {
    results.push(...measure(container));
  });
  return results;
}
