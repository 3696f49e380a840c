/* Lays every slide of a deck page out at scale 1 and reports what does not fit or cannot be read.
 *
 * Evaluated by checks/layout.py in headless Chromium on a page built with source lines on its
 * elements (`data-podium-line`, counted from 0 in the slide's text; a code block's `pre` also has
 * `data-podium-code`, the line of its first code line). Returns one finding per problem:
 * {slide: index, rule: 'overflow' | 'overflow-x' | 'overlap' | 'contrast', line: N or null, amount,
 * message}.
 *
 * - overflow: the content reaches into the slide's bottom padding or past it (remark's table cell
 *   grows, and the padding and the slide number leave the slide); the finding names the first
 *   element that does not fit.
 * - overflow-x: an element reaches past the slide's edge, or a code box scrolls; the finding names
 *   the first code line, image, word or table that is too wide.
 * - Text positioned out of the flow (footers, the slide number) that falls outside the slide.
 * - overlap: text that runs into the slide number (a footer that a `right` slide aligns right).
 * - contrast: text whose contrast with what is behind it is below WCAG AA (4.5:1, 3:1 for large
 *   text). Syntax colours inside a highlighted block are the style's own and are not judged; the
 *   block's own text colour is. The slide number is left out (remark draws it at half opacity).
 *
 * This file is the first of the script's parts: checks/layout.py joins them in the order of its
 * PARTS into one function. This one opens it and prepares the page; layout-element.js and
 * layout-contrast.js add what the measuring needs; layout-measure.js measures and closes it.
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
