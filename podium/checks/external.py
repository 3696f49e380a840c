"""External links as diagnostics: checked online with `--online`, else their last known outcome."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from ..diagnostics import Diagnostic, Severity
from ..references import Reference

SEVERITY: dict[str, Severity] = {"broken": "error", "redirected": "warning", "blocked": "warning",
                                 "rate-limited": "warning", "timeout": "warning", "not-checked": "warning"}
"""Outcome -> severity online; only a broken link is an error by default."""
WORDS: dict[str, str] = {"not-checked": "not checked"}
"""Outcome -> how a message says it, where that differs from its name."""


def _absolute(url: str) -> str:
    return "https:" + url if url.startswith("//") else url


def check_external(references: Iterable[Reference], online: bool, cache_dir: Path | None,
                   deadline: float | None = None) -> Iterator[Diagnostic]:
    """One diagnostic per use of each URL that is not fine (each URL is fetched once, within
    `deadline` seconds for them all when one is given)."""
    from .linkcache import age_text, cached_results

    uses = list(references)
    if not uses:
        return
    urls = {_absolute(r.url) for r in uses}
    if online:
        from .online import OnlineOptions, UrlCheck, check_urls

        wanted = [UrlCheck(_absolute(r.url), r.kind in ("image", "background")) for r in uses]
        results = check_urls(wanted, OnlineOptions(cache_dir=cache_dir, deadline=deadline))
    elif cache_dir is not None:
        results = cached_results(urls, cache_dir)
    else:
        results = {}
    for ref in uses:
        result = results.get(_absolute(ref.url))
        if result is None or result.outcome == "ok":
            continue
        detail, said = result.detail, WORDS.get(result.outcome, result.outcome)
        if online:
            severity = SEVERITY.get(result.outcome, "warning")
            message = f"{said}: {ref.url} ({detail})"
        else:
            severity = "info"
            message = f"{said} when last checked {age_text(result.checked_at)}: {ref.url} ({detail})"
        if result.new_url and result.outcome == "redirected":
            message += f"; use {result.new_url}"
        yield Diagnostic(ref.location, severity, f"link-{result.outcome}", message, ref.slide + 1)
