"""The checks of the apic-access policy pack, as plain functions: no Pulumi engine needed.

Each validator takes a resource's type token and its input properties, with the SDK's
camelCase wire names (`props["properties"]["enableRbacAuthorization"]` for a vault), and
returns its violations: one message per problem, saying what is wrong and how to fix it.
A validator returns nothing for resource types it is not about.

A value that is not known yet never counts as a violation: in a preview, inputs computed
from other resources' outputs are unknown (the engine sends a placeholder string), and
anything that is not a plain string or bool is treated the same way. `pulumi up` runs the
policies again once the values are known.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

try:
    from apic_access.azure import arm
except ImportError:  # the policy host runs the pack with its own folder as the import root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the folder holding apic_access/
    try:
        from apic_access.azure import arm
    except ImportError:  # a pack published on its own carries a copy of arm.py beside this file
        import arm  # type: ignore[no-redef]

KEY_VAULT = "azure-native:keyvault:Vault"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
APPLICATION_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword"

# every fact about Azure lives in apic_access/azure/arm.py (the ARM contract)
CREDENTIAL_ACCESS_READER = arm.CREDENTIAL_ACCESS_READER

# The engine's placeholders for values only known after apply (boolean, number, string,
# array, asset, archive, object), as the policy SDK receives them.
UNKNOWN_PLACEHOLDERS = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    }
)

_MANAGEMENT_GROUP = re.compile(r"^/providers/Microsoft\.Management/managementGroups/", re.IGNORECASE)
_SUBSCRIPTION = re.compile(r"^/subscriptions/[^/]+/?$", re.IGNORECASE)
_RESOURCE_GROUP = re.compile(r"^/subscriptions/[^/]+/resourceGroups/[^/]+/?$", re.IGNORECASE)
# A resource inside a resource group: .../providers/<namespace>/<type>/<name>[/...]
_IN_RESOURCE_GROUP = re.compile(r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/[^/]+/[^/]+/[^/]+(/.*)?$", re.IGNORECASE)
_BINDING = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.ApiCenter/services/[^/]+"
    r"/workspaces/[^/]+/apis/[^/]+/versions/[^/]+/securityRequirements/[^/]+/?$",
    re.IGNORECASE,
)

_VERSION = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.ApiCenter/services/[^/]+/workspaces/[^/]+/apis/[^/]+/versions/[^/]+/?$",
    re.IGNORECASE,
)
_SERVICE = re.compile(r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.ApiCenter/services/[^/]+/?$", re.IGNORECASE)
_API = re.compile(r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.ApiCenter/services/[^/]+/workspaces/[^/]+/apis/[^/]+/?$", re.IGNORECASE)
# What apic-access writes into the description of an assignment whose coarser scope the spec
# chose (apic_access/azure/arm.py COARSE_SCOPE_MARKER; a test keeps the two in step). The pack cannot
# read the spec, and ARM keeps the description with the assignment, so the choice travels
# with it; it counts only together with a scope of exactly that kind.
_COARSE_SCOPE_MARKER = "scope chosen in the spec: {kind}"

BINDING_SCOPE_SHAPE = (
    "/subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.ApiCenter/services/<service>"
    "/workspaces/<workspace>/apis/<api>/versions/<version>/securityRequirements/<binding>"
)


class _Unknown:
    """A value that is not known yet: never a violation."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN = _Unknown()


def _get(props: Mapping[str, Any], *path: str) -> Any:
    """The value at `path`: None when it (or a parent) is not set, UNKNOWN when it can't be known."""
    value: Any = props
    for key in path:
        if value is None:
            return None
        if not isinstance(value, Mapping):
            return UNKNOWN
        value = value.get(key)
    return value


def _is_string(value: Any) -> bool:
    """A plain string whose value is known."""
    return isinstance(value, str) and value not in UNKNOWN_PLACEHOLDERS


def _shown(value: Any) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"'


