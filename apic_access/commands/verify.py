"""`apic-access verify`: live and read-only, does Azure hold what the spec asks for?"""

from __future__ import annotations

import argparse

from apic_access import options
from apic_access.commands import live_report


def add_arguments(v: argparse.ArgumentParser) -> None:
    options.stack(v)
    options.spec(v)
    options.formats(v, {"table": "for a terminal", "json": "for tools", "markdown": "for a pipeline summary"}, "table")
    options.subscription(v)
    options.output(v, "the report")


def run(args: argparse.Namespace) -> int:
    from apic_access.verify import FORMATS, exit_code, verify

    return live_report.run("verify", args, lambda spec, subscription: verify(spec, stack=args.stack, subscription=subscription), FORMATS, exit_code)
