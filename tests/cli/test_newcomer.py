"""The mistakes a newcomer made in a copy of the example project (issue #26), each through
`validate` as they ran it: every line it prints, whole, names the fix."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from apic_access.cli import main
from apic_access.recorder import record

ROOT = Path(__file__).resolve().parents[2]
VALID = "config/dev.yaml: valid (stack dev): API center contoso-apis-dev, 4 auth configs, 2 APIs, 3 versions, 5 bindings, 11 role assignments of a budget of 4,000 (0 managed groups), "


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway copy of the example project, the working directory."""
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "config", tmp_path / "config")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit(project: Path, old: str, new: str, file: str = "config/dev.yaml") -> None:
    path = project / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], list[str]]:
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def test_a_region_azure_does_not_have_gets_the_nearest_one(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project, "  location: eastus\n", "  location: westeurop\n")
    code, out, err = validate(capsys)
    assert code == 0  # a warning: Azure may have added regions since this release
    assert out == [
        "config/dev.yaml:8:13: apiCenter.location: warning: 'westeurop' is not an Azure region this release knows (did you mean 'westeurope'?): "
        "`az account list-locations --query [].name -o tsv` lists yours (a region added to Azure since then is fine)"
    ]
    assert err == [VALID + "1 warning"]


def test_a_group_written_as_a_mail_address_is_looked_up_by_display_name(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project, "groups: [Partner Integrators]", "groups: [orders-devs@fabrikam.com]")
    code, out, _ = validate(capsys)
    assert code == 0
    assert out == [
        "config/dev.yaml:151:22: apis.partner-orders.versions.v1-0.access[0].groups[0]: warning: 'orders-devs@fabrikam.com' looks like a mail address, "
        "but groups are looked up by display name (or object id): write the group's display name as Entra shows it, or its object id "
        "(`az ad group show --group NAME --query id`)"
    ]


def test_an_object_id_a_digit_short_is_named_so(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project, "users: [carol@contoso.com]", "users: ['11111111-2222-3333-4444-55555555555']")
    code, out, err = validate(capsys)
    assert (code, err) == (1, ["config/dev.yaml: 1 error"])
    assert out == [
        "config/dev.yaml:153:21: apis.partner-orders.versions.v1-0.access[1].users[0]: '11111111-2222-3333-4444-55555555555' looks like an object id "
        "with a digit missing or extra: an object id is 8-4-4-4-12 hex digits (`az ad user show --id NAME --query id` prints one); copy it whole"
    ]


