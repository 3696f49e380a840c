/* Copy and download for students on every code block of the site (the buttons that
   podium.plugins.code puts last in each `pre`). Copy takes the code as it is typed: a shell
   session's prompts (`data-podium-prompt`: how many characters) and output lines
   (`data-podium-output`) are left out; the `*` line markers are already gone from the slide.
   Where `navigator.clipboard` is missing (a plain http:// page on a LAN address is not a secure
   context), a selected hidden textarea and `document.execCommand('copy')` do the copy. */
(function () {
  'use strict';
  var doc = document, DONE_MS = 1500;

  function typedText(pre) {
    var rows = pre.querySelectorAll('code > .remark-code-line'), lines = [];
    if (!rows.length) {
      var code = pre.querySelector('code');
      lines = (code ? code.textContent : '').split('\n');
    }
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].hasAttribute('data-podium-output')) continue;
      lines.push(rows[i].textContent.slice(Number(rows[i].getAttribute('data-podium-prompt') || 0)));
    }
    while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
    return lines.join('\n');
  }

  function copyBySelection(text, button) {
    var area = doc.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.setAttribute('aria-hidden', 'true');
    area.style.cssText = 'position:fixed;top:0;left:0;width:1px;height:1px;opacity:0;';
    doc.body.appendChild(area);
    area.select();
    area.setSelectionRange(0, text.length);
    var done = false;
    try { done = doc.execCommand('copy'); } catch (e) { done = false; }
    doc.body.removeChild(area);
    button.focus();
    return done;
  }

  function selectCode(pre) {
    var code = pre.querySelector('code'), range = doc.createRange(), selection = window.getSelection();
    if (!code || !selection) return;
    range.selectNodeContents(code);
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function say(button, pre, done) {
    var status = doc.querySelector('.podium-status');
    if (!done) selectCode(pre);
    var text = done ? 'Code copied' : 'Could not copy: the code is selected, press Ctrl+C';
    if (status) status.textContent = text;
    button.textContent = done ? 'Copied' : 'Select';
    clearTimeout(button.podiumTimer);
    button.podiumTimer = setTimeout(function () { button.textContent = 'Copy'; }, DONE_MS);
  }

  function copy(button) {
    var pre = button.closest('pre'), text = typedText(pre);
    var clipboard = navigator.clipboard;
    if (clipboard && clipboard.writeText && window.isSecureContext) {
      clipboard.writeText(text).then(function () { say(button, pre, true); },
                                     function () { say(button, pre, copyBySelection(text, button)); });
    } else {
      say(button, pre, copyBySelection(text, button));
    }
  }

  doc.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('.podium-copy');
    if (button) copy(button);
  });

  window.podiumCode = {typedText: typedText};
})();
