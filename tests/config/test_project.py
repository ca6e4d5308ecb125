"""The project boundary: a spec, its `extends` chain and its definition files stay inside
the project (config/project.py). One test per rule, asserting the whole line `validate`
prints; each project is a throwaway folder with `Pulumi.yaml` at its root."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from apic_access.config.errors import SpecError
from apic_access.config.project import project_root
from apic_access.config.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = (ROOT / "config" / "apis" / "petstore-v1.yaml").read_text(encoding="utf-8")
MIN = "specVersion: 1\napiCenter:\n  name: apis-${stack}\n  resourceGroup: rg-apis\n  location: eastus\n"
# a definition's `file:` value stands on line 17, column 19
WITH_FILE = MIN + (
    "apis:\n"
    "  petstore:\n"
    "    title: Petstore\n"
    "    kind: rest\n"
    "    versions:\n"
    "      v1-0:\n"
    "        title: v1\n"
    "        lifecycleStage: production\n"
    "        definitions:\n"
    "          openapi:\n"
    "            title: OpenAPI\n"
    "            file: {file}\n"
)
AT_FILE = "config/spec.yaml:17:19: apis.petstore.versions.v1-0.definitions.openapi.file: "
ESCAPES = "move the file into the project and give its path relative to the spec file"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (with Pulumi.yaml) inside tmp_path; tmp_path/secrets is outside it."""
    root = tmp_path / "project"
    (root / "config").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: throwaway\nruntime: python\n", encoding="utf-8")
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "creds.yaml").write_text("openapi: 3.0.3\ninfo: {title: stolen, version: '1'}\npaths: {}\n", encoding="utf-8")
    monkeypatch.chdir(root)  # problems name files relative to the working directory
    return root


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(spec: Path) -> list[str]:
    with pytest.raises(SpecError) as exc:
        load_spec(spec)
    return [str(p) for p in exc.value.problems]


def test_extends_by_absolute_path_is_refused(project: Path) -> None:
    secret = project.parent / "secrets" / "creds.yaml"
    spec = write(project / "config" / "spec.yaml", f"specVersion: 1\nextends: {secret}\n")
    assert problems(spec) == [
        f"config/spec.yaml:2:10: extends: '{secret}' is an absolute path: a spec may only read files inside the project (.): "
        "move the base spec into the project and give its path relative to this file"
    ]


def test_extends_climbing_out_is_refused(project: Path) -> None:
    spec = write(project / "config" / "spec.yaml", "specVersion: 1\nextends: ../../secrets/creds.yaml\n")
    assert problems(spec) == [
        "config/spec.yaml:2:10: extends: '../../secrets/creds.yaml' climbs out of the project (.): "
        "move the base spec into the project and give its path relative to this file"
    ]


def test_extends_through_a_symlink_pointing_out_is_refused(project: Path) -> None:
    os.symlink(project.parent / "secrets" / "creds.yaml", project / "config" / "base.yaml")
    spec = write(project / "config" / "spec.yaml", "specVersion: 1\nextends: base.yaml\n")
    assert problems(spec) == [
        "config/spec.yaml:2:10: extends: 'base.yaml' is, or goes through, a symbolic link pointing out of the project (.): "
        "move the base spec into the project and give its path relative to this file"
    ]


def test_a_base_in_a_sibling_folder_of_the_project_is_accepted(project: Path) -> None:
    write(project / "shared" / "base.yaml", MIN)
    spec = write(project / "config" / "spec.yaml", "specVersion: 1\nextends: ../shared/base.yaml\napiCenter: {location: westeurope}\n")
    assert load_spec(spec, stack="qa").spec.api_center.location == "westeurope"


def test_definition_file_by_absolute_path_is_refused(project: Path) -> None:
    secret = project.parent / "secrets" / "creds.yaml"
    spec = write(project / "config" / "spec.yaml", WITH_FILE.replace("{file}", str(secret)))
    assert problems(spec) == [f"{AT_FILE}'{secret}' is an absolute path: a spec may only read files inside the project (.): {ESCAPES}"]


def test_definition_file_climbing_out_is_refused(project: Path) -> None:
    spec = write(project / "config" / "spec.yaml", WITH_FILE.replace("{file}", "../../secrets/creds.yaml"))
    assert problems(spec) == [f"{AT_FILE}'../../secrets/creds.yaml' climbs out of the project (.): {ESCAPES}"]


