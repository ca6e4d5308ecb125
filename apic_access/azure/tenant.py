"""What a subscription and a tenant must offer before a first `pulumi up`, as `doctor` reads it:
the api-versions and paths of the reads (soft-deleted names, resource providers, the caller's
effective rights), the ARM actions and resource types the program writes, the smallest built-in
role for each, and the Microsoft Graph permissions a spec needs. Role ids stay in `arm`."""

from __future__ import annotations

from collections.abc import Mapping

from .arm import API_CENTER_SERVICE_CONTRIBUTOR, CONTRIBUTOR, KEY_VAULT_CONTRIBUTOR, MANAGED_IDENTITY_CONTRIBUTOR, NAMESPACE, RBAC_ADMINISTRATOR

RESOURCES_API_VERSION = "2021-04-01"  # resource groups and resource providers
PERMISSIONS_API_VERSION = "2022-04-01"  # <scope>/providers/Microsoft.Authorization/permissions
# The first published API Center api-version with Microsoft.ApiCenter/deletedServices (soft delete).
API_CENTER_DELETED_API_VERSION = "2024-06-01-preview"
KEY_VAULT_NAMESPACE = "Microsoft.KeyVault"
MANAGED_IDENTITY_NAMESPACE = "Microsoft.ManagedIdentity"
VAULT_TYPE = "Microsoft.KeyVault/vaults"  # checkNameAvailability's `type`


def deleted_services_path(subscription_id: str) -> str:
    return f"/subscriptions/{subscription_id}/providers/{NAMESPACE}/deletedServices"


def deleted_vaults_path(subscription_id: str) -> str:
    return f"/subscriptions/{subscription_id}/providers/{KEY_VAULT_NAMESPACE}/deletedVaults"


def vault_name_check_path(subscription_id: str) -> str:
    """POST {name, type} here: is a vault name free across Azure (a lookup, writes nothing)."""
    return f"/subscriptions/{subscription_id}/providers/{KEY_VAULT_NAMESPACE}"


def provider_path(subscription_id: str, namespace: str) -> str:
    return f"/subscriptions/{subscription_id}/providers/{namespace}"


def permissions_path(scope: str) -> str:
    """The caller's effective actions/notActions at `scope` (inherited ones included)."""
    return f"{scope}/providers/Microsoft.Authorization/permissions"


def location_key(location: str) -> str:
    """`East US` and `eastus` alike: providers list display names, specs write programmatic ones."""
    return "".join(location.split()).lower()


RESOURCE_GROUP_WRITE = "Microsoft.Resources/subscriptions/resourceGroups/write"
ROLE_ASSIGNMENT_WRITE = "Microsoft.Authorization/roleAssignments/write"
# The smallest built-in role that grants an action, by the action's prefix (first match wins).
SMALLEST_ROLE: tuple[tuple[str, str], ...] = (
    (RESOURCE_GROUP_WRITE.lower(), CONTRIBUTOR),
    ("microsoft.apicenter/", API_CENTER_SERVICE_CONTRIBUTOR),
    ("microsoft.keyvault/", KEY_VAULT_CONTRIBUTOR),
    ("microsoft.managedidentity/", MANAGED_IDENTITY_CONTRIBUTOR),
    ("microsoft.authorization/roleassignments/", RBAC_ADMINISTRATOR),
)

# The ARM resource type each typed azure-native resource of the program writes.
ARM_TYPES: Mapping[str, str] = {
    "azure-native:resources:ResourceGroup": "Microsoft.Resources/subscriptions/resourceGroups",
    "azure-native:apicenter:Service": f"{NAMESPACE}/services",
    "azure-native:apicenter:Environment": f"{NAMESPACE}/services/workspaces/environments",
    "azure-native:apicenter:Api": f"{NAMESPACE}/services/workspaces/apis",
    "azure-native:apicenter:ApiVersion": f"{NAMESPACE}/services/workspaces/apis/versions",
    "azure-native:apicenter:ApiDefinition": f"{NAMESPACE}/services/workspaces/apis/versions/definitions",
    "azure-native:apicenter:Deployment": f"{NAMESPACE}/services/workspaces/apis/deployments",
    "azure-native:keyvault:Vault": VAULT_TYPE,
    "azure-native:keyvault:Secret": f"{VAULT_TYPE}/secrets",
    "azure-native:managedidentity:UserAssignedIdentity": f"{MANAGED_IDENTITY_NAMESPACE}/userAssignedIdentities",
    "azure-native:authorization:RoleAssignment": "Microsoft.Authorization/roleAssignments",
}
IMPORT_SPECIFICATION_ACTION = "importSpecification/action"  # a definition's import (POST)


def resource_type_of(resource_id: str) -> str:
    """`Microsoft.ApiCenter/services/workspaces/apis` for an API's id: the namespace and every type segment."""
    head, _, rest = resource_id.rpartition("/providers/")
    parts = rest.strip("/").split("/")
    if not head or len(parts) < 3:
        return ""
    return "/".join([parts[0], *parts[1::2]])


def top_resource(resource_id: str) -> str:
    """The top-level resource an id is under (`.../services/x` for anything in that API center)."""
    i = resource_id.lower().find("/providers/")
    if i < 0:
        return resource_id
    parts = resource_id[i + len("/providers/") :].split("/")
    return resource_id[:i] + "/providers/" + "/".join(parts[:3])


# Microsoft Graph: its application id, and the ids of the application permissions (app roles)
# doctor may name, from Microsoft's Graph permissions reference.
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
GRAPH_APP_ROLES: Mapping[str, str] = {
    "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
    "Application.ReadWrite.OwnedBy": "18a4783c-866b-4cc7-a460-3d5e5662c884",
    "Application.ReadWrite.All": "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
    "Group.Create": "bf7b1a76-6e77-406b-b258-bf5c7720e98f",
    "Group.Read.All": "5b567255-7703-4780-807c-7be8301ae99b",
    "Group.ReadWrite.All": "62a82d76-70ea-41e2-9197-370581804d09",
    "GroupMember.Read.All": "98830695-27a2-44f7-8c18-0c3ebc9698f6",
    "User.ReadBasic.All": "97235f07-e226-4f63-ace3-39588e11d3a1",
    "User.Read.All": "df021288-bdef-4463-88db-98f22de89214",
    "Directory.Read.All": "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
    "Directory.ReadWrite.All": "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
}
# A delegated token with this scope acts with the signed-in user's own directory rights.
GRAPH_AS_USER = "Directory.AccessAsUser.All"
# What a spec may ask of Graph -> the permissions that allow it, the least privileged first.
GRAPH_NEEDS: Mapping[str, tuple[str, ...]] = {
    "create app registrations and their service principals": ("Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"),
    # Entra makes an OwnedBy creator the owner itself; adding another principal is not covered (AZURE.md, Ownership)
    "add other owners to the apps it creates": ("Application.ReadWrite.All",),
    "create managed security groups and set their members": ("Group.Create", "Group.ReadWrite.All", "Directory.ReadWrite.All"),
    "look up users by user principal name": ("User.ReadBasic.All", "User.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"),
    "look up groups by display name": ("GroupMember.Read.All", "Group.Read.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"),
    "look up service principals by name or client id": ("Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"),
}
# Graph's $filter takes at most 15 `or` clauses in one query on directory objects.
GRAPH_FILTER_BATCH = 15
