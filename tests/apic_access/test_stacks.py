"""Pulumi.<stack>.yaml is part of validation: every apic-access:* key is checked and
problems point at the stack file, for `validate` and for `plan` alike."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from apic_access.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "config", tmp_path / "config")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def stack_file(project: Path, stack: str, text: str) -> Path:
    path = project / f"Pulumi.{stack}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


SHARD = "config:\n  apic-access:spec: config/sharded.yaml\n  apic-access:shard: {shard}\n  apic-access:platformStack: contoso/apic-access/platform\n"


def test_a_shard_typo_fails_validate_at_the_stack_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack_file(project, "inv-1", SHARD.format(shard="tag=shard-1"))
    code, out, err = run(capsys, "validate", "--stack", "inv-1")
    assert code == 1
    assert out == (
        "Pulumi.inv-1.yaml:3:22: config.apic-access:shard: 'tag=shard-1' is not a shard: use `platform`, `tag:NAME` "
        "(APIs whose `tags` include NAME) or `prefix:NAME` (APIs whose key starts with NAME)\n"
    )
    assert err == "Pulumi.inv-1.yaml: 1 error\n"
    # plan answers the same user mistake the same way: exit 1, never an internal error
    code, out, err = run(capsys, "plan", "--stack", "inv-1")
    assert code == 1 and out.startswith("Pulumi.inv-1.yaml:3:22: config.apic-access:shard:") and "internal error" not in out + err


def test_unknown_keys_values_and_references(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack_file(
        project,
        "dev",
        "config:\n  apic-access:spec: config/dev.yaml\n  apic-access:shrad: platform\n  apic-access:platformStack: platform\n"
        "  apic-access:petstoreApiKey: plain-text\n  azure-native:location: eastus\n",
    )
    code, out, _ = run(capsys, "validate", "--stack", "dev")
    assert code == 1
    assert out.splitlines() == [
        "Pulumi.dev.yaml:3:3: config.apic-access:shrad: unknown key 'apic-access:shrad' (did you mean 'apic-access:shard'?): apic-access reads "
        "apic-access:spec, apic-access:shard, apic-access:platformStack, apic-access:deployOrder and the secrets the spec names with `fromConfig`; remove it or fix the name",
        "Pulumi.dev.yaml:4:30: config.apic-access:platformStack: 'platform' is not a stack reference: write ORG/PROJECT/STACK, e.g. contoso/apic-access/platform",
        "Pulumi.dev.yaml:5:31: config.apic-access:petstoreApiKey: holds a secret in plain text: set it with "
        "`pulumi config set --secret apic-access:petstoreApiKey VALUE`",
    ]


def test_a_stack_file_that_is_not_yaml(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack_file(project, "dev", "config:\n  apic-access:spec: [config/dev.yaml\n")
    code, out, err = run(capsys, "validate", "--stack", "dev")
    assert code == 1
    assert out == "Pulumi.dev.yaml:3:1: (top level): not valid YAML (a Pulumi stack file): did not find expected ',' or ']'; check indentation and quoting\n"
    assert err == "Pulumi.dev.yaml: 1 error\n"
    code, out, _ = run(capsys, "plan", "--stack", "dev")
    assert code == 1 and out.startswith("Pulumi.dev.yaml:3:1:")


def test_a_missing_spec_is_the_stack_files_problem(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack_file(project, "test", "config:\n  apic-access:spec: config/tets.yaml\n")
    code, out, _ = run(capsys, "validate", "--stack", "test")
    assert code == 1
    assert out == f"Pulumi.test.yaml:2:21: config.apic-access:spec: spec file 'config/tets.yaml' not found (relative to the project folder {project}): fix the path\n"


def test_secrets_are_never_read_and_unused_ones_are_flagged(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack_file(
        project,
        "dev",
        "config:\n  apic-access:spec: config/dev.yaml\n  apic-access:petstoreApiKey:\n    secure: AAABAxyz\n  apic-access:oldKey:\n    secure: AAABAabc\n",
    )
    code, out, _ = run(capsys, "validate", "--stack", "dev")
    assert code == 0
    assert out == "Pulumi.dev.yaml:5:3: config.apic-access:oldKey: warning: secret 'apic-access:oldKey' is read by no `fromConfig` of the spec: remove it or fix the name\n"


def test_the_example_stack_files_validate(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    for stack in ("dev", "prod"):
        code, out, _ = run(capsys, "validate", "--stack", stack)
        assert (code, out) == (0, "")


@pytest.mark.parametrize("where", ["/etc/passwd", "../../outside.yaml"])
def test_a_spec_outside_the_project_is_refused_before_it_is_read(where: str, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A pull request may edit the stack file too: `apic-access:spec` stays inside the project (#14)."""
    stack_file(project, "dev", f"config:\n  apic-access:spec: {where}\n")
    code, out, err = run(capsys, "validate", "--stack", "dev")
    assert code == 1
    why = "is an absolute path: a spec may only read files inside" if where.startswith("/") else "climbs out of"
    assert out == (
        f"Pulumi.dev.yaml:2:21: config.apic-access:spec: '{where}' {why} the project (.): "
        "the spec is read from inside the project; move it there and give its path relative to the project\n"
    )
    assert "root:" not in out + err  # nothing of the file outside is quoted


# `apic-access stacks`: what the workflows' matrices run, in deploy order


def stacks_project(project: Path, **files: str) -> Path:
    (project / "Pulumi.yaml").write_text("name: apic-access\nruntime: python\n", encoding="utf-8")
    for stack, text in files.items():
        stack_file(project, stack.replace("_", "-"), text)
    return project


