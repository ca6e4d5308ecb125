"""import-ids writes ids `pulumi import` accepts: ARM ids with the real subscription,
azuread's /applications/<object id>/... forms, and role assignment names derived from the
real object ids; what only Entra knows is listed with the command that finds it."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from apic_access import import_ids
from apic_access.azure import arm
from apic_access.cli import main
from apic_access.recorder import PLACEHOLDER_TENANT

ROOT = Path(__file__).resolve().parents[2]
SUB = "11111111-2222-3333-4444-555555555555"
APP = "aaaaaaaa-0000-0000-0000-000000000001"
TESTERS = "aaaaaaaa-0000-0000-0000-000000000002"


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("ARM_SUBSCRIPTION_ID", raising=False)
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_without_a_subscription_it_exits_2_with_the_fix(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(capsys, monkeypatch, "import-ids")
    assert (code, out) == (2, "")
    assert err == "import-ids needs the subscription the resources live in: add --subscription ID (or set ARM_SUBSCRIPTION_ID); `az account show --query id -o tsv` prints yours\n"


def test_ids_in_each_providers_format(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(
        capsys, monkeypatch, "import-ids", "--subscription", SUB, "--object-id", f"app:Petstore API (dev)={APP}", "--object-id", f"group:API Testers={TESTERS}"
    )
    assert code == 0
    entries = json.loads(out)["resources"]
    ids = {e["logicalName"]: e.get("id") for e in entries if not e.get("component")}
    rg = f"/subscriptions/{SUB}/resourceGroups/rg-contoso-apis-dev"
    assert ids["kv-contoso-dev"] == f"{rg}/providers/Microsoft.KeyVault/vaults/kv-contoso-dev"
    binding = f"{rg}/providers/Microsoft.ApiCenter/services/contoso-apis-dev/workspaces/default/apis/petstore/versions/v1-0/securityRequirements/petstore-key"
    # the binding itself is adopted by its provider (`adopt: true`), not by `pulumi import`
    assert "petstore/v1-0/petstore-key" not in ids
    assert "  petstore/v1-0/petstore-key: an auth config, binding or portal, written by apic-access's own provider" in err
    # the role assignment's name is derived from the group's real object id, as `pulumi up` derives it
    name = arm.assignment_name(binding, arm.CREDENTIAL_ACCESS_READER, TESTERS)
    assert ids["petstore/v1-0/petstore-key/groups/api testers"] == f"{binding}/providers/Microsoft.Authorization/roleAssignments/{name}"
    # a principal given as an object id needs nothing from Entra
    assert "petstore/v1-0/petstore-oauth/groups/0b6f1c52-8d4e-4f7a-9a21-3c5d7e9f1a2b" in ids
    # azuread: /applications/<object id>[/...], service principals by their object id
    by_type = {(e["type"], e["logicalName"]): e.get("id") for e in entries}
    assert by_type[("azuread:index/applicationRegistration:ApplicationRegistration", "petstore-oauth")] == f"/applications/{APP}"
    assert by_type[("azuread:index/applicationRedirectUris:ApplicationRedirectUris", "petstore-oauth/spa")] == f"/applications/{APP}/redirectUris/SPA"
    uri = base64.b64encode(f"api://{PLACEHOLDER_TENANT}/petstore-dev".encode()).decode()  # {tenantId} filled in
    assert by_type[("azuread:index/applicationIdentifierUri:ApplicationIdentifierUri", "petstore-oauth")] == f"/applications/{APP}/identifierUris/{uri}"
    assert all(e["id"].startswith(f"/applications/{APP}/permissionScopes/") for e in entries if e["type"].endswith("ApplicationPermissionScope"))
    # nothing is a placeholder, and every parent is in the file
    assert "<" not in out and "00000000-0000-0000-0000-00000000bbbb" not in out
    keys = {e["name"] for e in entries}
    assert all(e["parent"] in keys for e in entries if "parent" in e)
    # what is left out, and why
    assert "the object id of a user 'alice@contoso.com': az ad user show --id alice@contoso.com --query id -o tsv; then add '--object-id=user:alice@contoso.com=<object id>'" in err
    assert "      for: petstore/v1-0/petstore-key/users/alice@contoso.com, petstore-oauth/owner/alice@contoso.com" in err
    assert "  petstore-oauth: the azuread provider cannot import a client secret: `pulumi up` creates a new one" in err
    assert "  petstore/v1-0/openapi/import: an ARM action, not a resource" in err
    assert not any(e["type"] in import_ids.NOT_IMPORTABLE for e in entries)


def test_a_bad_object_id_argument_is_a_usage_error(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(capsys, monkeypatch, "import-ids", "--subscription", SUB, "--object-id", "API Testers=x")
    assert code == 2 and err.startswith("--object-id 'API Testers=x': write KIND:NAME=OBJECT_ID with KIND one of app, app-sp, user, group, sp")
