"""`apic-access secrets`: the secret config a stack still needs, read from Pulumi.<stack>.yaml
without reading a value; `--version`."""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path

import pytest

from apic_access.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "config", tmp_path / "config")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_lists_the_missing_and_the_plain_ones(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "Pulumi.dev.yaml").write_text(
        "config:\n  apic-access:petstoreApiKey:\n    secure: v1:AAAAencrypted\n  apic-access:partnerClientSecret: in-plain-text\n", encoding="utf-8"
    )
    assert main(["secrets", "--stack", "dev"]) == 1
    out = capsys.readouterr().out
    assert out == (
        "stack dev: 1 of 2 secret config values to set:\n"
        "  pulumi config set --secret --stack dev apic-access:partnerClientSecret <value>  # set in plain text: set it again as a secret\n"
    )
    assert "in-plain-text" not in out and "AAAA" not in out


def test_all_set_is_exit_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "Pulumi.dev.yaml").write_text(
        "config:\n  apic-access:petstoreApiKey: {secure: v1:x}\n  apic-access:partnerClientSecret: {secure: v1:y}\n", encoding="utf-8"
    )
    assert main(["secrets", "--stack", "dev"]) == 0
    assert capsys.readouterr().out == "stack dev: all 2 secret config values set\n"


def test_no_stack_file_lists_every_secret(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["secrets", "--stack", "dev"]) == 1
    assert capsys.readouterr().out.count("pulumi config set --secret --stack dev apic-access:") == 2


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"apic-access {importlib.metadata.version('apic-access')}\n"
