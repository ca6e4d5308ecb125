"""The package installs on its own: a built wheel, in a fresh virtualenv outside the checkout,
gives a working `apic-access` that validates and plans a copied example spec from an empty
folder, and puts no generic top-level import name (config, components) into site-packages.

The new virtualenv borrows the already-installed dependencies through a .pth path line (no
download of the Pulumi SDKs again); that path's own .pth files, the checkout's editable hook
among them, are not run, so what imports is the wheel alone.

A second, light virtualenv gets the wheel without its `deploy` extra: only the dependencies
uv.lock pins for validating, installed offline from uv's cache (`make install` filled it with
exactly these versions), so it holds no Pulumi SDK at all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheels = tmp_path_factory.mktemp("wheels")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(ROOT)], check=True, capture_output=True)
    (built,) = wheels.glob("apic_access-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    work = tmp_path_factory.mktemp("install")
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], check=True, capture_output=True, text=True).stdout.strip())
    (purelib / "zz_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--ignore-installed", str(wheel)], check=True, capture_output=True)
    return env_dir


def _site(env_dir: Path) -> Path:
    (site,) = (env_dir / "lib").glob("python*/site-packages")
    return site


def run(env_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(env_dir / "bin" / "apic-access"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


def test_no_generic_top_level_names(installed: Path) -> None:
    site = _site(installed)
    assert (site / "apic_access" / "config" / "schema.json").is_file()
    assert (site / "apic_access" / "components" / "program.py").is_file()
    assert not (site / "config").exists() and not (site / "components").exists()


def test_version_validate_and_plan_from_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "somewhere"
    folder.mkdir()
    shutil.copy(ROOT / "config" / "dev.yaml", folder / "dev.yaml")
    shutil.copytree(ROOT / "config" / "apis", folder / "apis")
    version = run(installed, folder, "--version")
    assert version.returncode == 0 and version.stdout.startswith("apic-access ")
    validate = run(installed, folder, "validate", "--stack", "dev", "dev.yaml")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "dev.yaml: valid (stack dev)" in validate.stderr
    plan = run(installed, folder, "plan", "--stack", "dev", "dev.yaml", "--format", "json")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert '"azure-native:apicenter:Service"' in plan.stdout


def test_the_wheel_carries_the_policy_pack_and_the_project_templates(installed: Path, tmp_path: Path) -> None:
    site = _site(installed)
    pack = site / "apic_access" / "policy"
    assert {p.name for p in pack.iterdir() if p.is_file()} == {"PulumiPolicy.yaml", "README.md", "__main__.py", "policies.py", "requirements.txt", "validators.py"}
    printed = run(installed, tmp_path, "policy-pack")
    assert (printed.returncode, printed.stdout) == (0, f"{pack}\n")
    templates = {p.relative_to(site / "apic_access" / "templates").as_posix() for p in (site / "apic_access" / "templates").rglob("*") if p.is_file()}
    assert {"Pulumi.yaml", "spec.yaml", "github/deploy.yml", "github/pull-request.yml", "azure-pipelines.yml", "gitignore"} <= templates


def _files(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_init_validate_and_plan_in_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "new-project"
    folder.mkdir()
    init = run(installed, folder, "init", "--stack", "dev")
    assert (init.returncode, init.stderr) == (0, "")
    assert "wrote Pulumi.yaml" in init.stdout.splitlines() and "wrote config/dev.yaml" in init.stdout.splitlines()
    validate = run(installed, folder, "validate", "--stack", "dev")
    assert (validate.returncode, validate.stdout) == (0, ""), validate.stderr
    assert validate.stderr.startswith("config/dev.yaml: valid (stack dev): API center apis-dev,")
    plan = run(installed, folder, "plan", "--stack", "dev", "--format", "json", "-q")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert '"type": "azure-native:apicenter:Service"' in plan.stdout
    before = _files(folder)
    again = run(installed, folder, "init", "--stack", "dev")
    assert again.returncode == 0
    assert again.stdout.splitlines()[0] == "exists, left as it is: Pulumi.yaml"
    assert again.stdout.splitlines()[-1] == "nothing to write: this folder already holds every file init makes"
    assert _files(folder) == before


@pytest.fixture(scope="module")
def light(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """The wheel without the deploy extra: uv.lock's pins for the rest, from uv's cache."""
    work = tmp_path_factory.mktemp("light")
    uv = ROOT / ".venv" / "bin" / "uv"
    pins = work / "requirements.txt"
    exported = subprocess.run(
        [str(uv), "export", "--frozen", "--no-hashes", "--no-annotate", "--no-header", "--no-emit-project"], cwd=ROOT, check=True, capture_output=True, text=True
    )
    pins.write_text(exported.stdout)
    env_dir = work / "venv"
    subprocess.run([str(uv), "venv", "--quiet", "--python", sys.executable, str(env_dir)], check=True, capture_output=True)
    subprocess.run(
        [str(uv), "pip", "install", "--quiet", "--offline", "--no-deps", "--python", str(env_dir / "bin" / "python"), "-r", str(pins), str(wheel)],
        check=True,
        capture_output=True,
    )
    return env_dir


def test_without_the_deploy_extra_validate_works_and_plan_says_what_to_install(light: Path, tmp_path: Path) -> None:
    site = _site(light)
    assert not [p.name for p in site.iterdir() if p.name.startswith("pulumi")]
    folder = tmp_path / "ci-job"
    folder.mkdir()
    assert run(light, folder, "init", "--stack", "dev").returncode == 0
    for light_command in (["validate", "--stack", "dev"], ["stacks"], ["schema"]):
        result = run(light, folder, *light_command)
        assert result.returncode == 0, (light_command, result.stdout + result.stderr)
    secrets = run(light, folder, "secrets", "--stack", "dev")
    assert (secrets.returncode, secrets.stderr) == (1, "")  # one secret to set: listed, no traceback
    needs = "needs the Pulumi SDKs (no module named 'pulumi'), which this install of apic-access leaves out: pip install 'apic-access[deploy]'"
    for command in ("plan", "diff", "graph", "verify"):
        result = run(light, folder, command, "--stack", "dev")
        assert (result.returncode, result.stdout) == (2, ""), command
        assert result.stderr == f"apic-access {command}: {needs} (validate, schema, stacks, secrets and init work without them)\n"
    pack = run(light, folder, "policy-pack")
    assert pack.returncode == 2
    assert pack.stderr == "apic-access policy-pack: the pack needs pulumi-policy, which this install of apic-access leaves out: pip install 'apic-access[deploy]'\n"
