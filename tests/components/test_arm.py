"""components/arm.py: the Azure facts the rest relies on, where they are more than a constant."""

from __future__ import annotations

import pytest

from components import arm


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
