"""`apic-access access`: live and read-only, who can read each binding's credentials, and how."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from apic_access import options
from apic_access.commands import live_report


def add_arguments(p: argparse.ArgumentParser) -> None:
    options.stack(p)
    options.spec(p)
    p.add_argument(
        "--expand-groups",
        action="store_true",
        help="also list each group's members, nested groups included, marked 'via group X' (Graph transitiveMembers; default: groups as they are assigned)",
    )
    options.formats(p, {"table": "for a terminal", "json": "for tools", "markdown": "for a pipeline summary", "csv": "for a spreadsheet"}, "table")
    options.subscription(p)
    options.output(p, "the report")


def run(args: argparse.Namespace) -> int:
    from apic_access.access.report import FORMATS, access_report, exit_code

    def make(spec: Path, subscription: str) -> Any:
        return access_report(spec, stack=args.stack, subscription=subscription, expand_groups=args.expand_groups)

    return live_report.run("access", args, make, FORMATS, exit_code)