def test_a_scope_value_too_long_says_its_length(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    long = "a." * 60 + "b"  # 121 characters of letters and dots: the characters are fine
    edit(project, "      - value: Pets.Write\n", f"      - value: {long}\n")
    code, out, _ = validate(capsys)
    assert (code, out) == (1, ["config/dev.yaml:37:16: entraApps.petstore-oauth.scopes[1].value: is 121 characters long: at most 120 allowed; shorten it"])


def test_access_one_level_too_shallow_is_an_indentation_mistake(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(
        project,
        "        access:\n          - authConfig: partner-oauth\n            groups: [Partner Integrators]\n          - authConfig: legacy-basic\n            users: [carol@contoso.com]\n",
        "      access:\n        - authConfig: partner-oauth\n          groups: [Partner Integrators]\n        - authConfig: legacy-basic\n          users: [carol@contoso.com]\n",
    )
    code, out, err = validate(capsys)
    # one error: not also the auth configs it leaves unbound, which follow from it
    assert (code, err) == (1, ["config/dev.yaml: 1 error"])
    assert out == [
        "config/dev.yaml:149:7: apis.partner-orders.versions.access: `access` is a property of each version, not a version's name: "
        "indent it one level deeper, under a version such as `v1-0:`"
    ]


def test_readers_under_sign_in_belongs_under_portal(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(
        project,
        "    entraApp: portal-signin\n  anonymousAccess: false\n  readers:\n    groups: [All Engineers]\n",
        "    entraApp: portal-signin\n    readers:\n      groups: [All Engineers]\n  anonymousAccess: false\n",
    )
    code, out, _ = validate(capsys)
    assert (code, out) == (1, ["config/dev.yaml:166:5: portal.signIn.readers: unknown property 'readers' here: `readers` belongs under `portal`, not `portal.signIn`; indent it one level less"])


def test_an_empty_mapping_says_it_is_empty(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(
        project,
        "    deployments:\n      partner:\n        title: Partner gateway\n        environment: partner-env\n        definition: v1-0/openapi\n        runtimeUris: [https://partner.contoso.com/orders]\n",
        "    deployments:\n",
    )
    code, out, _ = validate(capsys)
    assert code == 1
    assert out == [
        "config/dev.yaml:154:17: apis.partner-orders.deployments: is empty (nothing after the colon is null in YAML): expected a mapping; "
        "give it a value, write `{}` for an empty mapping, or remove the key"
    ]


def test_null_in_an_overlay_removes_the_bases_entry(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = (project / "config/base.yaml").read_text(encoding="utf-8")
    assert "    deployments:\n      main:\n" in base
    (project / "config/staging.yaml").write_text(
        "specVersion: 1\nextends: base.yaml\napis:\n  petstore:\n    deployments:\n      main: null\n", encoding="utf-8"
    )
    code, _, _ = validate(capsys, "--stack", "staging", "config/staging.yaml")
    assert code == 0
    spec = record(project / "config/staging.yaml", stack="staging")
    assert not [r for r in spec.resources if r.type.endswith("apicenter:Deployment") and r.name.endswith("petstore-main")]


def test_case_duplicates_name_the_line_of_the_first_key(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project, "  partner-orders:\n    title: Partner orders\n", "  Petstore:\n    title: Partner orders\n")
    code, out, _ = validate(capsys)
    lines = (project / "config/dev.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[91] == "  petstore:"  # line 92
    assert (code, out) == (
        1,
        ["config/dev.yaml:138:3: apis.Petstore: 'Petstore' and 'petstore' (line 92) differ only in case: Azure names are not case-sensitive, so both are one resource; rename or merge them"],
    )


def test_a_service_principal_under_users_names_service_principals(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project, "users: [carol@contoso.com]", "users: [ci-tester]")
    code, out, _ = validate(capsys)
    assert (code, out) == (
        1,
        [
            "config/dev.yaml:153:21: apis.partner-orders.versions.v1-0.access[1].users[0]: 'ci-tester' is neither a user principal name (alice@contoso.com) "
            "nor an object id; groups go under `groups`, service principals (apps, managed identities) under `servicePrincipals`"
        ],
    )


@pytest.mark.parametrize("written", ["$stack", "{stack}", "$(stack)"])
def test_a_variable_written_wrong_in_a_name_says_how_to_write_it(project: Path, capsys: pytest.CaptureFixture[str], written: str) -> None:
    edit(project, "  name: contoso-apis-${stack}", f"  name: contoso-apis-{written}")
    code, out, _ = validate(capsys)
    assert (code, out) == (
        1,
        [
            f"config/dev.yaml:6:9: apiCenter.name: 'contoso-apis-{written}' is not a valid API Center name: use 3-90 letters, digits or hyphens "
            f"(for example `v1-0`, not `v1.0`); a variable is written `${{stack}}`, not `{written}`"
        ],
    )


def test_a_variable_written_wrong_in_a_title_is_a_warning(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project, "    displayName: Petstore API (${stack})", "    displayName: Petstore API ($stack)")
    code, out, _ = validate(capsys)
    assert (code, out) == (0, ["config/dev.yaml:32:18: entraApps.petstore-oauth.displayName: warning: 'Petstore API ($stack)' is taken as text; a variable is written `${stack}`, not `$stack`"])


def test_a_misspelt_key_is_one_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project, "    versions:\n      v1-0:\n        title: v1.0\n        lifecycleStage: production\n        definitions:\n          openapi:\n            title: OpenAPI\n            file: apis/partner", "    versions:\n      v1-0:\n        title: v1.0\n        lifecycleStag: production\n        definitions:\n          openapi:\n            title: OpenAPI\n            file: apis/partner")
    code, out, err = validate(capsys)
    assert (code, err) == (1, ["config/dev.yaml: 1 error"])
    assert out == ["config/dev.yaml:144:9: apis.partner-orders.versions.v1-0.lifecycleStag: unknown property 'lifecycleStag' (did you mean 'lifecycleStage'?)"]


def test_an_unknown_stack_names_the_stacks_there_are(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = validate(capsys, "--stack", "stagin")
    assert (code, out) == (2, [])
    assert err == ["apic-access validate: no stack 'stagin' here: neither Pulumi.stagin.yaml nor config/stagin.yaml exists; the stacks are dev, prod"]
    (project / "Pulumi.staging.yaml").write_text("config:\n  apic-access:spec: config/prod.yaml\n", encoding="utf-8")
    code, _, err = validate(capsys, "--stack", "stagin")
    assert err == ["apic-access validate: no stack 'stagin' here: neither Pulumi.stagin.yaml nor config/stagin.yaml exists; the stacks are dev, prod, staging (did you mean 'staging'?)"]


def test_a_spec_given_without_stack_is_validated_for_the_stack_that_names_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = validate(capsys, "config/prod.yaml")
    assert code == 0
    assert err[0].startswith("config/prod.yaml: valid (stack prod): API center contoso-apis-prod,")
    (project / "Pulumi.prod-eu.yaml").write_text("config:\n  apic-access:spec: config/prod.yaml\n", encoding="utf-8")
    code, _, err = validate(capsys, "config/prod.yaml")
    assert [line.split(":", 2)[1] for line in err] == [" valid (stack prod)", " valid (stack prod-eu)"]


def test_strict_annotates_warnings_as_errors_on_github(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project, "  location: eastus\n", "  location: westeurop\n")
    code, out, _ = validate(capsys, "--strict", "--format", "github")
    assert code == 1
    assert [line.split(" ", 1)[0] for line in out] == ["::error"]
    code, out, _ = validate(capsys, "--format", "github")
    assert (code, [line.split(" ", 1)[0] for line in out]) == (0, ["::warning"])


def test_json_has_each_problem_and_the_result(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project, "  location: eastus\n", "  location: westeurop\n")
    edit(project, "users: [carol@contoso.com]", "users: [ci-tester]")
    code = main(["validate", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    assert doc["valid"] is False
    (spec,) = doc["specs"]
    assert (spec["spec"], spec["stack"], spec["valid"], spec["errors"], spec["warnings"]) == ("config/dev.yaml", "dev", False, 1, 1)
    assert [(p["line"], p["col"], p["severity"], p["path"]) for p in spec["problems"]] == [
        (8, 13, "warning", "apiCenter.location"),
        (153, 21, "error", "apis.partner-orders.versions.v1-0.access[1].users[0]"),
    ]


def test_sarif_is_sarif_2_1_0_with_the_problems_as_results(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project, "  location: eastus\n", "  location: westeurop\n")
    edit(project, "users: [carol@contoso.com]", "users: [ci-tester]")
    out = project / "validate.sarif"
    code = main(["validate", "--format", "sarif", "--strict", "-o", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert code == 1
    assert (doc["version"], doc["$schema"]) == ("2.1.0", "https://json.schemastore.org/sarif-2.1.0.json")
    (run,) = doc["runs"]
    assert run["tool"]["driver"]["name"] == "apic-access"
    rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
    results = run["results"]
    assert {r["ruleId"] for r in results} <= rules
    located = [
        (r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results
    ]
    assert located == [("error", "config/dev.yaml", 8), ("error", "config/dev.yaml", 153)]  # --strict: the warning fails too
    assert results[1]["message"]["text"].startswith("apis.partner-orders.versions.v1-0.access[1].users[0]: 'ci-tester' is neither")


def test_a_full_uri_scope_has_its_placeholders_filled(project: Path) -> None:
    edit(project, "      scopes: [Pets.Read]\n", "      scopes: ['api://{tenantId}/petstore-dev/Pets.Read']\n")
    rec = record(project / "config/dev.yaml", stack="dev")
    (config,) = [r for r in rec.resources if r.type.endswith("PreviewResource") and str(r.inputs.get("resourceId", "")).endswith("/authConfigs/petstore-oauth")]
    scopes = config.inputs["properties"]["oauth2"]["supportedScopes"]
    assert not any("{tenantId}" in str(s) for s in scopes)
    assert str(scopes[0]).startswith("api://") and str(scopes[0]).endswith("/petstore-dev/Pets.Read")
