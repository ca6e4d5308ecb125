"""`apic-access stacks`: the project's stacks in deploy order, with their specs."""

from __future__ import annotations

import argparse
import json
import sys

from apic_access import options
from apic_access.config.errors import plural


def add_arguments(st: argparse.ArgumentParser) -> None:
    options.formats(st, {"text": "STACK, SPEC, order", "json": '[{"stack": ..., "spec": ...}] for a workflow matrix'}, "text")
    st.add_argument(
        "--since",
        metavar="REV",
        help='also the stacks whose stack file exists at this git revision but not here, last (json: {"stack": ..., "removed": true}), '
        "for a pull request's plan diff (default: only the stack files here)",
    )


def run(args: argparse.Namespace) -> int:
    """The project's stacks in deploy order; json: what the workflows' matrices read."""
    from apic_access.stacks import discover, project_folder

    project = project_folder()
    if not (project / "Pulumi.yaml").is_file():
        print(f"apic-access stacks: no Pulumi.yaml in {project} or a folder above it: run it inside the Pulumi project", file=sys.stderr)
        return 2
    found, problems = discover(project)
    if problems:  # stdout stays empty: a workflow must never read half a list
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"apic-access stacks: {plural(len(problems), 'error')} in the stack files", file=sys.stderr)
        return 1
    removed: list[str] = []
    if args.since is not None:
        from apic_access import revisions

        try:
            removed = revisions.removed_since(args.since)
        except revisions.RevisionError as exc:
            print(f"apic-access stacks: {exc}", file=sys.stderr)
            return 2
    if args.format == "json":
        print(json.dumps([*({"stack": s.name, "spec": s.spec} for s in found), *({"stack": name, "removed": True} for name in removed)]))
    else:
        for s in found:
            print(f"{s.name}\t{s.spec}\torder {s.order} ({s.why})")
        for name in removed:
            print(f"{name}\t(Pulumi.{name}.yaml deleted since {args.since})")
    return 0
