"""Rendering from two threads at once (the dev server renders in its watcher and its layout
threads): Pygments' lazy loading of lexers, formatters and styles must not race.

Each run is a fresh interpreter, where nothing of Pygments is loaded yet; without the lock around
Pygments' first use, about half of such runs fail with "cannot import name 'HtmlFormatter'"."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

RACE = """
import sys, threading
sys.path.insert(0, sys.argv[1])
from podium.highlight import highlight_lines, style_css
from podium.languages import canonical_language
calls = [lambda: highlight_lines("x = 1\\n", "python"), lambda: highlight_lines("a: 1\\n", "yaml"),
         lambda: highlight_lines("ls -l\\n", "bash"), lambda: highlight_lines('{"a": 1}\\n', "json"),
         lambda: style_css("bw"), lambda: style_css("emacs"), lambda: style_css("tango"), lambda: style_css("vim"),
         lambda: canonical_language("rust"), lambda: canonical_language("haskell")]
barrier = threading.Barrier(len(calls))
errors = []
def work(call):
    try:
        barrier.wait()
        call()
    except Exception as error:
        errors.append(repr(error))
threads = [threading.Thread(target=work, args=(call,)) for call in calls]
[t.start() for t in threads]
[t.join() for t in threads]
print("\\n".join(errors))
sys.exit(1 if errors else 0)
"""


def test_first_uses_of_pygments_in_several_threads_at_once() -> None:
    for _ in range(6):
        done = subprocess.run([sys.executable, "-c", RACE, str(ROOT)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
