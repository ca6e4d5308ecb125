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


def test_a_renamed_app_key_aliases_every_resource_it_named(tmp_path: Path) -> None:
    text = SPEC.format(uri="api://{tenantId}/orders", owners="Alice@contoso.com").replace("entraApps:\n  orders:", "entraApps:\n  orders-app:")
    text = text.replace("entraApp: orders,", "entraApp: orders-app,") + "moved:\n  - {from: entraApps.orders, to: entraApps.orders-app}\n"
    rec = record(write_spec(tmp_path, text), stack="qa")
    aliased = {(r.type.rsplit(":", 1)[-1], r.name): r.options.get("aliases") for r in rec.resources if r.name.startswith(("orders-app", "kv-apis-qa/orders"))}
    assert aliased == {
        ("EntraApp", "orders-app"): ["orders"],
        ("ApplicationRegistration", "orders-app"): ["orders"],
        ("ApplicationRedirectUris", "orders-app/spa"): ["orders/spa"],
        ("ApplicationIdentifierUri", "orders-app"): ["orders"],
        ("ApplicationPermissionScope", "orders-app/Orders.Read"): ["orders/Orders.Read"],
        # the owner's name as written (a case-insensitive name's older form) under both keys
        ("ApplicationOwner", "orders-app/owner/alice@contoso.com"): ["orders-app/owner/Alice@contoso.com", "orders/owner/Alice@contoso.com", "orders/owner/alice@contoso.com"],
        ("ApplicationOwner", "orders-app/owner/deploying-identity"): ["orders/owner/deploying-identity"],
        ("ServicePrincipal", "orders-app"): ["orders"],
        ("ApplicationPassword", "orders-app"): ["orders"],
        ("Secret", "kv-apis-qa/orders-app-client-secret"): ["kv-apis-qa/orders-client-secret"],
    }
    scope = next(r for r in rec.resources if r.type.endswith("ApplicationPermissionScope"))
    # its id is derived from the key when it is made: a renamed key must not replace it
    assert scope.options["ignoreChanges"] == ["scopeId"]
    app = next(r for r in rec.resources if r.type.endswith("ApplicationRegistration"))
    assert app.options["aliasUrns"] == [app.urn.rsplit("::", 1)[0] + "::orders"]
