  /* Part of the layout script (see layout.js): colours, what is behind a text, and the contrast
   * of each text of a slide against WCAG AA. */

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

  /* Reports each text of `texts` (text nodes of one slide) whose contrast is too low, once per
     source line and pair of colours. */
  function contrast(texts, report) {
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
  }
