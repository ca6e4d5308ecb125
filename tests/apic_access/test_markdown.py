"""Markdown tables keep their columns whatever the names: a `|`, backticks or HTML in a name."""

from __future__ import annotations

import re

from apic_access import diff, plan
from apic_access.markdown import cell, code
from apic_access.recorder import Recording, Registration

NASTY = "Orders | `Core` <b>Devs</b>"


def _rec(name: str, title: str) -> Recording:
    r = Registration(f"urn:pulumi:dev::p::azure-native:apicenter:Api::{name}", "azure-native:apicenter:Api", name, True, "", {"title": title}, [], {})
    return Recording(project="apic-access", stack="dev", resources=[r])


def _outside_code(markdown: str) -> str:
    """The text a renderer reads as markdown (code spans show HTML as text)."""
    return re.sub(r"(`+).+?\1", "", markdown)


def _columns(markdown: str) -> set[int]:
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    assert rows
    return {len(re.split(r"(?<!\\)\|", row)) for row in rows}


def test_plan_tables_keep_their_columns() -> None:
    text = plan.to_markdown(_rec(NASTY, NASTY))
    tables = text.split("\n\n")
    for table in (t for t in tables if t.startswith("|")):
        assert len(_columns(table)) == 1, table
    assert "<b>" not in _outside_code(text)  # no HTML from a name reaches the comment


def test_diff_table_keeps_its_columns() -> None:
    text = diff.to_markdown(diff.diff(_rec(NASTY, "old"), _rec(NASTY, NASTY)))
    assert len(_columns(text)) == 1, text
    assert "<b>" not in _outside_code(text)


def test_code_span_survives_backticks_and_pipes() -> None:
    assert code("a|b`c") == "``a\\|b`c``"
    assert code("`x`") == "`` `x` ``"
    assert cell("run `a <b>` then <i>|") == "run `a <b>` then &lt;i&gt;\\|"