def listed(capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    code, out, err = run(capsys, "stacks", "--format", "json")
    assert (code, err) == (0, "")
    return json.loads(out)  # type: ignore[no-any-return]


def test_stacks_in_promotion_order_not_alphabetical(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stacks_project(project, prod="config:\n  apic-access:spec: config/prod.yaml\n", dev="config:\n  apic-access:spec: config/dev.yaml\n")
    assert listed(capsys) == [{"stack": "dev", "spec": "config/dev.yaml"}, {"stack": "prod", "spec": "config/prod.yaml"}]
    # cloning an environment: a new stack file is all it takes, and it lands between dev and prod
    stack_file(project, "test", "config:\n  apic-access:spec: config/test.yaml\n")
    stack_file(project, "staging", "")  # no config at all: its spec is config/staging.yaml
    stack_file(project, "perf", "config:\n  azure-native:location: eastus\n")
    assert [(s["stack"], s["spec"]) for s in listed(capsys)] == [
        ("dev", "config/dev.yaml"),
        ("test", "config/test.yaml"),
        ("staging", "config/staging.yaml"),
        ("perf", "config/perf.yaml"),
        ("prod", "config/prod.yaml"),
    ]
    code, out, _ = run(capsys, "stacks")
    assert code == 0
    assert out.splitlines()[:2] == ["dev\tconfig/dev.yaml\torder 10 (name dev*)", "test\tconfig/test.yaml\torder 20 (name test*/qa*)"]
    assert out.splitlines()[3] == "perf\tconfig/perf.yaml\torder 40 (name)"


def test_deploy_order_setting_wins_over_the_name(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stacks_project(
        project,
        dev="config:\n  apic-access:spec: config/dev.yaml\n",
        prod="config:\n  apic-access:spec: config/prod.yaml\n",
        # as `pulumi config set apic-access:deployOrder 5` writes it (text), and as a number
        canary='config:\n  apic-access:spec: config/prod.yaml\n  apic-access:deployOrder: "45"\n',
        sandbox="config:\n  apic-access:deployOrder: 5\n",
    )
    assert [s["stack"] for s in listed(capsys)] == ["sandbox", "dev", "canary", "prod"]
    code, out, _ = run(capsys, "stacks")
    assert out.splitlines()[2] == "canary\tconfig/prod.yaml\torder 45 (apic-access:deployOrder)"
    # a known key for validate, not an "unknown key" problem
    code, out, _ = run(capsys, "validate", "--stack", "canary")
    assert (code, out) == (0, "")


def test_the_platform_stack_before_the_inventory_shards_that_read_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stacks_project(project, inv_1=SHARD.format(shard="tag:shard-1"), platform="config:\n  apic-access:spec: config/sharded.yaml\n  apic-access:shard: platform\n")
    assert listed(capsys) == [{"stack": "platform", "spec": "config/sharded.yaml"}, {"stack": "inv-1", "spec": "config/sharded.yaml"}]


def test_a_shard_deploys_after_its_platform_stack_whatever_the_names_say(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `prod-platform` orders 50 by its name, `inv-1` 40: the shard would deploy first and read
    # outputs its platform stack does not have yet
    shard = SHARD.format(shard="tag:shard-1").replace("contoso/apic-access/platform", "contoso/apic-access/prod-platform")
    stacks_project(project, inv_1=shard, prod_platform="config:\n  apic-access:spec: config/sharded.yaml\n  apic-access:shard: platform\n")
    assert [s["stack"] for s in listed(capsys)] == ["prod-platform", "inv-1"]
    code, out, _ = run(capsys, "stacks")
    assert out.splitlines() == [
        "prod-platform\tconfig/sharded.yaml\torder 50 (name prod*)",
        "inv-1\tconfig/sharded.yaml\torder 50 (name; after its platform stack prod-platform)",
    ]


def test_stacks_from_a_subfolder_and_outside_any_project(project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    stacks_project(project, dev="config:\n  apic-access:spec: config/dev.yaml\n")
    monkeypatch.chdir(project / "config" / "apis")
    assert listed(capsys) == [{"stack": "dev", "spec": "config/dev.yaml"}]
    (project / "Pulumi.yaml").unlink()
    code, out, err = run(capsys, "stacks", "--format", "json")
    assert (code, out) == (2, "")
    assert err == f"apic-access stacks: no Pulumi.yaml in {project / 'config' / 'apis'} or a folder above it: run it inside the Pulumi project\n"


def test_no_stacks_is_an_empty_list(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stacks_project(project)
    assert listed(capsys) == []


def test_a_broken_stack_file_stops_the_list(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stacks_project(
        project,
        dev="config:\n  apic-access:spec: config/dev.yaml\n  apic-access:deployOrder: soon\n",
        prod="config:\n  apic-access:spec: [config/prod.yaml\n",
        test="config:\n  apic-access:spec: config/dev.yaml\n",
    )
    code, out, err = run(capsys, "stacks", "--format", "json")
    assert (code, out) == (1, "")  # never half a list for a workflow to run
    assert err.splitlines() == [
        "Pulumi.dev.yaml:3:28: config.apic-access:deployOrder: must be a whole number (lower deploys first), not 'soon': `pulumi config set apic-access:deployOrder 20`",
        "Pulumi.prod.yaml:3:1: (top level): not valid YAML (a Pulumi stack file): did not find expected ',' or ']'; check indentation and quoting",
        "apic-access stacks: 2 errors in the stack files",
    ]
    # validate reports the same mistake the same way
    code, out, _ = run(capsys, "validate", "--stack", "dev")
    assert code == 1 and out == err.splitlines()[0] + "\n"
