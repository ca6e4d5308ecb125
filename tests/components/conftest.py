"""Helpers for running the real program under Pulumi mocks (through the recording engine)."""

from __future__ import annotations

from pathlib import Path

import pytest

from apic_access.recorder import Recording, record

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def dev_plan() -> Recording:
    return record(ROOT / "config" / "dev.yaml", stack="dev")


def write_spec(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
