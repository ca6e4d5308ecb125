"""A setup made by hand in the portal, as Microsoft's walkthrough makes it, held by the fake.

`handmade` fills the `fake_azure` fixture (tests/conftest.py) with an API center, its vault
and secrets, two auth configs, two bindings with Credential Access Reader grants (one to the
pipeline identity the tests run as, so `:getCredentials` can be tried), an API with a version,
definition, environment and deployment, the portal and its readers, and the Entra objects
behind the grants. `SPEC` is the spec that describes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CALLER, CREDENTIAL_ACCESS_READER, SECRETS_USER

SUB = "11111111-2222-4333-8444-555555555555"
RG = "rg-shop"
SERVICE = "shop-apis"
SERVICE_ID = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.ApiCenter/services/{SERVICE}"
WS = f"{SERVICE_ID}/workspaces/default"
VAULT_ID = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.KeyVault/vaults/kv-shop"
IDENTITY = "5e5e5e5e-0000-4000-8000-00000000a001"  # the API center's system identity
ALICE = "a11ce000-0000-4000-8000-000000000001"
TESTERS = "7e57e500-0000-4000-8000-000000000002"
ENGINEERS = "e0e0e0e0-0000-4000-8000-000000000003"
PIPELINE_APP = "9a9a9a9a-0000-4000-8000-000000000004"
PORTAL_APP = "2c1d0e4f-1111-2222-3333-444455556666"
PARTNER_CLIENT = "6f1e2d3c-4b5a-4968-8776-655443322110"
DATA_READER = "c7244dfb-f447-457d-b2ba-3999044d1706"
KEY_BINDING = f"{WS}/apis/orders/versions/v1-0/securityRequirements/shop-key"
OAUTH_BINDING = f"{WS}/apis/orders/versions/v1-0/securityRequirements/partner-oauth"
API_KEY_VALUE = "sk-live-DO-NOT-PRINT-4f1c9e"
CLIENT_SECRET_VALUE = "cs-live-DO-NOT-PRINT-77ab21"
DEFINITION_ID = f"{WS}/apis/orders/versions/v1-0/definitions/openapi"
# The OpenAPI description imported into the definition (the walkthrough's "Import from file").
ORDERS_OPENAPI = """\
openapi: 3.0.1
info:
  title: Orders
  version: '1.0'
servers:
  - url: https://orders.contoso.com
paths:
  /orders:
    get:
      operationId: listOrders
      responses:
        '200':
          description: The orders
"""

SPEC = f"""\
specVersion: 1
apiCenter:
  name: {SERVICE}
  resourceGroup: {RG}
  createResourceGroup: false
  location: westeurope
keyVault:
  name: kv-shop
  existing: true
  secrets:
    shop-key: {{existing: true}}
    partner-secret: {{existing: true}}
authConfigs:
  shop-key:
    title: Shop API key
    apiKey: {{in: header, name: x-api-key, secret: shop-key}}
    adopt: true
  partner-oauth:
    title: Partner IdP
    oauth2:
      clientId: {PARTNER_CLIENT}
      clientSecret: partner-secret
      authorizationUrl: https://idp.example.com/oauth2/authorize
      tokenUrl: https://idp.example.com/oauth2/token
      flows: [clientCredentials]
      scopes: [orders.read]
    adopt: true
environments:
  prod-env: {{title: Production, kind: production}}
