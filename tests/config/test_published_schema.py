"""Editors read config/schema.json beside the example specs (`# yaml-language-server: $schema=schema.json`);
the validator reads the packaged copy. They are the same file."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_published_schema_is_the_packaged_one() -> None:
    published = (ROOT / "config" / "schema.json").read_bytes()
    packaged = (ROOT / "apic_access" / "config" / "schema.json").read_bytes()
    assert published == packaged, "copy apic_access/config/schema.json to config/schema.json"
