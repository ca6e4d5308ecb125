"""The ARM contract's replacement facts: every type the program registers is covered, every
fact names its source, and the lookups answer as `diff` needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from apic_access.azure import arm, tenant
from apic_access.recorder import record

ROOT = Path(__file__).resolve().parents[2]
NO_FORCE_NEW = {"azuread:index/applicationRegistration:ApplicationRegistration"}  # every property updates in place


def test_every_registered_type_has_its_replacement_facts() -> None:
    types = {r.type for spec, stack in (("dev.yaml", "dev"), ("prod.yaml", "prod")) for r in record(ROOT / "config" / spec, stack=stack).resources if r.custom}
    assert types - NO_FORCE_NEW <= set(arm.FORCE_NEW), types - NO_FORCE_NEW - set(arm.FORCE_NEW)
    for facts in arm.FORCE_NEW.values():
        assert facts and all(path and len(source) > 20 for path, source in facts)


def test_forces_replacement_by_path() -> None:
    service = "azure-native:apicenter:Service"
    assert arm.forces_replacement(service, "location") and "x-ms-mutability" in str(arm.forces_replacement(service, "location"))
    assert arm.forces_replacement(service, "tags.env") is None
    assert arm.forces_replacement("azure-native:authorization:RoleAssignment", "principalId")
    assert arm.forces_replacement("azure-native:resources:Resource", "properties.title") is None
    assert arm.forces_replacement("azuread:index/applicationPassword:ApplicationPassword", "rotateWhenChanged.window")  # below a fact's path


def test_replacement_order() -> None:
    assert arm.deletes_first("azure-native:apicenter:Api", False) is False
    assert arm.deletes_first("azure-native:authorization:RoleAssignment", True) is True
    assert arm.deletes_first("azuread:index/applicationOwner:ApplicationOwner", False) is True


def test_managed_group_names_are_readable_when_they_fit() -> None:
    assert arm.managed_group_names("contoso-apis-dev", "petstore/v1-0/petstore-key") == (
        "contoso-apis-dev API access: petstore/v1-0/petstore-key",
        "apic-contoso-apis-dev-petstore-v1-0-petstore-key",
    )


def test_managed_group_names_over_entras_limits_end_in_a_hash() -> None:
    service, api, version = "s" * 90, "a" * 90, "v" * 90
    long_a = arm.managed_group_names(service, f"{api}/{version}/{'b' * 90}")
    long_b = arm.managed_group_names(service, f"{api}/{version}/{'b' * 89}c")
    for display, nickname in (long_a, long_b):
        assert len(display) <= arm.GROUP_DISPLAY_NAME_MAX and display.startswith(f"{service} API access: {api}/")
        assert len(nickname) <= arm.GROUP_MAIL_NICKNAME_MAX and not arm.GROUP_MAIL_NICKNAME_REFUSED.search(nickname)
    assert long_a[0] != long_b[0] and long_a[1] != long_b[1]  # the hash keeps them apart
    assert arm.managed_group_names(service, f"{api}/{version}/{'b' * 90}") == long_a  # and deterministic


def test_mail_nickname_has_no_refused_characters() -> None:
    _, nickname = arm.managed_group_names("apis", "api/v1/b")
    assert " " not in nickname and "/" not in nickname and ":" not in nickname


@pytest.mark.parametrize(
    ("uri", "accepted"),
    [
        ("api://{appId}", True),
        ("api://{tenantId}/petstore-dev", True),
        ("api://{tenantId}/{appId}", True),
        ("api://petstore/{appId}", True),
        ("api://petstore.contoso.com/api", True),
        ("https://contoso.onmicrosoft.com/petstore", True),
        ("https://petstore.contoso.com", True),
        ("api://petstore-dev", False),
        ("api://petstore/dev", False),
        ("api://{tenantId}", False),
        ("api://{appid}", False),
        ("api://contoso.com", False),
    ],
)
def test_identifier_uri_forms(uri: str, accepted: bool) -> None:
    assert arm.identifier_uri_accepted(uri) is accepted


def test_fill_identifier_uri() -> None:
    assert arm.fill_identifier_uri("api://{tenantId}/x/{appId}", tenant_id="t", app_id="a") == "api://t/x/a"


def test_coarse_scope_description_only_for_credential_reader_above_a_binding() -> None:
    car = arm.CREDENTIAL_ACCESS_READER
    assert arm.assignment_description(car) == "Azure API Center Credential Access Reader, managed by apic-access"
    assert arm.assignment_description(car, "version").endswith("(scope chosen in the spec: version)")
    assert arm.assignment_description(arm.KEY_VAULT_SECRETS_USER, "api") == "Key Vault Secrets User, managed by apic-access"


def test_the_arm_type_and_top_resource_of_an_id() -> None:
    binding = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiCenter/services/shop/workspaces/default/apis/orders/versions/v1-0/securityRequirements/key"
    assert tenant.resource_type_of(binding) == "Microsoft.ApiCenter/services/workspaces/apis/versions/securityRequirements"
    assert tenant.top_resource(binding) == "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiCenter/services/shop"
    assert tenant.resource_type_of("/subscriptions/s/resourceGroups/rg") == ""  # no provider: not a resource type
    assert tenant.top_resource("/subscriptions/s/resourceGroups/rg") == "/subscriptions/s/resourceGroups/rg"


def test_locations_compare_as_arm_names() -> None:
    assert tenant.location_key("East US 2") == tenant.location_key("eastus2") == "eastus2"


def test_the_role_assignment_condition_names_each_role_for_write_and_delete() -> None:
    condition = arm.role_assignment_condition([arm.KEY_VAULT_SECRETS_USER, arm.CREDENTIAL_ACCESS_READER])
    allowed = f"{{{arm.KEY_VAULT_SECRETS_USER}, {arm.CREDENTIAL_ACCESS_READER}}}"  # in the order given
    assert condition == (
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR "
        f"(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {allowed})) AND "
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR "
        f"(@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {allowed}))"
    )


def test_doctor_knows_the_arm_type_of_every_azure_native_resource_the_program_writes() -> None:
    """A new azure-native resource in the program without its ARM type would go unchecked by doctor's rights check."""
    types = {r.type for spec, stack in (("dev.yaml", "dev"), ("prod.yaml", "prod")) for r in record(ROOT / "config" / spec, stack=stack).resources if r.custom}
    azure_native = {t for t in types if t.startswith("azure-native:")}
    assert azure_native <= set(tenant.ARM_TYPES), azure_native - set(tenant.ARM_TYPES)
    assert {t for t in types if t.startswith("pulumi-python:dynamic/")} == {
        "pulumi-python:dynamic/apicenter:PreviewResource",  # its resourceId names the type
        "pulumi-python:dynamic/apicenter:DefinitionImport",  # importSpecification/action on the definition
    }
