"""Folders the installed package carries besides its code: the policy pack Pulumi runs
(`apic-access policy-pack` prints it) and the project files `apic-access init` writes."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

# A folder Pulumi runs with `--policy-pack`, not a Python package: its modules import each
# other by plain name (`import validators`), as the policy host puts the folder on sys.path.
POLICY_PACK = HERE / "policy"

# The files of a new project, copied (and filled in) by `apic-access init`.
TEMPLATES = HERE / "templates"
