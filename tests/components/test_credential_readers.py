"""`apiCenter.credentialReaders`: Credential Access Reader on the whole API center, from the
spec through validate (principal checks, the budget) to the program `pulumi up` runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from apic_access.azure import arm
from apic_access.cli import main
from apic_access.config.errors import SpecError
from apic_access.config.grants import budget
from apic_access.config.spec import load_spec
from apic_access.policy.validators import credential_access_reader
from apic_access.recorder import PLACEHOLDER_SUBSCRIPTION, fake_object_id, record

SERVICE = f"/subscriptions/{PLACEHOLDER_SUBSCRIPTION}/resourceGroups/rg-shop/providers/Microsoft.ApiCenter/services/shop-apis"

SPEC = """\
specVersion: 1
apiCenter:
  name: shop-apis
  resourceGroup: rg-shop
  location: westeurope
  credentialReaders:
    groups: [API Platform Admins]
    users: [Ops@contoso.com]
    servicePrincipals: [break-glass]
"""


def _write(tmp_path: Path, text: str = SPEC) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_each_credential_reader_gets_credential_access_reader_on_the_service(tmp_path: Path) -> None:
    rec = record(_write(tmp_path), stack="dev")

    readers = [r for r in rec.by_type("azure-native:authorization:RoleAssignment") if r.inputs["roleDefinitionId"].endswith(arm.CREDENTIAL_ACCESS_READER)]

    assert sorted(r.name for r in readers) == [
        "credential-readers/groups/api platform admins",
        "credential-readers/servicePrincipals/break-glass",
        "credential-readers/users/ops@contoso.com",
    ]
    for r in readers:
        assert r.inputs["scope"] == SERVICE
        assert r.inputs["description"] == "Azure API Center Credential Access Reader, managed by apic-access (scope chosen in the spec: service)"
    by_name = {r.name: r for r in readers}
    group = by_name["credential-readers/groups/api platform admins"].inputs
    assert group["principalType"] == "Group"
    assert group["principalId"] == fake_object_id("group", "API Platform Admins")
    # the name derives from scope, role and principal: a re-run plans no change
    assert group["roleAssignmentName"] == arm.assignment_name(SERVICE, arm.CREDENTIAL_ACCESS_READER, fake_object_id("group", "API Platform Admins"))
    # the case the spec wrote survives as an alias, as for access entries
    assert by_name["credential-readers/users/ops@contoso.com"].inputs["principalType"] == "User"


def test_credential_readers_count_against_the_role_assignment_budget(tmp_path: Path) -> None:
    spec = load_spec(_write(tmp_path), stack="dev").spec

    assert spec.api_center.credential_readers.groups == ("API Platform Admins",)
    b = budget(spec)
    assert b.credential_access_reader == 3
    assert b.total == 3


def test_a_user_that_is_not_a_upn_is_refused_at_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, SPEC.replace("users: [Ops@contoso.com]", "users: [Ops]"))

    with pytest.raises(SpecError) as info:
        load_spec(path, stack="dev")

    (problem,) = [str(p) for p in info.value.problems if p.severity == "error"]
    assert problem == (
        f"{path}:8:13: apiCenter.credentialReaders.users[0]: 'Ops' is neither a user principal name (alice@contoso.com) nor an object id; groups go under `groups`, service principals (apps, managed identities) under `servicePrincipals`"
    )


def test_an_unknown_key_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, SPEC.replace("servicePrincipals: [break-glass]", "servicePrincipal: [break-glass]"))

    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "apiCenter.credentialReaders" in out and "servicePrincipal" in out


def test_the_policy_pack_accepts_the_service_scope_only_as_the_spec_chose_it() -> None:
    props = {"roleDefinitionId": f"/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/{arm.CREDENTIAL_ACCESS_READER}", "scope": SERVICE}
    chosen = {**props, "description": arm.assignment_description(arm.CREDENTIAL_ACCESS_READER, "service")}
    assert credential_access_reader("azure-native:authorization:RoleAssignment", chosen) == []
    (refused,) = credential_access_reader("azure-native:authorization:RoleAssignment", {**props, "description": "made by hand"})
    assert "is not a binding" in refused and "apiCenter.credentialReaders" in refused
