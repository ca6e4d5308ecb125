"""`apic-access access`: live and read-only, who can read each binding's credentials, and how."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from apic_access import options
from apic_access.azure.client import AzureError
from apic_access.config.errors import SpecError
from apic_access.errors import CommandError
from apic_access.live import UsageError, subscription_of
from apic_access.stacks import spec_path


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

    path = Path(args.spec) if args.spec else spec_path(args.stack)
    try:
        subscription = subscription_of(args.subscription, args.stack)
    except UsageError as exc:
        print(f"apic-access access: {exc}", file=sys.stderr)
        return 2
    try:
        report = access_report(path, stack=args.stack, subscription=subscription, expand_groups=args.expand_groups)
    except SpecError as exc:
        for problem in exc.problems:
            print(problem)
        return 1
    except AzureError as exc:
        print(f"apic-access access: {exc}", file=sys.stderr)
        return 3
    except CommandError as exc:
        print(f"apic-access access: {exc}", file=sys.stderr)
        return exc.code
    options.write(FORMATS[args.format](report), args.output)
    return exit_code(report)
