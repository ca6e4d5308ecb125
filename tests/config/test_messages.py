"""Messages a newcomer found unclear (issue #17), each with its cause and fix: a value that
differs from an allowed one only in case, a name too short or too long (the length rule
before the pattern), a value whose `${...}` made it too long, duplicate entries naming the
first, and `${...}` unquoted in flow style. Every line `validate` prints, whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from apic_access.cli import main
from apic_access.config.errors import SpecError, did_you_mean
from apic_access.config.spec import load_spec

MIN = "specVersion: 1\napiCenter:\n  name: apis-${stack}\n  resourceGroup: rg-apis\n  location: eastus\n"
API = "apis:\n  petstore:\n    title: Petstore\n    kind: rest\n    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: production\n"
SIGN_IN = "  signIn: {clientId: 2c1d0e4f-1111-2222-3333-444455556666}\n"

CASES = [
    ("enum_differs_in_case", "qa", MIN + "apis:\n  petstore:\n    title: Petstore\n    kind: REST\n", [
        "SPEC:9:11: apis.petstore.kind: 'REST' is not one of: rest, graphql, grpc, soap, webhook, websocket (did you mean 'rest'?)",
    ]),
    ("enum_near_miss", "qa", MIN + "apis:\n  petstore:\n    title: Petstore\n    kind: graphQL\n", [
        "SPEC:9:11: apis.petstore.kind: 'graphQL' is not one of: rest, graphql, grpc, soap, webhook, websocket (did you mean 'graphql'?)",
    ]),
    ("key_differs_in_case", "qa", MIN + "apis:\n  petstore:\n    title: Petstore\n    Kind: rest\n", [
        "SPEC:9:5: apis.petstore.Kind: unknown property 'Kind' (did you mean 'kind'?)",  # one mistake, one error: not also 'kind' missing
    ]),
    ("key_misspelt", "qa", MIN + API.replace("lifecycleStage", "lifecycleStag"), [
        "SPEC:13:9: apis.petstore.versions.v1-0.lifecycleStag: unknown property 'lifecycleStag' (did you mean 'lifecycleStage'?)",
    ]),
    ("name_too_short", "qa", MIN + API.replace("v1-0:", "a1:"), [
        "SPEC:11:7: apis.petstore.versions.a1: 'a1' is 2 characters; API Center names are 3 to 90 characters: make it longer",
    ]),
    ("name_too_short_and_malformed", "qa", MIN + API.replace("v1-0:", "a.:"), [
        "SPEC:11:7: apis.petstore.versions.a.: 'a.' is 2 characters; API Center names are 3 to 90 characters: make it longer; "
        "it is also not a valid API Center name: use 3-90 letters, digits or hyphens (for example `v1-0`, not `v1.0`)",
    ]),
    ("value_too_long_for_the_stack", "production-westeurope", MIN.replace("apis-${stack}", "apis") + "keyVault:\n  name: kv-orders-${stack}\n", [
        "SPEC:7:9: keyVault.name: 'kv-orders-${stack}' is 'kv-orders-production-westeurope' (31 characters) for stack 'production-westeurope'; "
        "Key Vault names are 3 to 24 characters: shorten it",
    ]),
    ("value_malformed_for_the_stack", "prod_eu", MIN.replace("apis-${stack}", "apis") + "keyVault:\n  name: kv-orders-${stack}\n", [
        "SPEC:7:9: keyVault.name: 'kv-orders-${stack}' is 'kv-orders-prod_eu' for stack 'prod_eu', which is not a valid Key Vault name: "
        "use 3-24 letters, digits or hyphens, starting with a letter, ending with a letter or digit, without `--`",
    ]),
    ("two_variables", "q_a", MIN.replace("apis-${stack}", "apis") + "keyVault:\n  name: kv-${project}-${stack}\n", [
        "SPEC:7:9: keyVault.name: 'kv-${project}-${stack}' is 'kv-apic-access-q_a' for project 'apic-access' and stack 'q_a', which is not a valid Key Vault name: "
        "use 3-24 letters, digits or hyphens, starting with a letter, ending with a letter or digit, without `--`",
    ]),
    ("title_too_long_for_the_stack", "x" * 45, MIN.replace("apis-${stack}", "apis") + "portal:\n  title: APIs for ${stack}\n" + SIGN_IN, [
        f"SPEC:7:10: portal.title: 'APIs for ${{stack}}' is 'APIs for {'x' * 45}' (54 characters) for stack '{'x' * 45}': at most 50 allowed; shorten it",
    ]),
    ("user_listed_twice", "qa", MIN + "portal:\n" + SIGN_IN + "  readers:\n    users:\n      - alice@contoso.com\n      - bob@contoso.com\n      - alice@contoso.com\n", [
        "SPEC:12:9: portal.readers.users[2]: 'alice@contoso.com' is already listed as users[0] (line 10): list each entry once",
    ]),
    ("group_listed_twice_on_one_line", "qa", MIN + "portal:\n" + SIGN_IN + "  readers:\n    groups: [Testers, Testers]\n", [
        "SPEC:9:23: portal.readers.groups[1]: 'Testers' is already listed as groups[0] (column 14): list each entry once",
    ]),
    ("listed_twice_after_expansion", "qa", MIN + "portal:\n" + SIGN_IN + "  readers:\n    groups: [testers-qa, 'testers-${stack}']\n", [
        "SPEC:9:26: portal.readers.groups[1]: 'testers-${stack}' ('testers-qa' for stack 'qa') is already listed as groups[0] (column 14): list each entry once",
    ]),
    ("scope_listed_twice", "qa", MIN + "authConfigs:\n  idp:\n    title: IdP\n    oauth2:\n      clientId: abc\n      tokenUrl: https://idp.example.com/token\n"
        "      authorizationUrl: https://idp.example.com/authorize\n      scopes:\n        - orders.read\n        - orders.read\n", [
        "SPEC:8:5: authConfigs.idp: warning: auth config 'idp' is bound to no API version: add it to a version's `access` or remove it",
        "SPEC:15:11: authConfigs.idp.oauth2.scopes[1]: 'orders.read' is already listed as scopes[0] (line 14): list each entry once",
    ]),
    ("identity_listed_twice", "qa", MIN + "  identity:\n    type: UserAssigned\n    userAssigned:\n      - name: id-apis\n      - name: ID-apis\n", [
        "SPEC:10:15: apiCenter.identity.userAssigned[1].name: 'ID-apis' is already listed as userAssigned[0] (line 9): list each identity once",
    ]),
    # the first of the two is the one the spec keeps: a problem in it points at it, whichever is written how
    ("kept_name_written_with_a_variable", "qa", MIN + "apis:\n  orders-${stack}:\n    title: Orders\n    kind: Rest\n  orders-qa:\n    title: Orders again\n    kind: rest\n", [
        "SPEC:9:11: apis.orders-qa.kind: 'Rest' is not one of: rest, graphql, grpc, soap, webhook, websocket (did you mean 'rest'?)",
        "SPEC:10:3: apis.orders-qa: 'orders-qa' and 'orders-${stack}' for stack 'qa' (line 7) are both 'orders-qa': rename one of them",
    ]),
    ("kept_name_written_as_is", "qa", MIN + "apis:\n  orders-qa:\n    title: Orders\n    kind: Rest\n  orders-${stack}:\n    title: Orders again\n    kind: rest\n", [
        "SPEC:9:11: apis.orders-qa.kind: 'Rest' is not one of: rest, graphql, grpc, soap, webhook, websocket (did you mean 'rest'?)",
        "SPEC:10:3: apis.orders-qa: 'orders-${stack}' for stack 'qa' and 'orders-qa' (line 7) are both 'orders-qa': rename one of them",
    ]),
    ("names_equal_after_expansion", "qa", MIN + "apis:\n  orders-qa:\n    title: Orders\n    kind: rest\n  orders-${stack}:\n    title: Orders again\n    kind: rest\n", [
        "SPEC:10:3: apis.orders-qa: 'orders-${stack}' for stack 'qa' and 'orders-qa' (line 7) are both 'orders-qa': rename one of them",
    ]),
    ("variable_in_flow_mapping", "qa", MIN + "  identity:\n    type: UserAssigned\n    userAssigned: [{name: id-${stack}}]\n", [
        "SPEC:8:31: (top level): YAML syntax error: did not find expected ',' or '}'; inside `{...}` or `[...]`, the `}` of `${...}` ends the value: "
        'quote it, as in `userAssigned: [{name: "id-${stack}"}]`',
    ]),
    ("variable_in_flow_mapping_value_start", "qa", MIN + "  tags: {env: ${stack}, team: platform}\n", [
        "SPEC:6:16: (top level): YAML syntax error: did not find expected ',' or '}'; inside `{...}` or `[...]`, the `}` of `${...}` ends the value: "
        'quote it, as in `tags: {env: "${stack}", team: platform}`',
    ]),
    ("variable_in_flow_list_over_lines", "qa", MIN + "portal:\n  readers:\n    groups: [\n      testers-${stack},\n      other,\n    ]\n", [
        "SPEC:9:16: (top level): YAML syntax error: did not find expected ',' or ']'; inside `{...}` or `[...]`, the `}` of `${...}` ends the value: "
        'quote it, as in `"testers-${stack}",`',
    ]),
    ("flow_error_without_variable_keeps_the_general_hint", "qa", MIN + "  tags: {env: dev team: x}}\n", [
        "SPEC:6:23: (top level): YAML syntax error: did not find expected ',' or '}'; check indentation and quoting",
    ]),
]


def report(path: Path, stack: str) -> list[str]:
    try:
        loaded = load_spec(path, stack=stack)
    except SpecError as exc:
        return [str(p).replace(str(path), "SPEC") for p in exc.problems]
    return [str(w).replace(str(path), "SPEC") for w in loaded.warnings]


@pytest.mark.parametrize(("case", "stack", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_message(tmp_path: Path, case: str, stack: str, text: str, expected: list[str]) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    assert report(spec, stack) == expected


def test_names_equal_after_expansion_across_an_extends_chain(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(MIN + "apis:\n  orders-qa:\n    title: Orders\n    kind: rest\n", encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text("extends: base.yaml\napis:\n  orders-${stack}:\n    title: Orders again\n    kind: rest\n", encoding="utf-8")
    assert report(spec, "qa") == [f"SPEC:3:3: apis.orders-qa: 'orders-${{stack}}' for stack 'qa' and 'orders-qa' ({tmp_path / 'base.yaml'}:7) are both 'orders-qa': rename one of them"]


@pytest.mark.parametrize(
    ("word", "choices", "hint"),
    [
        ("REST", ["rest", "graphql"], " (did you mean 'rest'?)"),
        ("Rest", ["REST", "rest"], " (did you mean 'REST'?)"),  # the first spelling of a case-insensitive match
        ("Graph-QL", ["rest", "graphql"], " (did you mean 'graphql'?)"),
        ("soap", ["rest", "graphql"], ""),
        ("rest", ["rest"], ""),
    ],
)
def test_did_you_mean_ignores_case_first(word: str, choices: list[str], hint: str) -> None:
    assert did_you_mean(word, choices) == hint


def test_github_annotations_carry_the_new_messages(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(MIN + "portal:\n" + SIGN_IN + "  readers:\n    users:\n      - alice@contoso.com\n      - alice@contoso.com\n", encoding="utf-8")
    assert main(["validate", "--format", "github", str(spec)]) == 1
    out, err = capsys.readouterr()
    file = str(spec).replace(":", "%3A").replace(",", "%2C")
    assert out == f"::error file={file},line=11,col=9,title=portal.readers.users[1]::'alice@contoso.com' is already listed as users[0] (line 10): list each entry once\n"
    assert err == f"{spec}: 1 error\n"


def test_strict_reports_the_new_messages_as_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(MIN + "keyVault:\n  name: kv-orders-${stack}\n", encoding="utf-8")
    assert main(["validate", "--strict", "--stack", "production-westeurope", str(spec)]) == 1
    out, err = capsys.readouterr()
    assert out == (
        f"{spec}:7:9: keyVault.name: 'kv-orders-${{stack}}' is 'kv-orders-production-westeurope' (31 characters) for stack 'production-westeurope'; "
        "Key Vault names are 3 to 24 characters: shorten it\n"
    )
    assert err == f"{spec}: 1 error\n"