def key_vault(resource_type: str, props: Mapping[str, Any], *, require_private_vault: bool = False) -> list[str]:
    """A vault uses Azure RBAC and purge protection; with `require_private_vault`, no public network access."""
    if resource_type != KEY_VAULT:
        return []
    violations = []
    rbac = _get(props, "properties", "enableRbacAuthorization")
    if rbac is None or rbac is False:
        violations.append(
            f"Key Vault properties.enableRbacAuthorization is {_shown(rbac)}: set it to true. apic-access grants the API center's "
            "identities access to secrets with Azure RBAC role assignments (Key Vault Secrets User), which a vault using access "
            "policies ignores."
        )
    purge = _get(props, "properties", "enablePurgeProtection")
    if purge is None or purge is False:
        violations.append(
            f"Key Vault properties.enablePurgeProtection is {_shown(purge)}: set it to true (in the spec: keyVault.purgeProtection: true), "
            "so that a deleted vault and its secrets cannot be purged before the soft-delete retention ends."
        )
    if require_private_vault:
        access = _get(props, "properties", "publicNetworkAccess")
        if access is None or (_is_string(access) and access.lower() != "disabled"):
            violations.append(
                f"Key Vault properties.publicNetworkAccess is {_shown(access)}, but this policy's requirePrivateVault config is true: "
                'set it to "Disabled" (in the spec: keyVault.publicNetworkAccess: Disabled) and reach the vault through a private endpoint.'
            )
    return violations


def _scope_kind(scope: str) -> str | None:
    """What a role assignment scope is, when it is more than one resource inside a resource group."""
    if _IN_RESOURCE_GROUP.match(scope):
        return None
    if scope.strip("/") == "":
        return "the tenant root"
    if _MANAGEMENT_GROUP.match(scope):
        return "a management group"
    if _SUBSCRIPTION.match(scope):
        return "a whole subscription"
    if _RESOURCE_GROUP.match(scope):
        return "a whole resource group"
    return "not a resource inside a resource group"


def role_assignment(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """A role assignment is scoped to one resource inside a resource group, and names its principalType."""
    if resource_type != ROLE_ASSIGNMENT:
        return []
    violations = []
    scope = _get(props, "scope")
    kind = _scope_kind(scope) if _is_string(scope) and scope else None
    if scope in (None, "") or kind is not None:
        shown = "is not set" if scope in (None, "") else f'"{scope}" is {kind}'
        violations.append(
            f"role assignment scope {shown}: assign the role on the one resource it is for (the API center, its Key Vault, "
            "or a binding .../securityRequirements/<name>), never above it, so that the principal gets no access beyond that resource."
        )
    principal_type = _get(props, "principalType")
    if principal_type is None or principal_type == "":
        violations.append(
            'role assignment principalType is not set: set it to "User", "Group" or "ServicePrincipal" (managed identities are '
            "ServicePrincipal), so that ARM does not fail with PrincipalNotFound for a principal created moments before."
        )
    return violations


def _is_credential_access_reader(role_definition_id: Any) -> bool:
    if not _is_string(role_definition_id):
        return False
    return role_definition_id.rstrip("/").lower().split("/")[-1] == CREDENTIAL_ACCESS_READER


def credential_access_reader(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """The Azure API Center Credential Access Reader role is assigned at one binding, or at an API
    version or API where the spec chose that scope explicitly, or on the whole API center for the
    spec's `apiCenter.credentialReaders`."""
    if resource_type != ROLE_ASSIGNMENT or not _is_credential_access_reader(_get(props, "roleDefinitionId")):
        return []
    scope = _get(props, "scope")
    if not _is_string(scope) or not scope or _BINDING.match(scope):
        return []  # a missing scope is the role-assignment-scope policy's to report
    description = _get(props, "description")
    for kind, shape in (("version", _VERSION), ("api", _API), ("service", _SERVICE)):
        if shape.match(scope) and (not _is_string(description) and description is not None or _COARSE_SCOPE_MARKER.format(kind=kind) in str(description)):
            return []  # the spec's explicit `scope: version|api` on an access entry (or not known yet)
    return [
        f'the {arm.ROLE_NAMES[arm.CREDENTIAL_ACCESS_READER]} role is assigned at "{scope}", which is not a binding: scope it to '
        f"one binding, {BINDING_SCOPE_SHAPE}, so that the principal can read that binding's credentials only (in the spec: "
        "an access entry of the API version). An API version or API scope is accepted only as the spec's explicit choice "
        "(`scope: version` or `scope: api` on the access entry or in accessDefaults), the whole API center only for "
        "`apiCenter.credentialReaders`; apic-access records the choice in the "
        f'assignment\'s description ("{_COARSE_SCOPE_MARKER.format(kind="version")}").'
    ]


def client_secret(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """An Entra client secret expires: endDate or endDateRelative is set."""
    if resource_type != APPLICATION_PASSWORD:
        return []
    if any(_get(props, key) not in (None, "") for key in ("endDate", "endDateRelative")):
        return []
    return [
        'Entra client secret has neither endDate nor endDateRelative: set one (endDateRelative "4320h" is 180 days; in the spec: '
        "entraApps.<app>.clientSecret.expiresInDays), so that a leaked secret stops working on its own."
    ]
