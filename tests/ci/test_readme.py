"""The README a user reads first: every command of the registry is in its table, its links
lead somewhere, and the two commands a fresh clone needs are there as CI runs them."""

from __future__ import annotations

import re
from pathlib import Path

from apic_access.commands import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")



def test_every_command_of_the_registry_has_its_line() -> None:
    listed = re.findall(r"^\| `apic-access ([a-z-]+)` \| .+ \|$", README, re.M)
    assert len(listed) == len(set(listed))
    assert [name for name in COMMANDS if name not in listed] == []


def test_every_link_leads_to_a_file_and_every_doc_is_linked() -> None:
    links = {target.split("#", 1)[0] for target in re.findall(r"\]\(([^)\s]+)\)", README) if not target.startswith(("http://", "https://", "#"))}
    missing = sorted(link for link in links if not (ROOT / link).exists())
    assert missing == []
    docs = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert sorted(docs - links) == []


def test_the_docs_link_to_files_that_exist() -> None:
    broken = []
    for doc in sorted((ROOT / "docs").glob("*.md")):
        for target in re.findall(r"\]\(([^)\s]+)\)", doc.read_text(encoding="utf-8")):
            path = target.split("#", 1)[0]
            if path and not target.startswith(("http://", "https://")) and not (doc.parent / path).exists():
                broken.append(f"{doc.name}: {target}")
    assert broken == []


def test_a_fresh_clone_needs_make_plan_and_make_test() -> None:
    block = README.split("## Working on apic-access itself", 1)[1]
    commands = re.findall(r"^(make \w+)\s", block, re.M)
    assert commands == ["make plan", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_readme_stays_short() -> None:
    """Reference text goes to docs/: the README is what a new user reads through."""
    assert len(README.encode()) < 12_000
