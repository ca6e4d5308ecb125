"""`apic-access init`: the project it writes validates and plans as it is, it never replaces
a file, and the pipelines it writes are the ones this repository runs."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from apic_access.cli import main
from apic_access.config.editor_schema import published_text
from apic_access.packaged import POLICY_PACK, TEMPLATES

ROOT = Path(__file__).resolve().parents[2]

PROJECT = [
    "Pulumi.yaml",
    "__main__.py",
    "requirements.txt",
    "Pulumi.dev.yaml",
    "config/dev.yaml",
    "config/apis/example-v1.yaml",
    "config/schema.json",
    ".gitignore",
]
GITHUB = [".github/workflows/pull-request.yml", ".github/workflows/deploy.yml"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def files_of(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under `folder`: modification time (ns) and content."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_init_writes_a_project_that_validates_and_plans(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "init", "--stack", "dev")
    assert (code, err) == (0, "")
    assert out.splitlines()[: len(PROJECT + GITHUB)] == [f"wrote {p}" for p in PROJECT + GITHUB]
    assert sorted(files_of(tmp_path)) == sorted(PROJECT + GITHUB)
    assert "apic-access validate --stack dev" in out and 'pulumi preview --stack dev --policy-pack "$(apic-access policy-pack)"' in out

    # the program is the installed package's, run in the virtualenv `pulumi install` makes
    project = yaml.safe_load((tmp_path / "Pulumi.yaml").read_text())
    assert project["name"] == "apic-access"
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}
    assert "from apic_access.components.program import run\n\nrun()\n" in (tmp_path / "__main__.py").read_text()
    requirement = [line for line in (tmp_path / "requirements.txt").read_text().splitlines() if line and not line.startswith("#")]
    assert requirement == [f"apic-access[deploy]=={importlib.metadata.version('apic-access')}"]
    assert yaml.safe_load((tmp_path / "Pulumi.dev.yaml").read_text()) == {"config": {"apic-access:spec": "config/dev.yaml", "azure-native:location": "westeurope"}}
    spec = (tmp_path / "config" / "dev.yaml").read_text()
    assert spec.startswith("# yaml-language-server: $schema=schema.json\n")
    assert (tmp_path / "config" / "schema.json").read_text() == published_text()
    assert ".venv/" in (tmp_path / ".gitignore").read_text().splitlines()
    # every section of the spec language is there, each with a comment above it
    sections = [line.split(":")[0] for line in spec.splitlines() if line and line[0].isalpha()]
    assert sections == ["specVersion", "apiCenter", "keyVault", "entraApps", "authConfigs", "environments", "apis", "portal"]
    lines = spec.splitlines()
    for section in sections[1:]:
        assert lines[lines.index(f"{section}:") - 1].startswith("# "), section

    code, out, err = run(capsys, "validate", "--stack", "dev")
    assert (code, out) == (0, "")
    assert err.startswith("config/dev.yaml: valid (stack dev): API center apis-dev, 2 auth configs, 1 API, 1 version, 2 bindings,")
    assert err.rstrip().endswith(", 0 warnings")
    code, out, err = run(capsys, "plan", "--stack", "dev", "--format", "json", "-q")
    assert code == 0, out + err
    assert '"type": "azure-native:apicenter:Service"' in out and '"type": "pulumi-python:dynamic/apicenter:DefinitionImport"' in out
    code, out, _ = run(capsys, "secrets", "--stack", "dev")
    assert (code, out) == (1, "stack dev: 1 of 1 secret config value to set:\n  pulumi config set --secret --stack dev apic-access:exampleApiKey <value>\n")


def test_a_second_init_changes_no_file_and_says_what_exists(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "init", "--dir", str(tmp_path))[0] == 0
    before = files_of(tmp_path)
    code, out, err = run(capsys, "init", "--dir", str(tmp_path))
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"exists, left as it is: {p}" for p in PROJECT + GITHUB] + [f"nothing to write: {tmp_path} already holds every file init makes"]
    assert files_of(tmp_path) == before


def test_init_in_an_existing_repository_adds_only_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "README.md").write_text("# our APIs\n")
    (tmp_path / ".gitignore").write_text("node_modules/\n")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "dev.yaml").write_text("specVersion: 1\n")  # the team's own spec, kept
    before = files_of(tmp_path)
    code, out, _ = run(capsys, "init", "--dir", str(tmp_path), "--ci", "none")
    assert code == 0
    lines = out.splitlines()
    assert "exists, left as it is: config/dev.yaml" in lines and "exists, left as it is: .gitignore" in lines
    assert "note: .gitignore does not ignore .venv/, the virtualenv `pulumi install` makes: add a line `.venv/`" in lines
    assert [line for line in lines if line.startswith("wrote ")] == [f"wrote {p}" for p in PROJECT if p not in ("config/dev.yaml", ".gitignore")]
    after = files_of(tmp_path)
    assert {k: v for k, v in after.items() if k in before} == before
    assert not (tmp_path / ".github").exists() and not (tmp_path / "azure-pipelines.yml").exists()


def test_init_for_azure_devops_and_another_stack(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "init", "--dir", str(tmp_path / "new" / "project"), "--ci", "azure-devops", "--stack", "staging")
    assert code == 0
    written = sorted(files_of(tmp_path / "new" / "project"))
    assert written == sorted([p.replace("dev", "staging") for p in PROJECT] + ["azure-pipelines.yml"])
    assert f"  cd {tmp_path / 'new' / 'project'}" in out.splitlines()
    stack_file = yaml.safe_load((tmp_path / "new" / "project" / "Pulumi.staging.yaml").read_text())
    assert stack_file["config"]["apic-access:spec"] == "config/staging.yaml"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stack", "dev/prod"], "apic-access init: --stack 'dev/prod' is not a stack name: use letters, digits, '-', '_' and '.', starting with a letter or digit\n"),
        (["--stack", "-x"], None),  # argparse: an option, not a value
    ],
)
def test_a_stack_name_pulumi_refuses_is_refused_first(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str | None) -> None:
    if message is None:
        with pytest.raises(SystemExit) as exit_:
            main(["init", "--dir", str(tmp_path), *args])
        assert exit_.value.code == 2
    else:
        code, out, err = run(capsys, "init", "--dir", str(tmp_path), *args)
        assert (code, out, err) == (2, "", message)
    assert list(tmp_path.iterdir()) == []


def test_a_file_given_as_the_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x").write_text("")
    code, out, err = run(capsys, "init", "--dir", str(tmp_path / "x"))
    assert (code, out, err) == (2, "", f"apic-access init: --dir {tmp_path / 'x'} is a file, not a folder: give the project's folder\n")


def test_the_repository_runs_the_pipelines_init_writes() -> None:
    """One copy of each pipeline: what a new project gets is what this repository runs."""
    for name in ("deploy.yml", "pull-request.yml"):
        assert (ROOT / ".github" / "workflows" / name).read_text() == (TEMPLATES / "github" / name).read_text(), name
    assert (ROOT / "azure-pipelines.yml").read_text() == (TEMPLATES / "azure-pipelines.yml").read_text()


def test_the_repositorys_requirements_are_uv_lock_exported() -> None:
    """requirements.txt (what `pulumi install` and the pipelines install here) pins what uv.lock
    pins, with the deploy extra: `make requirements.txt` after `uv lock`."""
    uv = ROOT / ".venv" / "bin" / "uv"
    exported = subprocess.run(
        [str(uv), "export", "--frozen", "--extra", "deploy", "--no-hashes", "--no-annotate", "--quiet"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert (ROOT / "requirements.txt").read_text() == exported
    pins = {line.split("==")[0] for line in exported.splitlines() if "==" in line}
    assert {"pulumi", "pulumi-azure-native", "pulumi-azuread", "pulumi-policy"} <= pins


def test_policy_pack_prints_the_packaged_folder(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.delenv("PULUMI_PYTHON_CMD", raising=False)
    code, out, err = run(capsys, "policy-pack")
    assert (code, out, err) == (0, f"{POLICY_PACK}\n", "")
    assert {p.name for p in POLICY_PACK.iterdir() if p.is_file()} >= {"PulumiPolicy.yaml", "__main__.py", "policies.py", "validators.py", "requirements.txt"}
    assert "virtualenv" not in yaml.safe_load((POLICY_PACK / "PulumiPolicy.yaml").read_text())["runtime"]["options"]


def test_policy_pack_says_when_pulumi_would_run_another_python(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "bin"
    other.mkdir()
    (other / "python3").write_text("#!/bin/sh\n")
    (other / "python3").chmod(0o755)
    monkeypatch.setenv("PATH", str(other))
    monkeypatch.delenv("PULUMI_PYTHON_CMD", raising=False)
    code, out, err = run(capsys, "policy-pack")
    assert (code, out) == (0, f"{POLICY_PACK}\n")
    here = Path(sys.executable).parent
    assert err == (
        f"note: Pulumi runs the pack with the python first on PATH ({other / 'python3'}), not the one apic-access is installed in ({here}): "
        f"activate that environment (or set PULUMI_PYTHON_CMD={sys.executable}) before running pulumi\n"
    )


def test_a_stack_initialized_with_a_key_vault_secrets_provider_still_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`pulumi stack init --secrets-provider azurekeyvault://...` writes two top-level keys
    into the stack file (docs/pipelines.md tells to commit them): validate and stacks read on."""
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "init", "--ci", "none")[0] == 0
    with open("Pulumi.dev.yaml", "a", encoding="utf-8") as stack_file:
        stack_file.write("secretsprovider: azurekeyvault://kv-contoso-pulumi.vault.azure.net/keys/pulumi-state\nencryptedkey: ZW5jcnlwdGVkIGRhdGEga2V5\n")
    code, out, err = run(capsys, "validate", "--stack", "dev")
    assert (code, out) == (0, ""), err
    assert run(capsys, "stacks") == (0, "dev\tconfig/dev.yaml\torder 10 (name dev*)\n", "")


def test_a_folder_it_cannot_write_is_said_in_full(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "config").write_text("a file where init makes a folder")
    code, out, err = run(capsys, "init", "--dir", str(tmp_path), "--ci", "none")
    assert (code, err) == (1, "")
    assert out == (
        f"apic-access init: cannot write {tmp_path / 'config' / 'dev.yaml'}: {tmp_path / 'config'} is a file, where init makes a folder "
        "(written so far: Pulumi.yaml, __main__.py, requirements.txt, Pulumi.dev.yaml)\n"
    )
