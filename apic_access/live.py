"""What `verify` and `export` share: the subscription, the clients, and Entra through Graph.

`Live.invoke` answers the program's invokes (client config, Entra lookups, existing
user-assigned identities) from the live service, so a recording made with it holds real
object ids: role assignments can be compared with Azure's by principal.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from apic_access.azure import arm

from .azure.client import DATA_PLANE_AUDIENCE, Arm, AzureError, DataPlane, Graph, TokenSource, arm_client, data_plane_client, graph_client
from .stacks import all_config

_MISSING = uuid.UUID("0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6")
KINDS = {"users": "user", "groups": "group", "servicePrincipals": "service principal"}


class UsageError(Exception):
    """Exit 2: the command cannot start (no subscription, bad option)."""


def subscription_of(given: str | None, stack: str) -> str:
    """--subscription, else ARM_SUBSCRIPTION_ID, else azure-native:subscriptionId in Pulumi.<stack>.yaml."""
    value = given or os.environ.get("ARM_SUBSCRIPTION_ID") or all_config(stack).get("azure-native:subscriptionId")
    if not value:
        raise UsageError(
            f"no subscription: pass --subscription ID, set ARM_SUBSCRIPTION_ID, or `pulumi config set azure-native:subscriptionId ID --stack {stack}`"
        )
    return str(value)


def quoted(value: str) -> str:
    """A string literal for a Graph $filter (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def token_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT access token (no signature check: we only learn who we are)."""
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@dataclass
class Live:
    """One subscription's Azure, with Entra lookups cached by (kind, name)."""

    subscription: str
    arm: Arm
    graph: Graph
    data_plane: Callable[[str], DataPlane]  # default endpoint -> client
    data_plane_token: Callable[[], str]
    tenant: str = ""
    missing: dict[str, tuple[str, str]] = field(default_factory=dict)  # stand-in object id -> (kind, name)
    names: dict[str, str] = field(default_factory=dict)  # object id -> "user alice@..." for messages
    _cache: dict[tuple[str, str], str | None] = field(default_factory=dict)
    _caller: str | None = None
    error: AzureError | None = None

    @classmethod
    def connect(cls, subscription: str, *, stack: str | None = None, sleep: Callable[[float], None] | None = None) -> Live:
        """Clients signed in as Pulumi's azure-native provider would be: ARM_* variables, else the
        stack's plain `azure-native:*` settings (secure ones stay encrypted and unread), then OIDC,
        managed identity and the Azure CLI."""
        kwargs: dict[str, Any] = {"sleep": sleep} if sleep else {}
        settings = all_config(stack) if stack else {}
        config: dict[str, Any] = {k: v for k, v in settings.items() if str(k).startswith("azure-native:") and isinstance(v, (str, bool))}
        token = TokenSource(DATA_PLANE_AUDIENCE + "/.default", config)
        live = cls(
            subscription=subscription,
            arm=arm_client(config, **kwargs),
            graph=graph_client(config, **kwargs),
            data_plane=lambda default: data_plane_client(default, config, token=token, **kwargs),
            data_plane_token=token,
        )
        live.tenant = live._tenant()
        return live

    def _tenant(self) -> str:
        """The subscription's tenant, else the token's (`tid`); "" when neither says."""
        try:
            found = self.arm.get(f"/subscriptions/{self.subscription}", arm.SUBSCRIPTION_API_VERSION, what=f"reading subscription {self.subscription}")
        except AzureError as exc:
            if exc.status is None:  # unreachable, or no credentials: nothing else will work either
                raise
            found = None
        tenant = str((found or {}).get("tenantId") or "") or str(token_claims(self.data_plane_token()).get("tid") or "")
        return tenant.lower()

    def tenant_from(self, resource: Mapping[str, Any] | None) -> None:
        """A last resort for the tenant: the one Azure gives a resource's managed identity, or
        the one a portal signs in with."""
        identity = (resource or {}).get("identity")
        props = (resource or {}).get("properties")
        auth = props.get("authentication") if isinstance(props, Mapping) else None
        for holder in (identity, auth):
            if not self.tenant and isinstance(holder, Mapping) and holder.get("tenantId"):
                self.tenant = str(holder["tenantId"]).lower()

    # --- who is who --------------------------------------------------------------------------

    def caller(self) -> str | None:
        """The object id of the identity running this command (the `oid` of its data-plane
        token, else ARM_CLIENT_ID's service principal), or None when it cannot be told."""
        if self._caller is None:
            oid = token_claims(self.data_plane_token()).get("oid")
            if not oid and os.environ.get("ARM_CLIENT_ID"):
                oid = self.lookup("servicePrincipals", os.environ["ARM_CLIENT_ID"])
            self._caller = str(oid).lower() if oid else ""
        return self._caller or None

    def lookup(self, kind: str, ref: str) -> str | None:
        """The object id of a user (UPN or id), group (display name or id) or service principal
        (display name, client id or object id), or None when Entra has none (or two of them)."""
        key = (kind, ref.lower())
        if key not in self._cache:
            self._cache[key] = self._lookup(kind, ref)
            if self._cache[key] and not _is_guid(ref):  # a name, for messages; an id names nothing
                self.names.setdefault(str(self._cache[key]), f"{KINDS[kind]} {ref}")
        return self._cache[key]

    def _lookup(self, kind: str, ref: str) -> str | None:
        what = f"looking up {KINDS[kind]} '{ref}' in Entra"
        guid = _is_guid(ref)
        if kind == "users":
            try:
                found = self.graph.get(f"/users/{urllib.parse.quote(ref, safe='@')}", what=what)
            except AzureError as exc:
                if exc.status != 400:  # some directories refuse a UPN in the path: ask with a filter
                    raise
                found = None
            if not found and not guid:
                by_upn = list(self.graph.items("/users", what=what, **{"$filter": f"userPrincipalName eq {quoted(ref)}"}))
                found = by_upn[0] if len(by_upn) == 1 else None
            return str(found["id"]).lower() if found and found.get("id") else None
        if kind == "servicePrincipals" and guid:
            by_client = list(self.graph.items("/servicePrincipals", what=what, **{"$filter": f"appId eq {quoted(ref)}"}))
            if len(by_client) == 1:
                return str(by_client[0]["id"]).lower()
        if guid:
            return ref.lower()  # an object id is used as it is
        matches = list(self.graph.items(f"/{kind}", what=what, **{"$filter": f"displayName eq {quoted(ref)}"}))
        return str(matches[0]["id"]).lower() if len(matches) == 1 else None

    def resolve(self, kind: str, ref: str) -> str:
        """lookup(), or a stand-in id remembered as missing (so a check can name it)."""
        found = self.lookup(kind, ref)
        if found:
            return found
        stand_in = str(uuid.uuid5(_MISSING, f"{kind}:{ref.lower()}"))
        self.missing[stand_in] = (kind, ref)
        return stand_in

    def describe(self, object_ids: Iterable[str]) -> dict[str, str]:
        """object id -> "user alice@contoso.com" / "group API Testers" / ..., through getByIds."""
        todo = sorted({i.lower() for i in object_ids if i and i.lower() not in self.names})
        if todo:
            for obj in self.objects(todo, what="naming principals through Entra"):
                kind = str(obj.get("@odata.type", "")).rsplit(".", 1)[-1]
                label = {"user": "user", "group": "group", "servicePrincipal": "service principal"}.get(kind, kind or "principal")
                name = obj.get("userPrincipalName") if kind == "user" else obj.get("displayName")
                self.names[str(obj.get("id", "")).lower()] = f"{label} {name or obj.get('id')}"
        return {i.lower(): self.names.get(i.lower(), f"object {i}") for i in object_ids if i}

    def objects(self, object_ids: list[str], *, what: str) -> list[dict[str, Any]]:
        """Entra's objects for these ids; none when Graph refuses (names are a courtesy here)."""
        try:
            return self.graph.objects_by_ids(object_ids, what=what)
        except AzureError as exc:
            if exc.status is None:
                raise
            return []

    # --- the program's invokes, answered live -----------------------------------------------

    def invoke(self, token: str, args: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return self._invoke(token, args)
        except AzureError as exc:
            self.error = self.error or exc  # raised after the recording, where the CLI reports it
            return None

    def _invoke(self, token: str, a: dict[str, Any]) -> dict[str, Any] | None:
        caller = self.caller() or ""
        if token == "azure-native:authorization:getClientConfig":
            return {"tenantId": self.tenant, "subscriptionId": self.subscription, "clientId": "", "objectId": caller}
        if token == "azuread:index/getClientConfig:getClientConfig":
            return {"tenantId": self.tenant, "clientId": "", "objectId": caller}
        if token == "azuread:index/getUser:getUser":
            upn = a.get("userPrincipalName") or a.get("mail") or a.get("objectId") or ""
            return {"objectId": self.resolve("users", upn), "userPrincipalName": upn}
        if token == "azuread:index/getGroup:getGroup":
            name = a.get("displayName") or a.get("objectId") or ""
            return {"objectId": self.resolve("groups", name), "displayName": name}
        if token == "azuread:index/getServicePrincipal:getServicePrincipal":
            name = a.get("displayName") or a.get("clientId") or a.get("objectId") or ""
            return {"objectId": self.resolve("servicePrincipals", name), "displayName": name}
        if token == "azuread:index/getUsers:getUsers":
            names = [n for n in a.get("userPrincipalNames") or [] if self.lookup("users", n)]
            return {"userPrincipalNames": names, "objectIds": [self.lookup("users", n) for n in names]}
        if token == "azuread:index/getGroups:getGroups":
            names = [n for n in a.get("displayNames") or [] if self.lookup("groups", n)]
            return {"displayNames": names, "objectIds": [self.lookup("groups", n) for n in names]}
        if token == "azuread:index/getServicePrincipals:getServicePrincipals":
            if a.get("clientIds"):
                pairs = [(c, self.lookup("servicePrincipals", c)) for c in a["clientIds"]]
                found = [(c, o) for c, o in pairs if o and o != c.lower()]  # known as a client id
                return {"clientIds": [c for c, _ in found], "objectIds": [o for _, o in found], "displayNames": []}
            names = [n for n in a.get("displayNames") or [] if self.lookup("servicePrincipals", n)]
            return {"displayNames": names, "objectIds": [self.lookup("servicePrincipals", n) for n in names]}
        if token == "azure-native:managedidentity:getUserAssignedIdentity":
            rid = arm.user_assigned_identity_id(self.subscription, a.get("resourceGroupName", ""), a.get("resourceName", ""))
            identity = self.arm.get(rid, arm.MANAGED_IDENTITY_API_VERSION, what=f"reading identity {rid}") or {}
            props = identity.get("properties") or {}
            return {"principalId": props.get("principalId") or self.resolve("identities", rid), "clientId": props.get("clientId", ""), "tenantId": self.tenant}
        return None


def assignment_scope(assignment: Mapping[str, Any]) -> str:
    """A role assignment's scope: `properties.scope`, else the part of its id before the provider."""
    props = assignment.get("properties")
    scope = props.get("scope") if isinstance(props, Mapping) else None
    if scope:
        return str(scope)
    rid = str(assignment.get("id", ""))
    i = rid.lower().find("/providers/microsoft.authorization/roleassignments/")
    return rid[:i] if i >= 0 else ""


def _is_guid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value) == 36


KINDS["identities"] = "managed identity"
