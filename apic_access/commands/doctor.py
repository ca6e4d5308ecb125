"""`apic-access doctor`: live and read-only, what in Azure and Entra would stop `pulumi up`."""

from __future__ import annotations

import argparse

from apic_access import options
from apic_access.commands import live_report


def add_arguments(p: argparse.ArgumentParser) -> None:
    options.stack(p)
    options.spec(p)
    options.subscription(p)
    options.formats(
        p,
        {"table": "for a terminal", "json": "for tools", "markdown": "for a pipeline summary", "github": "GitHub Actions ::error/::warning annotations"},
        "table",
    )
    options.output(p, "the report")


def run(args: argparse.Namespace) -> int:
    from apic_access.doctor import FORMATS, doctor, exit_code

    return live_report.run("doctor", args, lambda spec, subscription: doctor(spec, stack=args.stack, subscription=subscription), FORMATS, exit_code)
