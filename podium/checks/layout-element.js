  /* Part of the layout script (see layout.js): what an element is, where it comes from in the
   * slide's text, how a message names it, and whether it is laid out in the flow. */

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
