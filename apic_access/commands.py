"""plan, diff, graph and import-ids: the offline commands built on the recording engine."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from config.errors import SpecError
from config.spec import load_spec

from . import diff as diff_mod
from . import graph as graph_mod
from . import import_ids
from . import plan as plan_mod
from .recorder import Recording, record
from .stacks import config_value, spec_path


class CommandError(Exception):
    """A user-facing failure with exit code 1 (bad spec) or 2 (usage)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def _checked(path: Path, stack: str) -> None:
    try:
        loaded = load_spec(path, stack=stack)
    except SpecError as exc:
        raise CommandError(str(exc)) from None
    for warning in loaded.warnings:
        print(warning, file=sys.stderr)


def recording_for(path: Path, stack: str) -> Recording:
    """Validate first (problems are reported like `validate`), then record the program with
    the stack's non-secret settings (shard, platform stack) from Pulumi.<stack>.yaml."""
    _checked(path, stack)
    config = {f"apic-access:{k}": str(v) for k in ("shard", "platformStack") if (v := config_value(stack, k)) is not None}
    return record(path, stack=stack, config=config)


def materialize(ref: str, workdir: Path) -> Path:
    """A spec argument: a file, or REV:PATH from git (its folder is extracted, so `extends`
    and definition files resolve as they did at that revision)."""
    if Path(ref).is_file() or ":" not in ref:
        return Path(ref)
    rev, path = ref.split(":", 1)
    folder = str(Path(path).parent)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        tar = subprocess.run(["git", "archive", "--format=tar", rev, "--", folder], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(workdir)], input=tar, check=True, capture_output=True)
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        detail = exc.stderr.decode(errors="replace").strip() if isinstance(exc, subprocess.CalledProcessError) and exc.stderr else str(exc)
        raise CommandError(f"cannot read '{ref}' from git: {detail}", 2) from None
    return workdir / path


def cmd_plan(args: argparse.Namespace) -> int:
    rec = recording_for(Path(args.spec) if args.spec else spec_path(args.stack), args.stack)
    text = {"json": plan_mod.dumps, "markdown": plan_mod.to_markdown, "table": plan_mod.to_table}[args.format](rec)
    _write(text, args.output)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        base = recording_for(materialize(args.base, Path(tmp) / "base"), args.stack)
        head = recording_for(materialize(args.head, Path(tmp) / "head"), args.stack)
    d = diff_mod.diff(base, head)
    text = {"json": diff_mod.to_json, "markdown": diff_mod.to_markdown, "text": diff_mod.to_text}[args.format](d)
    _write(text, args.output)
    return 0


def cmd_graph(args: argparse.Namespace) -> int:
    rec = recording_for(Path(args.spec) if args.spec else spec_path(args.stack), args.stack)
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
    _write(graph_mod.to_dot(rec) if args.format == "dot" else graph_mod.to_mermaid(rec), args.output)
    return 0


def cmd_import_ids(args: argparse.Namespace) -> int:
    rec = recording_for(Path(args.spec) if args.spec else spec_path(args.stack), args.stack)
    subscription = args.subscription or os.environ.get("ARM_SUBSCRIPTION_ID") or os.environ.get("AZURE_SUBSCRIPTION_ID")
    _write(import_ids.dumps(rec, subscription), args.output)
    for note in import_ids.not_imported(rec):
        print(f"note: {note}", file=sys.stderr)
    if not subscription:
        print("note: no --subscription (or ARM_SUBSCRIPTION_ID) given: ids hold a placeholder subscription", file=sys.stderr)
    return 0


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="what `pulumi up` would create, without cloud credentials")
    p.add_argument("--stack", default="dev")
    p.add_argument("spec", nargs="?", help="spec file (default: the stack's)")
    p.add_argument("--format", choices=["table", "json", "markdown"], default="table")
    p.add_argument("-o", "--output", help="write to this file instead of stdout")
    p.set_defaults(func=cmd_plan)

    d = sub.add_parser("diff", help="resources added, removed and changed between two specs (files or git REV:PATH)")
    d.add_argument("base", help="the spec before, e.g. main:config/dev.yaml or a file")
    d.add_argument("head", help="the spec after, e.g. config/dev.yaml")
    d.add_argument("--stack", default="dev")
    d.add_argument("--format", choices=["markdown", "json", "text"], default="markdown")
    d.add_argument("-o", "--output")
    d.set_defaults(func=cmd_diff)

    g = sub.add_parser("graph", help="the resource graph: dot, mermaid or svg")
    g.add_argument("--stack", default="dev")
    g.add_argument("spec", nargs="?")
    g.add_argument("--format", choices=["dot", "mermaid", "svg"], default="dot")
    g.add_argument("-o", "--output")
    g.set_defaults(func=cmd_graph)

    i = sub.add_parser("import-ids", help="a `pulumi import --file` document for adopting resources made by hand")
    i.add_argument("--stack", default="dev")
    i.add_argument("spec", nargs="?")
    i.add_argument("--subscription", help="the subscription id (default: ARM_SUBSCRIPTION_ID)")
    i.add_argument("-o", "--output")
    i.set_defaults(func=cmd_import_ids)
