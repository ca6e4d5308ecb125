"""The example specs say what their authors meant: YAML cuts a plain value at ` #`, so a value
that contains `#` must be quoted. Every inline comment in the examples stands two spaces after
its value; a single space is the trap (`instructions: Ask in #api-platform` registers "Ask in")."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from apic_access.config.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "config").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_no_value_is_cut_by_a_comment(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    cut = []
    # PyYAML drops comments from its tokens: find them by position after each plain value instead
    for token in yaml.scan(text):
        if isinstance(token, yaml.ScalarToken) and token.plain and token.end_mark.line == token.start_mark.line:
            rest = lines[token.end_mark.line][token.end_mark.column :]
            if rest.startswith(" #"):
                cut.append(f"{path.name}:{token.end_mark.line + 1}: {token.value!r} is followed by{rest!r}")
    assert cut == [], "quote the value, or put two spaces before an intended comment"


def test_onboarding_instructions_keep_the_channel_name() -> None:
    spec = load_spec(ROOT / "config" / "dev.yaml", stack="dev", project="apic-access").spec
    assert spec.environments["dev-env"].instructions == "Ask in #api-platform for a subscription key."
