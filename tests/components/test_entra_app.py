"""components/entra_app.py: identifier URIs as set (placeholders filled), and ownership that never
fails where Entra already made the deploying identity an owner."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest

from apic_access import diff
from apic_access.recorder import PLACEHOLDER_TENANT, Recording, Registration, fake_object_id, record

from .conftest import write_spec

OWNER = "azuread:index/applicationOwner:ApplicationOwner"
SERVICE_PRINCIPAL = "azuread:index/servicePrincipal:ServicePrincipal"
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


def test_only_the_specs_owners_are_owner_resources_never_the_deploying_identity(tmp_path: Path) -> None:
    # Entra makes an OwnedBy or non-admin creator an owner itself: an ApplicationOwner for it
    # would fail with "already exists ... needs to be imported" on every run
    rec = _plan(tmp_path, "api://{tenantId}/orders")
    owners = {r.name: r for r in rec.by_type(OWNER)}
    assert {n: r.inputs["ownerObjectId"] for n, r in owners.items()} == {"orders/owner/alice@contoso.com": fake_object_id("user", "alice@contoso.com")}
    (app,) = rec.by_type("azuread:index/applicationRegistration:ApplicationRegistration")
    assert app.urn in owners["orders/owner/alice@contoso.com"].dependencies
    assert "owners" not in app.inputs  # ApplicationRegistration has no owners: Entra decides at creation


def test_the_service_principal_is_created_with_the_deploying_identity_as_owner_and_never_updated_for_it(tmp_path: Path) -> None:
    rec = _plan(tmp_path, "api://{tenantId}/orders")
    (sp,) = rec.by_type(SERVICE_PRINCIPAL)
    assert sp.inputs["owners"] == [DEPLOYER]  # else the provider removes the caller after creating it
    assert sp.options["ignoreChanges"] == ["owners"]  # a principal made by an earlier release is left as it is


def test_a_deploying_identity_listed_in_owners_registers_nothing_and_says_why(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="apic-access.recorder"):
        rec = _plan(tmp_path, "api://{tenantId}/orders", owners=f"alice@contoso.com, {DEPLOYER}")
    assert [r.inputs["ownerObjectId"] for r in rec.by_type(OWNER)] == [fake_object_id("user", "alice@contoso.com")]
    note = (
        f"entraApps.orders.owners: '{DEPLOYER}' is the identity running `pulumi up`; it is not added as an owner by the program: "
        "Entra makes a creator with Application.ReadWrite.OwnedBy (or a user without an admin role) an owner by itself, "
        "and an admin creator needs no ownership (docs/permissions.md). Remove it from `owners` to silence this note"
    )
    assert note in [r.getMessage() for r in caplog.records]


def test_upgrading_a_stack_keeps_the_deployers_ownership_in_entra_and_leaves_its_service_principal(tmp_path: Path) -> None:
    """What the release on main today registered: an ApplicationOwner for the deploying identity,
    retained on delete, and a service principal with no owners. Dropping the first must only
    make Pulumi forget it, and adding `owners` to the second must change nothing in Entra."""
    head = _plan(tmp_path, "api://{tenantId}/orders")
    (app,) = head.by_type("azuread:index/applicationRegistration:ApplicationRegistration")
    earlier = []
    for r in head.resources:
        if r.type == SERVICE_PRINCIPAL:
            r = replace(r, inputs={k: v for k, v in r.inputs.items() if k != "owners"}, options={})
        earlier.append(r)
    earlier.append(
        Registration(
            urn=app.urn.replace("applicationRegistration:ApplicationRegistration::orders", "applicationOwner:ApplicationOwner::orders/owner/deploying-identity"),
            type=OWNER, name="orders/owner/deploying-identity", custom=True, parent=app.parent,
            inputs={"applicationId": "[unknown until apply]", "ownerObjectId": DEPLOYER}, dependencies=[app.urn], options={"retainOnDelete": True},
        )
    )
    d = diff.diff(Recording(head.project, head.stack, earlier, placeholders=head.placeholders), head)
    assert [(e.action, e.resource.name) for e in d.entries] == [("retain", "orders/owner/deploying-identity")]
    assert d.entries[0].notes == ["dropped from the stack; Pulumi leaves it in Azure (retainOnDelete)"]


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
        ("ServicePrincipal", "orders-app"): ["orders"],
        ("ApplicationPassword", "orders-app"): ["orders"],
        ("Secret", "kv-apis-qa/orders-app-client-secret"): ["kv-apis-qa/orders-client-secret"],
    }
    scope = next(r for r in rec.resources if r.type.endswith("ApplicationPermissionScope"))
    # its id is derived from the key when it is made: a renamed key must not replace it
    assert scope.options["ignoreChanges"] == ["scopeId"]
    app = next(r for r in rec.resources if r.type.endswith("ApplicationRegistration"))
    assert app.options["aliasUrns"] == [app.urn.rsplit("::", 1)[0] + "::orders"]