def test_definition_file_through_a_symlink_pointing_out_is_refused(project: Path) -> None:
    (project / "apis").mkdir()
    os.symlink(project.parent / "secrets", project / "apis" / "linked")  # a linked folder, this time
    spec = write(project / "config" / "spec.yaml", WITH_FILE.replace("{file}", "../apis/linked/creds.yaml"))
    assert problems(spec) == [
        f"{AT_FILE}'../apis/linked/creds.yaml' is, or goes through, a symbolic link pointing out of the project (.): {ESCAPES}"
    ]


def test_definition_file_in_a_sibling_folder_is_accepted(project: Path) -> None:
    write(project / "apis" / "petstore.yaml", OPENAPI)
    spec = write(project / "config" / "spec.yaml", WITH_FILE.replace("{file}", "../apis/petstore.yaml"))
    definition = load_spec(spec).spec.apis["petstore"].versions["v1-0"].definitions["openapi"]
    assert definition.file == str((project / "apis" / "petstore.yaml").resolve())


def test_a_symlink_that_stays_inside_is_accepted(project: Path) -> None:
    write(project / "apis" / "petstore.yaml", OPENAPI)
    os.symlink(project / "apis" / "petstore.yaml", project / "config" / "petstore.yaml")
    spec = write(project / "config" / "spec.yaml", WITH_FILE.replace("{file}", "petstore.yaml"))
    assert load_spec(spec).spec.apis["petstore"].versions["v1-0"].definitions["openapi"].file is not None


def test_a_base_s_definition_file_is_checked_against_the_same_project(project: Path) -> None:
    base = write(project / "shared" / "base.yaml", WITH_FILE.replace("{file}", "../../secrets/creds.yaml"))
    spec = write(project / "config" / "spec.yaml", "specVersion: 1\nextends: ../shared/base.yaml\n")
    assert base.exists()
    assert problems(spec) == [
        f"shared/base.yaml:17:19: apis.petstore.versions.v1-0.definitions.openapi.file: '../../secrets/creds.yaml' climbs out of the project (.): {ESCAPES}"
    ]


def test_the_spec_itself_linked_from_outside_is_refused(project: Path) -> None:
    write(project.parent / "secrets" / "spec.yaml", MIN)
    os.symlink(project.parent / "secrets" / "spec.yaml", project / "config" / "spec.yaml")
    assert problems(project / "config" / "spec.yaml") == [
        "config/spec.yaml:1:1: (top level): the spec is, or goes through, a symbolic link pointing out of the project (.): "
        "a spec may only read files inside its project; put the spec itself there"
    ]


def test_the_project_is_the_nearest_pulumi_yaml_then_git_then_the_spec_folder(tmp_path: Path) -> None:
    for name, pulumi_yaml in (("repo", False), ("infra-repo", True)):
        (tmp_path / name / "infra" / "config").mkdir(parents=True)
        subprocess.run(["git", "init", "-q", str(tmp_path / name)], check=True)
        if pulumi_yaml:
            (tmp_path / name / "infra" / "Pulumi.yaml").write_text("name: x\n", encoding="utf-8")
    assert project_root(tmp_path / "repo" / "infra" / "config" / "dev.yaml") == tmp_path / "repo"  # the git work tree
    assert project_root(tmp_path / "infra-repo" / "infra" / "config" / "dev.yaml") == tmp_path / "infra-repo" / "infra"  # Pulumi.yaml first
    (tmp_path / "alone").mkdir()
    assert project_root(tmp_path / "alone" / "dev.yaml") == tmp_path / "alone"  # neither: the spec's own folder


def test_a_path_holding_a_nul_character_is_refused_as_such(project: Path) -> None:
    """Found by the fuzz: the operating system refuses to look such a path up at all."""
    spec = write(project / "config" / "spec.yaml", 'specVersion: 1\nextends: "base\\0.yaml"\n')
    assert problems(spec) == [
        "config/spec.yaml:2:10: extends: 'base\x00.yaml' holds a NUL character, which no file name can: write the path of a file inside "
        "the project (.): move the base spec into the project and give its path relative to this file"
    ]
