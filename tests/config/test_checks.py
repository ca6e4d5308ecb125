"""Cross-checks: names Entra compares without regard to case."""

from __future__ import annotations

from pathlib import Path

import pytest

from apic_access.config.errors import SpecError
from apic_access.config.spec import load_spec

MIN = "specVersion: 1\napiCenter:\n  name: apis-${stack}\n  resourceGroup: rg-apis\n  location: eastus\n"
ACCESS = (
    "authConfigs:\n  basic-auth: {title: Basic, http: {scheme: basic}}\n"
    "apis:\n  orders:\n    title: Orders\n    kind: rest\n    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: design\n"
    "        access:\n          - authConfig: basic-auth\n"
)


def problems(tmp_path: Path, text: str) -> list[str]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_spec(spec)
    return [str(p).replace(str(spec), "SPEC") for p in err.value.problems if p.severity == "error"]


def test_two_capitalizations_of_one_upn_fail_naming_both(tmp_path: Path) -> None:
    text = MIN + ACCESS + "            users: [alice@fabrikam.com, bob@fabrikam.com, Alice@Fabrikam.com]\n"
    assert problems(tmp_path, text) == [
        "SPEC:18:59: apis.orders.versions.v1-0.access[0].users[2]: 'Alice@Fabrikam.com' and 'alice@fabrikam.com' (users[0], column 21) differ only in case: "
        "Entra treats them as one principal; keep one of them"
    ]


def test_groups_readers_and_owners_too(tmp_path: Path) -> None:
    text = (
        MIN
        + "entraApps:\n  app:\n    displayName: App\n    owners: [Ann@x.com, ann@x.com]\n"
        + ACCESS
        + "            groups: [API Testers, api testers]\n"
        + "portal:\n  signIn: {entraApp: app}\n  readers:\n    servicePrincipals: [CI, ci]\n"
    )
    found = problems(tmp_path, text)
    assert [p.split(": ")[1] for p in found] == [
        "entraApps.app.owners[1]",
        "apis.orders.versions.v1-0.access[0].groups[1]",
        "portal.readers.servicePrincipals[1]",
    ]
    assert "'api testers' and 'API Testers' (groups[0], column 22) differ only in case" in found[1]


