"""azure-pipelines.yml: a pull request is validated, diffed and checked by `doctor` with the
read-only identity; main deploys every stack in deploy order, each verified, a failure
stopping the ones after it. The deploy script runs here against a fake `pulumi` and `az`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from apic_access.packaged import POLICY_PACK

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / "azure-pipelines.yml"


def pipeline() -> dict[str, Any]:
    return yaml.safe_load(PIPELINE.read_text())  # type: ignore[no-any-return]


def steps_of(stage: dict[str, Any]) -> list[dict[str, Any]]:
    (job,) = stage["jobs"]
    if "deployment" in job:
        return job["strategy"]["runOnce"]["deploy"]["steps"]  # type: ignore[no-any-return]
    return job["steps"]  # type: ignore[no-any-return]


def script_of(step: dict[str, Any]) -> str:
    return str(step.get("script") or step["inputs"]["inlineScript"])


def test_a_pull_request_is_validated_diffed_and_checked_by_doctor_read_only() -> None:
    doc = pipeline()
    assert doc["trigger"]["branches"] == doc["pr"]["branches"] == {"include": ["main"]}
    check, deploy = doc["stages"]
    assert (check["stage"], deploy["stage"]) == ("check", "deploy")
    assert check["condition"] == "eq(variables['Build.Reason'], 'PullRequest')"
    steps = steps_of(check)
    assert steps[0] == {"checkout": "self", "fetchDepth": 0}  # the target branch, for the diff
    names = [s.get("displayName") for s in steps[2:]]
    assert names == ["Install apic-access", "Validate every stack", "Plan diff against the target branch", "Doctor (read-only identity)"]
    install, validate, diff, doctor = steps[2:]
    assert ".venv/bin/python -m pip install --quiet -r requirements.txt" in script_of(install)
    assert ".venv/bin/apic-access stacks --format json > stacks.json" in script_of(validate)
    assert '.venv/bin/apic-access validate --stack "$stack"' in script_of(validate)
    assert '.venv/bin/apic-access stacks --format json --since "$base" > diffs.json' in script_of(diff)
    assert '.venv/bin/apic-access diff --base "$base" --stack "$stack" --format markdown --output "plan-$stack.md"' in script_of(diff)
    assert doctor["task"] == "AzureCLI@2"
    assert doctor["inputs"]["azureSubscription"] == "${{ parameters.previewConnection }}"
    assert '.venv/bin/apic-access doctor --stack "$stack"' in script_of(doctor)
    # the pull request never signs in as the deploy identity
    assert "deployConnection" not in yaml.safe_dump(check)


def test_main_deploys_with_the_deploy_identity_in_an_approved_environment() -> None:
    doc = pipeline()
    _, deploy = doc["stages"]
    assert deploy["dependsOn"] == []
    assert deploy["condition"] == "and(ne(variables['Build.Reason'], 'PullRequest'), eq(variables['Build.SourceBranch'], 'refs/heads/main'))"
    (job,) = deploy["jobs"]
    assert job["environment"] == "apic-access"
    steps = steps_of(deploy)
    up = steps[-1]
    assert up["task"] == "AzureCLI@2" and up["inputs"]["azureSubscription"] == "${{ parameters.deployConnection }}"
    assert up["env"] == {"PULUMI_ACCESS_TOKEN": "$(PULUMI_ACCESS_TOKEN)"}
    assert [p["name"] for p in doc["parameters"]] == ["deployConnection", "previewConnection"]


def test_the_backend_is_a_variable_of_the_group_pulumi_reads_itself() -> None:
    """PULUMI_BACKEND_URL (empty: Pulumi Cloud; azblob://...: a storage account) reaches every
    script from the variable group; Key Vault secrets providers sign in as `az` does."""
    doc = pipeline()
    assert doc["variables"] == [{"group": "apic-access"}, {"name": "AZURE_KEYVAULT_AUTH_VIA_CLI", "value": "true"}]
    text = PIPELINE.read_text()
    assert "azblob://<container>?storage_account=<account>" in text
    assert "pulumi login" not in "".join(script_of(s) for stage in doc["stages"] for s in steps_of(stage) if "script" in s or "inlineScript" in s.get("inputs", {}))


def fake_project(tmp_path: Path, pulumi_fails_for: str = "") -> tuple[Path, Path]:
    """A copy of the example project with fakes of the tools the deploy script calls: `az`,
    `pulumi` (logs its arguments) and `.venv/bin/apic-access` (the real CLI, but `verify`
    only logs and writes its report)."""
    project = tmp_path / "project"
    project.mkdir()
    for f in ROOT.glob("Pulumi*.yaml"):
        shutil.copy(f, project / f.name)
    shutil.copytree(ROOT / "config", project / "config")
    log = tmp_path / "calls.log"
    tools = tmp_path / "bin"
    tools.mkdir()
    venv_bin = project / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "python").symlink_to(sys.executable)
    scripts = {
        tools / "az": '#!/bin/sh\necho 00000000-0000-0000-0000-00000000aaaa\n',
        tools / "pulumi": f'#!/bin/sh\necho "pulumi $*" >> "{log}"\ncase "$*" in *"--stack {pulumi_fails_for} "*) exit 1;; esac\n',
        venv_bin / "apic-access": (
            "#!/bin/sh\n"
            f'if [ "$1" = verify ]; then echo "apic-access $*" >> "{log}"; echo ok > "$7"; exit 0; fi\n'
            f'PYTHONPATH="{ROOT}" exec "{sys.executable}" -m apic_access.cli "$@"\n'
        ),
    }
    for path, body in scripts.items():
        path.write_text(body)
        path.chmod(0o755)
    return project, log


def run_deploy(project: Path) -> subprocess.CompletedProcess[str]:
    script = script_of(steps_of(pipeline()["stages"][1])[-1])
    env = {**os.environ, "PATH": f"{project.parent / 'bin'}{os.pathsep}{os.environ['PATH']}", "idToken": "t", "servicePrincipalId": "sp", "tenantId": "tn"}
    return subprocess.run(["bash", "-c", script], cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_the_deploy_runs_each_stack_in_deploy_order_with_the_policy_pack(tmp_path: Path) -> None:
    project, log = fake_project(tmp_path)
    result = run_deploy(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert log.read_text().splitlines() == [
        f"pulumi up --stack dev --yes --parallel 10 --policy-pack {POLICY_PACK}",
        "apic-access verify --stack dev --format markdown --output verify-dev.md",
        f"pulumi up --stack prod --yes --parallel 10 --policy-pack {POLICY_PACK}",
        "apic-access verify --stack prod --format markdown --output verify-prod.md",
    ]
    assert [line for line in result.stdout.splitlines() if line.startswith("##vso")] == [
        f"##vso[task.uploadsummary]{project}/verify-dev.md",
        f"##vso[task.uploadsummary]{project}/verify-prod.md",
    ]


@pytest.mark.parametrize("failing", ["dev"])
def test_a_failed_stack_stops_the_stacks_after_it(tmp_path: Path, failing: str) -> None:
    project, log = fake_project(tmp_path, pulumi_fails_for=failing)
    result = run_deploy(project)
    assert result.returncode == 1
    assert log.read_text().splitlines() == [f"pulumi up --stack dev --yes --parallel 10 --policy-pack {POLICY_PACK}"]
