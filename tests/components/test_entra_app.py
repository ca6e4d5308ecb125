"""components/entra_app.py: identifier URIs as set (placeholders filled), and ownership."""

from __future__ import annotations

from pathlib import Path

from apic_access.recorder import PLACEHOLDER_TENANT, Recording, fake_object_id, record

from .conftest import write_spec

OWNER = "azuread:index/applicationOwner:ApplicationOwner"
IDENTIFIER_URI = "azuread:index/applicationIdentifierUri:ApplicationIdentifierUri"
DEPLOYER = fake_object_id("client", "pipeline")

SPEC = """\
specVersion: 1
apiCenter:
  name: apis-${{stack}}
  resourceGroup: rg-apis
  location: eastus
keyVault:
  name: kv-apis-${{stack}}
entraApps:
  orders:
    displayName: Orders
    identifierUri: "{uri}"
    scopes: [{{value: Orders.Read}}]
    clientSecret: {{}}
    owners: [{owners}]
authConfigs:
  orders-oauth:
    title: Orders OAuth
    oauth2: {{entraApp: orders, flows: [authorizationCode, clientCredentials]}}
"""


def _plan(tmp_path: Path, uri: str, owners: str = "alice@contoso.com") -> Recording:
    return record(write_spec(tmp_path, SPEC.format(uri=uri, owners=owners)), stack="qa")


def _scopes(rec: Recording) -> object:
    (config,) = [r for r in rec.by_type("pulumi-python:dynamic/apicenter:PreviewResource") if "/authConfigs/" in r.inputs["resourceId"]]
    return config.inputs["properties"]["oauth2"]["supportedScopes"]


def test_tenant_placeholder_is_filled_and_scopes_follow(tmp_path: Path) -> None:
    rec = _plan(tmp_path, "api://{tenantId}/orders")
    (uri,) = rec.by_type(IDENTIFIER_URI)
    assert uri.inputs["identifierUri"] == f"api://{PLACEHOLDER_TENANT}/orders"
    assert _scopes(rec) == [f"api://{PLACEHOLDER_TENANT}/orders/Orders.Read", f"api://{PLACEHOLDER_TENANT}/orders/.default"]


def test_app_id_placeholder_waits_for_the_client_id(tmp_path: Path) -> None:
    rec = _plan(tmp_path, "api://{appId}")
    (uri,) = rec.by_type(IDENTIFIER_URI)
    assert uri.inputs["identifierUri"] == "[unknown until apply]"  # the app's client id, known once it exists
    assert _scopes(rec) == "[unknown until apply]"


def test_the_deploying_identity_stays_an_owner_alongside_the_specs(tmp_path: Path) -> None:
    rec = _plan(tmp_path, "api://{tenantId}/orders")
    owners = {r.name: r for r in rec.by_type(OWNER)}
    assert {n: r.inputs["ownerObjectId"] for n, r in owners.items()} == {
        "orders/owner/alice@contoso.com": fake_object_id("user", "alice@contoso.com"),
        "orders/owner/deploying-identity": DEPLOYER,
    }
    (app,) = rec.by_type("azuread:index/applicationRegistration:ApplicationRegistration")
    assert app.urn in owners["orders/owner/deploying-identity"].dependencies


def test_a_deploying_identity_listed_in_owners_is_one_owner(tmp_path: Path) -> None:
    rec = _plan(tmp_path, "api://{tenantId}/orders", owners=DEPLOYER)
    assert [r.inputs["ownerObjectId"] for r in rec.by_type(OWNER)] == [DEPLOYER]
