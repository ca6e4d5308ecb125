"""`apic-access schema`: the spec's JSON Schema as editors read it."""

from __future__ import annotations

import argparse
import sys


def add_arguments(p: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    from apic_access.config.editor_schema import published_text  # complete specs and overlays alike

    sys.stdout.write(published_text())
    return 0
