"""`apic-access verify`: live and read-only, does Azure hold what the spec asks for?"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from apic_access import options
from apic_access.azure.client import AzureError
from apic_access.config.errors import SpecError
from apic_access.live import UsageError, subscription_of
from apic_access.stacks import spec_path
from apic_access.verify import FORMATS, exit_code, verify


def add_arguments(v: argparse.ArgumentParser) -> None:
    options.stack(v)
    options.spec(v)
    options.formats(v, {"table": "for a terminal", "json": "for tools", "markdown": "for a pipeline summary"}, "table")
    options.subscription(v)
    options.output(v, "the report")


def run(args: argparse.Namespace) -> int:
    path = Path(args.spec) if args.spec else spec_path(args.stack)
    try:
        subscription = subscription_of(args.subscription, args.stack)
    except UsageError as exc:
        print(f"apic-access verify: {exc}", file=sys.stderr)
        return 2
    try:
        report = verify(path, stack=args.stack, subscription=subscription)
    except SpecError as exc:
        for problem in exc.problems:
            print(problem)
        return 1
    except AzureError as exc:
        print(f"apic-access verify: {exc}", file=sys.stderr)
        return 3
    text = FORMATS[args.format](report)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return exit_code(report)