def test_distinct_names_are_fine(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(MIN + ACCESS + "            users: [bob@fabrikam.com, alice@fabrikam.com]\n", encoding="utf-8")
    loaded = load_spec(spec)
    assert loaded.spec.apis["orders"].versions["v1-0"].access[0].principals.users == ("alice@fabrikam.com", "bob@fabrikam.com")


def test_plural_counts_in_the_users_words() -> None:
    from apic_access.config.errors import plural

    assert [plural(1, "API"), plural(2, "API"), plural(1, "entry"), plural(3, "entry"), plural(0, "binding"), plural(1200, "key")] == [
        "1 API",
        "2 APIs",
        "1 entry",
        "3 entries",
        "0 bindings",
        "1,200 keys",
    ]


# --- portal readiness: a version people may try has something to try -----------------

DEPLOYED = "    deployments:\n      prod: {title: Prod, environment: prod, definition: v1-0/openapi, runtimeUris: ['https://orders.contoso.com']}\n"
ENVIRONMENT = "environments:\n  prod: {title: Prod, kind: production}\n"
OPENAPI = 'openapi: 3.0.3\ninfo: {title: Orders, version: "1"}\npaths:\n  /orders:\n    get:\n      responses: {"200": {description: The orders}}\n'


def warnings(tmp_path: Path, text: str) -> list[str]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    return [str(w).replace(str(spec), "SPEC") for w in load_spec(spec).warnings]


def with_definition(definition: str) -> str:
    entry = "        access:\n          - authConfig: basic-auth\n            users: [alice@contoso.com]\n"
    return MIN + ENVIRONMENT + ACCESS.replace("        access:\n          - authConfig: basic-auth\n", f"        definitions:\n          openapi: {definition}\n{entry}") + DEPLOYED


def test_a_version_with_access_and_no_definition_file_warns_at_its_definitions(tmp_path: Path) -> None:
    assert warnings(tmp_path, with_definition("{title: OpenAPI}")) == [
        "SPEC:18:9: apis.orders.versions.v1-0.definitions: warning: this version has access entries but none of its definitions has a `file`: "
        '"Try this API" has no operations to show; add `file:` (the API\'s specification, such as an OpenAPI file) to one of them'
    ]


def test_a_version_with_access_and_no_definitions_warns_at_its_access(tmp_path: Path) -> None:
    text = MIN + ACCESS.replace("          - authConfig: basic-auth\n", "          - authConfig: basic-auth\n            users: [alice@contoso.com]\n")
    assert warnings(tmp_path, text) == [
        'SPEC:17:11: apis.orders.versions.v1-0.access: warning: this version has access entries but no deployment with runtimeUris: the portal has nowhere to send "Try this API"; add a deployment',
        'SPEC:17:11: apis.orders.versions.v1-0.access: warning: this version has access entries but no definitions: "Try this API" has no operations to show; '
        "add `definitions: {openapi: {title: OpenAPI, file: ...}}` with the API's specification",
    ]


def test_a_definition_file_or_an_existing_definition_is_enough(tmp_path: Path) -> None:
    (tmp_path / "orders.yaml").write_text(OPENAPI, encoding="utf-8")
    assert warnings(tmp_path, with_definition("{title: OpenAPI, file: orders.yaml}")) == []
    # registered elsewhere: its specification may be imported already
    assert warnings(tmp_path, with_definition("{title: OpenAPI, existing: true}")) == []


def test_a_version_without_access_needs_no_definition_file(tmp_path: Path) -> None:
    text = MIN + "apis:\n  orders:\n    title: Orders\n    kind: rest\n    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: design\n        definitions: {openapi: {title: OpenAPI}}\n"
    assert warnings(tmp_path, text) == []


def test_a_warning_repeated_for_many_versions_is_shown_ten_times_then_told_in_one_line(tmp_path: Path) -> None:
    # an inventory that grants access before it has definition files: one warning per version
    # would bury everything else (and GitHub shows 10 annotations of a kind per step)
    apis = "".join(
        f"  api-{i:02d}:\n    title: API {i}\n    kind: rest\n    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: design\n"
        "        definitions: {openapi: {title: OpenAPI}}\n        access:\n          - authConfig: basic-auth\n            users: [alice@contoso.com]\n"
        f"    deployments:\n      prod: {{title: Prod, environment: prod, definition: v1-0/openapi, runtimeUris: ['https://api-{i:02d}.contoso.com']}}\n"
        for i in range(14)
    )
    text = MIN + ENVIRONMENT + "authConfigs:\n  basic-auth: {title: Basic, http: {scheme: basic}}\n" + "apis:\n" + apis
    found = warnings(tmp_path, text)
    per_version = (
        "warning: this version has access entries but none of its definitions has a `file`: "
        '"Try this API" has no operations to show; add `file:` (the API\'s specification, such as an OpenAPI file) to one of them'
    )
    assert found[:10] == [f"SPEC:{18 + 13 * i}:9: apis.api-{i:02d}.versions.v1-0.definitions: {per_version}" for i in range(10)]
    assert found[10:] == [
        "SPEC:148:9: apis.api-10.versions.v1-0.definitions: warning: and 4 more versions with access entries but no definition file, this one first "
        "(apis.api-10.versions.v1-0, apis.api-11.versions.v1-0, apis.api-12.versions.v1-0, …): not listed one by one; the fix of the warnings above applies to each"
    ]


def test_ten_of_a_kind_are_all_shown(tmp_path: Path) -> None:
    unbound = "".join(f"  unused-{i}: {{title: Unused, http: {{scheme: basic}}}}\n" for i in range(10))
    found = warnings(tmp_path, MIN + "authConfigs:\n" + unbound)
    assert found == [
        f"SPEC:{7 + i}:13: authConfigs.unused-{i}: warning: auth config 'unused-{i}' is bound to no API version: add it to a version's `access` or remove it" for i in range(10)
    ]


def test_names_azure_treats_as_one_resource_fail_naming_the_first(tmp_path: Path) -> None:
    text = (
        MIN
        + "environments:\n  partner-env: {title: Partner, kind: production}\n  Partner-Env: {title: Partner again, kind: production}\n"
        + "apis:\n  orders:\n    title: Orders\n    kind: rest\n    versions:\n      v1-0: {title: v1, lifecycleStage: design}\n"
        + "      V1-0: {title: v1 again, lifecycleStage: design}\n"
    )
    assert problems(tmp_path, text) == [
        "SPEC:8:3: environments.Partner-Env: 'Partner-Env' and 'partner-env' (line 7) differ only in case: "
        "Azure names are not case-sensitive, so both are one resource; rename or merge them",
        "SPEC:15:7: apis.orders.versions.V1-0: 'V1-0' and 'v1-0' (line 14) differ only in case: "
        "Azure names are not case-sensitive, so both are one resource; rename or merge them",
    ]
