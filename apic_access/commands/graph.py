"""`apic-access graph`: the resource graph, as dot, mermaid or svg."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from apic_access import graph as graph_mod
from apic_access import options
from apic_access.errors import CommandError
from apic_access.progress import Progress
from apic_access.recorded import recording_for
from apic_access.stacks import spec_path


def add_arguments(g: argparse.ArgumentParser) -> None:
    options.stack(g)
    options.spec(g)
    options.formats(
        g, {"dot": "Graphviz source", "mermaid": "for markdown that renders Mermaid (GitHub does)", "svg": "an image (needs Graphviz's `dot`)"}, "dot"
    )
    options.output(g, "the graph")
    options.quiet(g)


def run(args: argparse.Namespace) -> int:
    with Progress("graph", quiet=args.quiet) as progress:
        rec = recording_for(Path(args.spec) if args.spec else spec_path(args.stack), args.stack, progress=progress)
    if args.format == "svg":
        try:
            data = graph_mod.to_svg(rec)
        except graph_mod.GraphvizMissing as exc:
            raise CommandError(str(exc), 2) from None
        if not args.output:
            sys.stdout.buffer.write(data)
        else:
            Path(args.output).write_bytes(data)
        return 0
    options.write(graph_mod.to_dot(rec) if args.format == "dot" else graph_mod.to_mermaid(rec), args.output)
    return 0
