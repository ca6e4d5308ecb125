"""Which spec a stack uses: `apic-access:spec` in Pulumi.<stack>.yaml, else config/<stack>.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

NAMESPACE = "apic-access"


def stack_config(stack: str, project_dir: Path | None = None) -> dict[str, Any]:
    """The stack's config values (secure values stay encrypted: we never read them)."""
    path = (project_dir or Path.cwd()) / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return {}
    config = data.get("config") if isinstance(data, dict) else None
    return config if isinstance(config, dict) else {}


def config_value(stack: str, key: str, project_dir: Path | None = None) -> Any:
    config = stack_config(stack, project_dir)
    return config.get(f"{NAMESPACE}:{key}")


def spec_path(stack: str, project_dir: Path | None = None) -> Path:
    base = project_dir or Path.cwd()
    configured = config_value(stack, "spec", project_dir)
    if isinstance(configured, str) and configured:
        return base / configured if not Path(configured).is_absolute() else Path(configured)
    return base / "config" / f"{stack}.yaml"
