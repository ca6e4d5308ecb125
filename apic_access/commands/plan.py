"""`apic-access plan`: what `pulumi up` would create, recorded offline."""

from __future__ import annotations

import argparse
from pathlib import Path

from apic_access import options
from apic_access import plan as plan_mod
from apic_access.progress import Progress
from apic_access.recorded import recording_for
from apic_access.stacks import spec_path


def add_arguments(p: argparse.ArgumentParser) -> None:
    options.stack(p)
    options.spec(p)
    options.formats(p, {"table": "for a terminal", "json": "for tools", "markdown": "for a pull request comment"}, "table")
    options.output(p, "the plan")
    options.quiet(p)


def run(args: argparse.Namespace) -> int:
    with Progress("plan", quiet=args.quiet) as progress:
        rec = recording_for(Path(args.spec) if args.spec else spec_path(args.stack), args.stack, progress=progress)
    text = {"json": plan_mod.dumps, "markdown": plan_mod.to_markdown, "table": plan_mod.to_table}[args.format](rec)
    options.write(text, args.output)
    return 0
