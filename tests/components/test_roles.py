"""Role assignments: a name written in other capitals is the same principal, so the same
resource; before this, a case-only edit deleted the one assignment both names point to."""

from __future__ import annotations

import shutil
from pathlib import Path

from apic_access import diff
from apic_access.recorder import record

ROOT = Path(__file__).resolve().parents[2]


def test_a_upn_in_other_capitals_is_no_change(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "config", tmp_path / "config")
    spec = tmp_path / "config" / "dev.yaml"
    text = spec.read_text(encoding="utf-8")
    edited = text.replace("users: [alice@contoso.com]", "users: [Alice@Contoso.COM]").replace("groups: [API Testers]", "groups: [api testers]")
    edited = edited.replace("owners: [alice@contoso.com]", "owners: [ALICE@contoso.com]")
    assert edited.count("Alice@Contoso.COM") == 1 and "api testers" in edited and "ALICE@" in edited
    spec.write_text(edited, encoding="utf-8")
    d = diff.diff(record(ROOT / "config" / "dev.yaml", stack="dev"), record(spec, stack="dev"))
    assert d.entries == []


def test_logical_names_are_lower_case_with_an_alias_for_the_name_as_written() -> None:
    rec = record(ROOT / "config" / "dev.yaml", stack="dev")
    by_name = {r.name: r for r in rec.by_type("azure-native:authorization:RoleAssignment")}
    names = set(by_name)
    assert by_name["petstore/v1-0/petstore-key/groups/api testers"].options["aliases"] == ["petstore/v1-0/petstore-key/groups/API Testers"]
    assert "aliases" not in by_name["petstore/v1-0/petstore-key/users/alice@contoso.com"].options
    assert not any(n != n.lower() for n in names if "/groups/" in n or "/users/" in n)
