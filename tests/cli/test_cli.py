"""The `apic-access` command as a user runs it: output lines and exit codes."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pydot
import pytest

from apic_access.cli import main, parser
from apic_access.recorder import record

ROOT = Path(__file__).resolve().parents[2]
MIN = "specVersion: 1\napiCenter:\n  name: apis-${stack}\n  resourceGroup: rg-apis\n  location: eastus\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_default_stack_uses_pulumi_stack_config(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run(capsys, "validate")
    assert code == 0
    assert out == ""
    assert err.startswith("config/dev.yaml: valid (stack dev): API center contoso-apis-dev, 4 auth configs, 2 APIs, 3 versions, 5 bindings")


def test_validate_invalid_exit_1_one_line_per_problem(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MIN + "portal: {title: x}\nkeyValut: {}\n", encoding="utf-8")
    code, out, err = run(capsys, "validate", str(bad))
    assert code == 1
    assert out.splitlines() == [
        f"{bad}:6:9: portal: an enabled portal needs `signIn: {{entraApp: NAME}}` (an entraApps entry) or `signIn: {{clientId: GUID}}`",
        f"{bad}:7:1: keyValut: unknown property 'keyValut' (did you mean 'keyVault'?)",
    ]
    assert err == f"{bad}: 2 errors\n"


def test_validate_several_files_reports_all(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(MIN, encoding="utf-8")
    bad.write_text(MIN.replace("eastus", "East US"), encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(good), str(bad))
    assert code == 1
    assert out.startswith(f"{bad}:5:13: apiCenter.location:")


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--no-such-flag"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["plan", "--format", "xml"])
    assert exc.value.code == 2


def test_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert code == 0
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"  # what yaml-language-server reads
    # a complete spec needs these; an overlay (with `extends`) gets them from its base
    assert schema["else"] == {"$ref": "#/$defs/spec"} and schema["$defs"]["spec"]["required"] == ["specVersion", "apiCenter"]
    assert schema["if"] == {"required": ["extends"]} and "required" not in schema["$defs"]["overlay"]


def test_no_traceback_for_garbage(tmp_path: Path) -> None:
    weird = tmp_path / "weird.yaml"
    weird.write_bytes(b"\xff\xfe\x00garbage")
    proc = subprocess.run([sys.executable, "-m", "apic_access.cli", "validate", str(weird)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stdout == f"{weird}:1:1: (top level): not UTF-8 text (invalid start byte): save the spec as UTF-8\n"


def test_plan_json_shape(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "plan", "--format", "json")
    plan = json.loads(out)
    assert code == 0
    assert set(plan) == {"project", "stack", "summary", "resources", "outputs", "roleAssignments"}
    assert (plan["project"], plan["stack"]) == ("apic-access", "dev")
    for r in plan["resources"]:
        assert {"urn", "type", "name", "custom", "parent", "inputs", "dependencies"} <= set(r)
    custom = [r for r in plan["resources"] if r["custom"]]
    assert plan["summary"] == {"create": len(custom), "update": 0, "replace": 0, "delete": 0, "protected": 0}
    assert {r["action"] for r in custom} == {"create"}
    # what a later change would replace, as `diff` states it
    (service,) = [r for r in custom if r["type"] == "azure-native:apicenter:Service"]
    assert "location" in service["replaceOnChanges"] and service["replaceMode"] == "create-before-delete"
    assignment = next(r for r in custom if r["type"] == "azure-native:authorization:RoleAssignment")
    assert {"scope", "principalId"} <= set(assignment["replaceOnChanges"]) and assignment["replaceMode"] == "delete-before-create"


def test_plan_of_an_invalid_spec_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MIN.replace("specVersion: 1", "specVersion: 3"), encoding="utf-8")
    code, out, _ = run(capsys, "plan", str(bad))
    assert code == 1
    assert out == f"{bad}:1:14: specVersion: 3 must be 1, the only spec version today (write `specVersion: 1`)\n"


def test_plan_table_groups_under_components(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "plan")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith("Plan for stack 'dev' of apic-access:")
    assert "ApiCenterAccess apic-access" in lines
    assert "    KeyVault key-vault" in lines
    assert any(line.startswith("        + keyvault:Vault") and "kv-contoso-dev" in line for line in lines)


def test_diff_adding_one_api_shows_only_its_resources(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    head = tmp_path / "head.yaml"
    base.write_text(MIN, encoding="utf-8")
    head.write_text(MIN + "apis:\n  orders:\n    title: Orders\n    kind: rest\n    versions:\n      v1-0: {title: v1, lifecycleStage: design}\n", encoding="utf-8")
    code, out, _ = run(capsys, "diff", str(base), str(head), "--format", "json")
    d = json.loads(out)
    assert code == 0
    assert [(r["action"], r["name"]) for r in d["resources"]] == [("create", "orders"), ("create", "orders/v1-0")]
    assert d["summary"] == {"replace": 0, "delete": 0, "create": 2, "update": 0, "rename": 0, "protect": 0, "unprotect": 0, "retain": 0, "forget": 0, "leave": 0}


def test_diff_markdown_for_a_pull_request(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    head = tmp_path / "head.yaml"
    base.write_text(MIN + "environments:\n  prod: {title: Prod, kind: production}\n", encoding="utf-8")
    head.write_text(MIN + "environments:\n  prod: {title: Production, kind: production}\n", encoding="utf-8")
    code, out, _ = run(capsys, "diff", str(base), str(head))
    assert code == 0
    assert out == (
        "### apic-access plan diff: stack `dev`\n\n**0 to replace, 0 to delete in Azure, 0 to create, 1 to update in place.**\n\n"
        "| action | type | name | detail |\n|---|---|---|---|\n"
        "| **update in place** | `apicenter:Environment` | `prod` | title: Prod → Production |\n"
    )


def test_diff_reads_git_revisions(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / "config").mkdir(parents=True)
    spec = repo / "config" / "dev.yaml"
    spec.write_text(MIN, encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    spec.write_text(MIN + "environments:\n  prod: {title: Prod, kind: production}\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    code, out, _ = run(capsys, "diff", "HEAD:config/dev.yaml", "config/dev.yaml", "--format", "text")
    assert code == 0
    assert out == "Stack 'dev': 0 to replace, 0 to delete in Azure, 1 to create, 0 to update in place\n  + apicenter:Environment prod: create\n      title=Prod\n"


def test_graph_dot_parses(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    out_file = tmp_path / "g.dot"
    code, _, _ = run(capsys, "graph", "--format", "dot", "-o", str(out_file))
    assert code == 0
    (graph,) = pydot.graph_from_dot_data(out_file.read_text())
    rec = record(ROOT / "config" / "dev.yaml", stack="dev")
    custom = {r.urn for r in rec.resources if r.custom}
    expected_edges = sum(1 for r in rec.resources if r.custom for d in r.dependencies if d in custom)
    assert len(graph.get_edges()) == expected_edges > 0
    (top,) = graph.get_subgraphs()  # the top-level component is the outer cluster
    assert top.get_label() == '"ApiCenterAccess apic-access"'
    inner = {s.get_label() for s in top.get_subgraphs()}
    assert {'"KeyVault key-vault"', '"Access access"', '"Inventory inventory"', '"Portal portal"'} <= inner


# --- each spec and definition file once per command ----------------------------------------

PETSTORE = 'openapi: 3.0.3\ninfo: {title: Petstore, version: "1.0"}\npaths:\n  /pets:\n    get:\n      responses: {"200": {description: The pets}}\n'


def five_versions(tmp_path: Path, extra_api: bool = False) -> Path:
    versions = "".join(
        f"      v{i}-0:\n        title: v{i}\n        lifecycleStage: production\n        definitions:\n          openapi: {{title: OpenAPI, file: petstore.yaml}}\n"
        for i in range(1, 6)
    )
    extra = "  store:\n    title: Store\n    kind: rest\n" if extra_api else ""
    spec = tmp_path / ("head.yaml" if extra_api else "spec.yaml")
    spec.write_text(MIN + "apis:\n  petstore:\n    title: Petstore\n    kind: rest\n    versions:\n" + versions + extra, encoding="utf-8")
    (tmp_path / "petstore.yaml").write_text(PETSTORE, encoding="utf-8")
    return spec


def count_loads_reads_and_checks(monkeypatch: pytest.MonkeyPatch, file: Path) -> dict[str, int]:
    import apic_access.config.definition_files as definition_files
    import apic_access.config.spec as spec_module

    counts = {"spec loads": 0, "file reads": 0, "file checks": 0}
    load, read_bytes, judge = spec_module._load, Path.read_bytes, definition_files.judge

    def counting_load(*args: object) -> object:
        counts["spec loads"] += 1
        return load(*args)  # type: ignore[arg-type]

    def counting_read(self: Path) -> bytes:
        counts["file reads"] += self.resolve() == file.resolve()
        return read_bytes(self)

    def counting_judge(*args: object) -> object:
        counts["file checks"] += 1
        return judge(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(spec_module, "_load", counting_load)
    monkeypatch.setattr(Path, "read_bytes", counting_read)
    monkeypatch.setattr(definition_files, "judge", counting_judge)
    monkeypatch.setattr(definition_files, "_VERDICTS", {})
    return counts


@pytest.mark.parametrize("command", ["validate", "plan", "graph", "import-ids"])
def test_each_command_reads_and_checks_the_spec_and_a_definition_file_once(
    command: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = five_versions(tmp_path)
    counts = count_loads_reads_and_checks(monkeypatch, tmp_path / "petstore.yaml")
    extra = ["--subscription", "11111111-2222-3333-4444-555555555555"] if command == "import-ids" else []
    code, out, err = run(capsys, command, *extra, str(spec))
    assert code == 0, out + err
    assert counts == {"spec loads": 1, "file reads": 1, "file checks": 1}


def test_plan_imports_the_file_it_checked_for_every_version(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = five_versions(tmp_path)
    counts = count_loads_reads_and_checks(monkeypatch, tmp_path / "petstore.yaml")
    code, out, _ = run(capsys, "plan", str(spec), "--format", "json")
    imports = [r for r in json.loads(out)["resources"] if r["type"].endswith("DefinitionImport")]
    assert (code, len(imports), counts["file reads"]) == (0, 5, 1)
    assert {(r["inputs"]["file"], r["inputs"]["contentHash"]) for r in imports} == {("petstore.yaml", hashlib.sha256(PETSTORE.encode()).hexdigest())}  # the name, never the text


def test_diff_checks_a_file_both_sides_share_once(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base, head = five_versions(tmp_path), five_versions(tmp_path, extra_api=True)
    counts = count_loads_reads_and_checks(monkeypatch, tmp_path / "petstore.yaml")
    code, out, _ = run(capsys, "diff", str(base), str(head), "--format", "json")
    assert code == 0
    assert counts == {"spec loads": 2, "file reads": 1, "file checks": 1}
def test_validate_imports_neither_pulumi_nor_the_provider_sdks() -> None:
    """`validate` runs in CI on every pull request: it stays light (the plan tools load the SDKs)."""
    script = (
        "import sys\n"
        "from apic_access import cli\n"
        "code = cli.main(['validate', 'config/dev.yaml'])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'pulumi', 'pulumi_azure_native', 'pulumi_azuread', 'grpc'})\n"
        "others = sorted(m for m in sys.modules if m.startswith('apic_access.commands.') and m != 'apic_access.commands.validate')\n"
        "print(code, heavy, others)\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(root)})
    assert out.stdout.splitlines()[-1] == "0 [] []"  # nor any other command's module


def test_commands_find_the_project_from_a_folder_inside_it(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "config")  # below Pulumi.yaml: the stack file and its spec are found from here
    code, out, err = run(capsys, "validate")
    assert (code, out) == (0, "")
    assert err.startswith("dev.yaml: valid (stack dev): API center contoso-apis-dev")


UNBOUND = MIN + "keyVault:\n  name: kv-apis-x\n  secrets: {k: {fromConfig: k}}\nauthConfigs:\n  spare: {title: Spare, apiKey: {in: header, name: x-key, secret: k}}\n"


def test_strict_turns_warnings_into_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(UNBOUND, encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(spec))
    assert code == 0 and "warning: auth config 'spare' is bound to no API version" in out
    code, out, err = run(capsys, "validate", "--strict", str(spec))
    assert code == 1 and "warning: auth config 'spare'" in out
    assert err == f"{spec}: 1 warning, an error with --strict\n"


def test_github_format_annotates_the_pull_request(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(UNBOUND.replace("name: x-key", "name: x-key, in: cookie"), encoding="utf-8")
    code, out, _ = run(capsys, "validate", "--format", "github", str(spec))
    assert code == 1
    lines = out.splitlines()
    assert lines and all(line.startswith(("::error file=", "::warning file=")) for line in lines)
    assert any(f"::error file={str(spec).replace(':', '%3A')},line=10," in line for line in lines), lines


def test_an_output_into_a_missing_folder_is_refused_before_any_work(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "plan", str(ROOT / "config" / "dev.yaml"), "-o", str(tmp_path / "missing" / "plan.txt"))
    assert (code, out) == (2, "")
    assert err == f"apic-access: -o {tmp_path / 'missing' / 'plan.txt'}: the folder {tmp_path / 'missing'} does not exist: create it first\n"


def test_spec_version_written_as_text_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(MIN.replace("specVersion: 1", 'specVersion: "1"'), encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(spec))
    assert code == 1
    assert out == f"{spec}:1:14: specVersion: '1' is text, not the number 1: write it without quotes\n"


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    (sub,) = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_every_option_of_every_command_says_what_it_does_and_its_default() -> None:
    (sub,) = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert sorted(a.dest for a in sub._get_subactions() if a.help) == sorted(sub.choices)  # each command in `apic-access -h`
    missing = []
    for name, command in _subcommands().items():
        for action in command._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            if not action.help:
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}: no help")
            elif action.option_strings and not action.required and "default" not in action.help and not isinstance(action, argparse._AppendAction):
                missing.append(f"{name} {'/'.join(action.option_strings)}: no default named")
    assert missing == []


def test_the_shared_options_read_the_same_in_every_command() -> None:
    helps: dict[str, set[str]] = {}
    for command in _subcommands().values():
        for action in command._actions:
            if "-q" in action.option_strings or "--subscription" in action.option_strings:
                helps.setdefault(action.option_strings[-1], set()).add(str(action.help).removesuffix("; required"))
    assert {k: len(v) for k, v in helps.items()} == {"--quiet": 1, "--subscription": 2}  # import-ids: no stack file to read it from


def _many_versions_without_definition_files(n: int) -> str:
    apis = "".join(
        f"  api-{i:02d}:\n    title: API {i}\n    kind: rest\n    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: design\n"
        "        definitions: {openapi: {title: OpenAPI}}\n        access:\n          - authConfig: basic-auth\n            users: [alice@contoso.com]\n"
        f"    deployments:\n      prod: {{title: Prod, environment: prod, definition: v1-0/openapi, runtimeUris: ['https://api-{i:02d}.contoso.com']}}\n"
        for i in range(n)
    )
    return (
        "specVersion: 1\napiCenter: {name: apis-dev, resourceGroup: rg-apis, location: eastus}\nenvironments:\n  prod: {title: Prod, kind: production}\n"
        "authConfigs:\n  basic-auth: {title: Basic, http: {scheme: basic}}\napis:\n" + apis
    )


def test_warnings_told_in_one_line_still_count_each(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(_many_versions_without_definition_files(25), encoding="utf-8")
    code, out, err = run(capsys, "validate", str(spec))
    assert code == 0 and len(out.splitlines()) == 11  # ten, and one line for the other fifteen
    assert err.endswith(", 25 warnings\n")
    code, out, err = run(capsys, "validate", "--strict", str(spec))
    assert (code, err) == (1, f"{spec}: 25 warnings, each an error with --strict\n")


def test_github_annotations_put_errors_then_the_counted_lines_first(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # GitHub shows 10 annotations of a level per step: what stands for many must not be the 11th
    spec = tmp_path / "spec.yaml"
    spec.write_text(_many_versions_without_definition_files(25).replace("kind: rest\n    versions", "kind: Rest\n    versions", 1), encoding="utf-8")
    code, out, _ = run(capsys, "validate", "--format", "github", str(spec))
    levels = [line.split(" ", 1)[0] for line in out.splitlines()]
    assert code == 1 and levels == ["::error"] + ["::warning"] * 11
    assert "::and 15 more versions with access entries but no definition file, this one first" in out.splitlines()[1]


def test_a_mistyped_command_gets_the_closest_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "valdate", "--stack", "dev")
    assert (code, out) == (2, "")
    assert err == "apic-access: unknown command 'valdate' (did you mean 'validate'?): `apic-access --help` lists the commands\n"


def test_help_lists_every_command_in_the_registrys_order(capsys: pytest.CaptureFixture[str]) -> None:
    from apic_access.commands import COMMANDS

    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    listed = [line.split()[0] for line in out.splitlines() if line.startswith("    ") and not line.startswith("     ")]
    assert listed == list(COMMANDS)
