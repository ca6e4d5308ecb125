"""The policy pack's validators, called directly with resource props: no engine."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pulumi_policy.proxy as sdk_proxy
import pytest

ROOT = Path(__file__).resolve().parents[2]
# Pulumi runs the pack with its folder as the import root: import its modules the same way.
sys.path.insert(0, str(ROOT / "apic_access" / "policy"))
validators = importlib.import_module("validators")

VAULT = "azure-native:keyvault:Vault"
ASSIGNMENT = "azure-native:authorization:RoleAssignment"
PASSWORD = "azuread:index/applicationPassword:ApplicationPassword"

SUB = "/subscriptions/00000000-0000-0000-0000-00000000bbbb"
RG = f"{SUB}/resourceGroups/rg-contoso-apis-dev"
SERVICE = f"{RG}/providers/Microsoft.ApiCenter/services/contoso-apis-dev"
VERSION = f"{SERVICE}/workspaces/default/apis/petstore/versions/v1-0"
BINDING = f"{VERSION}/securityRequirements/petstore-key"
VAULT_ID = f"{RG}/providers/Microsoft.KeyVault/vaults/kv-contoso-dev"

CAR = f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/1df7cd83-1d3f-41df-95b0-53b30d963369"
SECRETS_USER = f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6"

UNKNOWN_BOOL = sdk_proxy.UNKNOWN_BOOLEAN_VALUE
UNKNOWN_STRING = sdk_proxy.UNKNOWN_STRING_VALUE
UNKNOWN_OBJECT = sdk_proxy.UNKNOWN_OBJECT_VALUE

RBAC_FALSE = (
    "Key Vault properties.enableRbacAuthorization is false: set it to true. apic-access grants the API center's identities access "
    "to secrets with Azure RBAC role assignments (Key Vault Secrets User), which a vault using access policies ignores."
)
RBAC_UNSET = RBAC_FALSE.replace("is false:", "is not set:")
PURGE_UNSET = (
    "Key Vault properties.enablePurgeProtection is not set: set it to true (in the spec: keyVault.purgeProtection: true), so that a "
    "deleted vault and its secrets cannot be purged before the soft-delete retention ends."
)
PUBLIC_ENABLED = (
    'Key Vault properties.publicNetworkAccess is "Enabled", but this policy\'s requirePrivateVault config is true: set it to "Disabled" '
    "(in the spec: keyVault.publicNetworkAccess: Disabled) and reach the vault through a private endpoint."
)
ABOVE_RESOURCE = (
    'role assignment scope "{scope}" is {kind}: assign the role on the one resource it is for (the API center, its Key Vault, or a '
    "binding .../securityRequirements/<name>), never above it, so that the principal gets no access beyond that resource."
)
NO_PRINCIPAL_TYPE = (
    'role assignment principalType is not set: set it to "User", "Group" or "ServicePrincipal" (managed identities are '
    "ServicePrincipal), so that ARM does not fail with PrincipalNotFound for a principal created moments before."
)
CAR_NOT_AT_BINDING = (
    'the Azure API Center Credential Access Reader role is assigned at "{scope}", which is not a binding: scope it to one binding, '
    "/subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.ApiCenter/services/<service>/workspaces/<workspace>"
    "/apis/<api>/versions/<version>/securityRequirements/<binding>, so that the principal can read that binding's credentials "
    "only (in the spec: an access entry of the API version). An API version or API scope is accepted only as the spec's explicit "
    "choice (`scope: version` or `scope: api` on the access entry or in accessDefaults), the whole API center only for "
    "`apiCenter.credentialReaders`; apic-access records the choice in the "
    'assignment\'s description ("scope chosen in the spec: version").'
)
NO_EXPIRY = (
    'Entra client secret has neither endDate nor endDateRelative: set one (endDateRelative "4320h" is 180 days; in the spec: '
    "entraApps.<app>.clientSecret.expiresInDays), so that a leaked secret stops working on its own."
)


def vault(**properties: object) -> dict:
    return {"vaultName": "kv-contoso-dev", "resourceGroupName": "rg-contoso-apis-dev", "properties": {"tenantId": "t", **properties}}


def assignment(scope: object = BINDING, role: object = CAR, principal_type: object = "Group", description: object = None) -> dict:
    props = {"scope": scope, "roleDefinitionId": role, "principalId": UNKNOWN_STRING, "principalType": principal_type, "description": description}
    return {k: v for k, v in props.items() if v is not None}


def test_unknown_placeholders_are_the_sdks() -> None:
    sdk = {v for k, v in vars(sdk_proxy).items() if k.startswith("UNKNOWN_") and k.endswith("_VALUE")}
    assert validators.UNKNOWN_PLACEHOLDERS == sdk


# Key Vault


def test_key_vault_with_rbac_and_purge_protection_passes() -> None:
    assert validators.key_vault(VAULT, vault(enableRbacAuthorization=True, enablePurgeProtection=True, publicNetworkAccess="Enabled")) == []


def test_key_vault_without_rbac() -> None:
    assert validators.key_vault(VAULT, vault(enableRbacAuthorization=False, enablePurgeProtection=True)) == [RBAC_FALSE]


def test_key_vault_with_neither_set_reports_both() -> None:
    assert validators.key_vault(VAULT, vault()) == [RBAC_UNSET, PURGE_UNSET]


def test_key_vault_without_properties_reports_both() -> None:
    assert validators.key_vault(VAULT, {"vaultName": "kv"}) == [RBAC_UNSET, PURGE_UNSET]


def test_key_vault_purge_protection_false() -> None:
    assert validators.key_vault(VAULT, vault(enableRbacAuthorization=True, enablePurgeProtection=False)) == [PURGE_UNSET.replace("is not set:", "is false:")]


@pytest.mark.parametrize("access", ["Enabled", None])
def test_private_vault_required_but_public(access: str | None) -> None:
    props = vault(enableRbacAuthorization=True, enablePurgeProtection=True, publicNetworkAccess=access)
    expected = PUBLIC_ENABLED if access else PUBLIC_ENABLED.replace('is "Enabled",', "is not set,")
    assert validators.key_vault(VAULT, props, require_private_vault=True) == [expected]


@pytest.mark.parametrize("access", ["Disabled", "disabled", UNKNOWN_STRING])
def test_private_vault_required_and_private_or_unknown(access: str) -> None:
    props = vault(enableRbacAuthorization=True, enablePurgeProtection=True, publicNetworkAccess=access)
    assert validators.key_vault(VAULT, props, require_private_vault=True) == []


def test_key_vault_unknowns_are_not_violations() -> None:
    assert validators.key_vault(VAULT, vault(enableRbacAuthorization=UNKNOWN_BOOL, enablePurgeProtection=UNKNOWN_BOOL)) == []
    assert validators.key_vault(VAULT, {"properties": UNKNOWN_OBJECT}, require_private_vault=True) == []


def test_key_vault_ignores_other_types() -> None:
    assert validators.key_vault("azure-native:keyvault:Secret", {"properties": {"value": "x"}}) == []


# Role assignments: scope and principalType


@pytest.mark.parametrize("scope", [BINDING, VAULT_ID, SERVICE, f"{RG}/providers/Microsoft.ApiCenter/services/contoso-apis-dev/"])
def test_assignment_on_a_resource_passes(scope: str) -> None:
    assert validators.role_assignment(ASSIGNMENT, assignment(scope=scope)) == []


@pytest.mark.parametrize(
    ("scope", "kind"),
    [
        (SUB, "a whole subscription"),
        (f"{SUB}/", "a whole subscription"),
        ("/providers/Microsoft.Management/managementGroups/contoso", "a management group"),
        (RG, "a whole resource group"),
        (f"{SUB}/resourcegroups/rg-contoso-apis-dev/", "a whole resource group"),
        ("/", "the tenant root"),
        (f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/x", "not a resource inside a resource group"),
    ],
)
def test_assignment_above_a_resource(scope: str, kind: str) -> None:
    assert validators.role_assignment(ASSIGNMENT, assignment(scope=scope, role=SECRETS_USER)) == [ABOVE_RESOURCE.format(scope=scope, kind=kind)]


def test_assignment_without_scope() -> None:
    expected = ABOVE_RESOURCE.replace('scope "{scope}" is {kind}:', "scope is not set:")
    assert validators.role_assignment(ASSIGNMENT, assignment(scope=None)) == [expected]


@pytest.mark.parametrize("principal_type", [None, ""])
def test_assignment_without_principal_type(principal_type: str | None) -> None:
    assert validators.role_assignment(ASSIGNMENT, assignment(principal_type=principal_type)) == [NO_PRINCIPAL_TYPE]


def test_assignment_at_subscription_without_principal_type_reports_both() -> None:
    assert validators.role_assignment(ASSIGNMENT, assignment(scope=SUB, principal_type=None)) == [
        ABOVE_RESOURCE.format(scope=SUB, kind="a whole subscription"),
        NO_PRINCIPAL_TYPE,
    ]


def test_assignment_unknowns_are_not_violations() -> None:
    assert validators.role_assignment(ASSIGNMENT, assignment(scope=UNKNOWN_STRING, principal_type=UNKNOWN_STRING)) == []
    assert validators.role_assignment(ASSIGNMENT, assignment(scope={"not": "plain"}, principal_type=UNKNOWN_STRING)) == []


def test_assignment_rules_ignore_other_types() -> None:
    assert validators.role_assignment(VAULT, {"scope": SUB}) == []
    assert validators.credential_access_reader(VAULT, {"scope": SUB, "roleDefinitionId": CAR}) == []


# Credential Access Reader only at a binding


@pytest.mark.parametrize("scope", [BINDING, BINDING.lower(), f"{BINDING}/"])
def test_credential_access_reader_at_binding_passes(scope: str) -> None:
    assert validators.credential_access_reader(ASSIGNMENT, assignment(scope=scope)) == []


@pytest.mark.parametrize("scope", [SERVICE, VERSION, f"{SERVICE}/workspaces/default", RG, SUB, f"{BINDING}/getCredentials"])
def test_credential_access_reader_above_binding(scope: str) -> None:
    assert validators.credential_access_reader(ASSIGNMENT, assignment(scope=scope)) == [CAR_NOT_AT_BINDING.format(scope=scope)]


API = VERSION.rsplit("/versions/", 1)[0]


@pytest.mark.parametrize(("scope", "kind"), [(VERSION, "version"), (API, "api"), (VERSION.lower(), "version")])
def test_credential_access_reader_at_the_specs_chosen_coarser_scope_passes(scope: str, kind: str) -> None:
    from apic_access.azure import arm

    # the very description the program writes for `scope: version|api`
    described = assignment(scope=scope, description=arm.assignment_description(arm.CREDENTIAL_ACCESS_READER, kind))
    assert validators.credential_access_reader(ASSIGNMENT, described) == []


@pytest.mark.parametrize(
    ("scope", "kind"),
    [
        (API, "version"),  # the marker must name the scope the assignment really has
        (VERSION, "api"),
        (SERVICE, "api"),  # no marker makes a service, group or subscription scope acceptable
        (SERVICE, "version"),
        (RG, "api"),
        (SUB, "version"),
        (VERSION, "binding"),  # a plain description is no choice
    ],
)
def test_credential_access_reader_above_binding_without_a_matching_choice(scope: str, kind: str) -> None:
    from apic_access.azure import arm

    described = assignment(scope=scope, description=arm.assignment_description(arm.CREDENTIAL_ACCESS_READER, kind))
    assert validators.credential_access_reader(ASSIGNMENT, described) == [CAR_NOT_AT_BINDING.format(scope=scope)]


def test_credential_access_reader_description_not_known_yet() -> None:
    # like every unknown: no verdict in a preview, `pulumi up` checks the known value
    assert validators.credential_access_reader(ASSIGNMENT, assignment(scope=VERSION, description=UNKNOWN_STRING)) == []
    # the service: `apiCenter.credentialReaders` may be what the description will say
    assert validators.credential_access_reader(ASSIGNMENT, assignment(scope=SERVICE, description=UNKNOWN_STRING)) == []
    assert validators.credential_access_reader(ASSIGNMENT, assignment(scope=RG, description=UNKNOWN_STRING)) == [CAR_NOT_AT_BINDING.format(scope=RG)]


@pytest.mark.parametrize("role", [CAR.upper(), "1df7cd83-1d3f-41df-95b0-53b30d963369", f"{CAR}/"])
def test_credential_access_reader_recognised_in_any_form(role: str) -> None:
    assert validators.credential_access_reader(ASSIGNMENT, assignment(scope=SERVICE, role=role)) == [CAR_NOT_AT_BINDING.format(scope=SERVICE)]


@pytest.mark.parametrize("role", [SECRETS_USER, UNKNOWN_STRING, None, f"{CAR}-not"])
def test_other_roles_may_sit_elsewhere(role: str | None) -> None:
    assert validators.credential_access_reader(ASSIGNMENT, assignment(scope=SERVICE, role=role)) == []


@pytest.mark.parametrize("scope", [UNKNOWN_STRING, None])
def test_credential_access_reader_unknown_or_missing_scope(scope: str | None) -> None:
    # a missing scope is reported once, by role_assignment
    assert validators.credential_access_reader(ASSIGNMENT, assignment(scope=scope)) == []


# Entra client secrets


@pytest.mark.parametrize("expiry", [{"endDateRelative": "4320h"}, {"endDate": "2027-01-01T00:00:00Z"}, {"endDate": UNKNOWN_STRING}])
def test_client_secret_with_end_date_passes(expiry: dict) -> None:
    assert validators.client_secret(PASSWORD, {"applicationId": UNKNOWN_STRING, "displayName": "apic-access", **expiry}) == []


@pytest.mark.parametrize("expiry", [{}, {"endDate": "", "endDateRelative": ""}, {"endDate": None}])
def test_client_secret_without_end_date(expiry: dict) -> None:
    assert validators.client_secret(PASSWORD, {"applicationId": UNKNOWN_STRING, **expiry}) == [NO_EXPIRY]


def test_client_secret_ignores_other_types() -> None:
    assert validators.client_secret("azuread:index/application:Application", {}) == []


# The program's own resources


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_example_stacks_pass_every_validator(stack: str) -> None:
    from apic_access.recorder import record

    recording = record(ROOT / "config" / f"{stack}.yaml", stack=stack)
    checks = (validators.key_vault, validators.role_assignment, validators.credential_access_reader, validators.client_secret)
    types = {r.type for r in recording.resources}
    assert {VAULT, ASSIGNMENT, PASSWORD} <= types
    violations = [(r.name, message) for r in recording.resources for check in checks for message in check(r.type, r.inputs)]
    assert violations == []
