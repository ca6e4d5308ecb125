"""The package installs on its own: a built wheel, in a fresh virtualenv outside the checkout,
gives a working `apic-access` that validates and plans a copied example spec from an empty
folder, and puts no generic top-level import name (config, components) into site-packages.

The new virtualenv borrows the already-installed dependencies through a .pth path line (no
download of the Pulumi SDKs again); that path's own .pth files, the checkout's editable hook
among them, are not run, so what imports is the wheel alone.
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
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("install")
    wheels = work / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(ROOT)], check=True, capture_output=True)
    (wheel,) = wheels.glob("apic_access-*.whl")
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
