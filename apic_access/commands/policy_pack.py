"""`apic-access policy-pack`: the folder of the policy pack installed with apic-access, for
`pulumi preview --policy-pack "$(apic-access policy-pack)"`."""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
from pathlib import Path

from apic_access.packaged import POLICY_PACK


def add_arguments(p: argparse.ArgumentParser) -> None:
    pass


def _python_pulumi_runs() -> str | None:
    """The Python Pulumi runs a pack with that names no virtualenv: PULUMI_PYTHON_CMD, else
    python3, else python, looked up on PATH."""
    command = os.environ.get("PULUMI_PYTHON_CMD")
    if command:
        return shutil.which(command)
    return shutil.which("python3") or shutil.which("python")


def run(args: argparse.Namespace) -> int:
    print(POLICY_PACK)
    if importlib.util.find_spec("pulumi_policy") is None:
        # the folder alone is not enough: the pack imports pulumi_policy where it runs
        print("apic-access policy-pack: the pack needs pulumi-policy, which this install of apic-access leaves out: pip install 'apic-access[deploy]'", file=sys.stderr)
        return 2
    python = _python_pulumi_runs()
    here = Path(sys.executable).parent
    if python is None or Path(python).parent.absolute() != here.absolute():
        found = python or "no python on PATH"
        print(
            f"note: Pulumi runs the pack with the python first on PATH ({found}), not the one apic-access is installed in ({here}): "
            f"activate that environment (or set PULUMI_PYTHON_CMD={sys.executable}) before running pulumi",
            file=sys.stderr,
        )
    return 0