apis:
  orders:
    title: Orders
    kind: rest
    versions:
      v1-0:
        title: v1.0
        lifecycleStage: production
        definitions:
          openapi: {{title: OpenAPI}}
        access:
          - authConfig: shop-key
            users: [alice@contoso.com]
            servicePrincipals: [deploy-pipeline]
            adopt: true
          - authConfig: partner-oauth
            groups: [API Testers]
            adopt: true
    deployments:
      prod:
        title: Production
        environment: prod-env
        definition: v1-0/openapi
        runtimeUris: [https://orders.contoso.com]
portal:
  title: Shop APIs
  signIn: {{clientId: {PORTAL_APP}}}
  anonymousAccess: false
  adopt: true
  readers:
    groups: [All Engineers]
"""


@dataclass
class HandMade:
    fake: Any
    spec: Path

    def grant(self, scope: str, role: str) -> list[str]:
        """The ids of the assignments of `role` at exactly `scope`."""
        return [a["id"] for a in self.fake.assignments(role) if a["properties"]["scope"].lower() == scope.lower()]

    def remove(self, resource_id: str) -> None:
        del self.fake.resources[resource_id.lower()]


def make_by_hand(fake: Any) -> None:
    fake.put(f"/subscriptions/{SUB}/resourceGroups/{RG}", {}, location="westeurope")
    fake.put(SERVICE_ID, {"dataApiHostname": f"{SERVICE}.data.westeurope.azure-apicenter.ms"}, location="westeurope",
             identity={"type": "SystemAssigned", "principalId": IDENTITY, "tenantId": fake.tenant})
    fake.put(f"{SERVICE_ID}/workspaces/default", {"title": "Default workspace"})
    fake.put(VAULT_ID, {"enableRbacAuthorization": True, "vaultUri": "https://kv-shop.vault.azure.net/"}, location="westeurope")
    fake.put(f"{VAULT_ID}/secrets/shop-key", {"attributes": {"enabled": True}})
    fake.put(f"{VAULT_ID}/secrets/partner-secret", {"attributes": {"enabled": True}})
    fake.secret_values.update({"shop-key": API_KEY_VALUE, "partner-secret": CLIENT_SECRET_VALUE})
    fake.assign(VAULT_ID, SECRETS_USER, IDENTITY, "ServicePrincipal")

    fake.put(f"{WS}/authConfigs/shop-key", {
        "title": "Shop API key", "securityScheme": "apiKey",
        "apiKey": {"in": "header", "name": "x-api-key", "value": "https://kv-shop.vault.azure.net/secrets/shop-key"},
    })
    fake.put(f"{WS}/authConfigs/partner-oauth", {
        "title": "Partner IdP", "securityScheme": "oauth2",
        "oauth2": {
            "clientId": PARTNER_CLIENT, "clientSecret": "https://kv-shop.vault.azure.net/secrets/partner-secret",
            "authorizationUrl": "https://idp.example.com/oauth2/authorize", "tokenUrl": "https://idp.example.com/oauth2/token",
            "refreshUrl": "https://idp.example.com/oauth2/token", "supportedFlows": ["client_credentials"], "supportedScopes": ["orders.read"],
        },
    })
    fake.put(f"{WS}/environments/prod-env", {"title": "Production", "kind": "production"})
    fake.put(f"{WS}/apis/orders", {"title": "Orders", "kind": "rest"})
    fake.put(f"{WS}/apis/orders/versions/v1-0", {"title": "v1.0", "lifecycleStage": "production"})
    fake.put(DEFINITION_ID, {"title": "OpenAPI", "specification": {"name": "openapi", "version": "3.0.1"}})
    fake.specifications[DEFINITION_ID.lower()] = ORDERS_OPENAPI
    fake.put(f"{WS}/apis/orders/deployments/prod", {
        "title": "Production", "environmentId": "/workspaces/default/environments/prod-env",
        "definitionId": "/workspaces/default/apis/orders/versions/v1-0/definitions/openapi",
        "server": {"runtimeUri": ["https://orders.contoso.com"]}, "state": "active",
    })
    fake.put(KEY_BINDING, {"authConfigResourceId": "/authConfigs/shop-key"})
    fake.put(OAUTH_BINDING, {"authConfigResourceId": "/authConfigs/partner-oauth"})
    fake.assign(KEY_BINDING, CREDENTIAL_ACCESS_READER, ALICE, "User")
    fake.assign(KEY_BINDING, CREDENTIAL_ACCESS_READER, CALLER, "ServicePrincipal")
    fake.assign(OAUTH_BINDING, CREDENTIAL_ACCESS_READER, TESTERS, "Group")
    fake.put(f"{SERVICE_ID}/portals/default", {
        "title": "Shop APIs", "enabled": True, "allowAnonymousAccess": False,
        "authentication": {"clientId": PORTAL_APP, "tenantId": fake.tenant, "authMode": "azureRbac"},
    })
    fake.assign(SERVICE_ID, DATA_READER, ENGINEERS, "Group")

    fake.entra("users", ALICE, "Alice", userPrincipalName="alice@contoso.com")
    fake.entra("users", "b0b00000-0000-4000-8000-000000000009", "Bob", userPrincipalName="bob@contoso.com")
    fake.entra("groups", TESTERS, "API Testers")
    fake.entra("groups", ENGINEERS, "All Engineers")
    fake.entra("servicePrincipals", CALLER, "deploy-pipeline", appId=PIPELINE_APP)
    fake.entra("applications", "0a0a0a0a-0000-4000-8000-000000000005", "Shop portal", appId=PORTAL_APP)


@pytest.fixture
def handmade(fake_azure: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> HandMade:
    make_by_hand(fake_azure)
    spec = tmp_path / "shop.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # no Pulumi.<stack>.yaml of the project's own
    monkeypatch.delenv("ARM_SUBSCRIPTION_ID", raising=False)
    return HandMade(fake_azure, spec)
