"""Markdown table cells that survive any name a spec may hold (pull-request comments are
rendered by GitHub: a `|` would split a cell, a backtick end a code span, `<` start HTML)."""

from __future__ import annotations

import re

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def cell(text: str) -> str:
    """Text in a table cell: pipes escaped, HTML inert outside its code spans, one line."""
    text = text.replace("\r", " ").replace("\n", " ")
    out, last = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_inert(text[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_inert(text[last:]))
    return "".join(out).replace("|", "\\|")


def _inert(text: str) -> str:
    return re.sub(r"[&<>]", lambda m: _HTML[m.group()], text)


def code(text: str) -> str:
    """A code span in a table cell: a fence longer than any run of backticks inside, pipes escaped
    (GitHub splits table rows on `|` before it reads code spans)."""
    text = text.replace("\r", " ").replace("\n", " ")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    escaped = text.replace("|", "\\|")
    return f"{fence}{pad}{escaped}{pad}{fence}"
