"""plan, diff, graph and import-ids: the offline commands built on the recording engine."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import pulumi

from apic_access.config.errors import display_path
from apic_access.config.spec import Loaded, load_spec

from . import diff as diff_mod
from . import graph as graph_mod
from . import import_ids, options, preflight, revisions
from . import plan as plan_mod
from .progress import Progress
from .recorder import Recording, record
from .stacks import StackFile, read_stack_file, spec_path


class CommandError(Exception):
    """A user-facing failure with exit code 1 (bad spec) or 2 (usage)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def checked(path: Path, stack: str, sf: StackFile | None = None, project_dir: Path | None = None) -> tuple[Loaded, StackFile]:
    """Validate like `validate` (spec, Pulumi.<stack>.yaml, sharding, policy): errors stop
    the command with exit 1, warnings go to stderr. `sf`: the stack file to check with (default:
    the working tree's), read in `project_dir` (a revision's project folder, for `diff`)."""
    sf = sf if sf is not None else read_stack_file(stack)
    loaded, problems = preflight.check(path, stack, sf, project_dir)
    if loaded is None:
        raise CommandError("\n".join(str(p) for p in problems))
    for warning in problems:
        print(warning, file=sys.stderr)
    return loaded, sf


def recording_for(
    path: Path,
    stack: str,
    *,
    subscription: str | None = None,
    lookups: dict[str, str] | None = None,
    progress: Progress | None = None,
    phase: str = "",
    sf: StackFile | None = None,
    project_dir: Path | None = None,
) -> Recording:
    """Validate first, then record the program with the stack's non-secret settings (shard,
    platform stack) from Pulumi.<stack>.yaml. A failure the program reports (an Entra name
    that does not resolve, a platform stack naming another API center) is the user's to fix:
    exit 1 with its message, never an internal error. `progress` counts the recording as `phase`.
    `sf` / `project_dir`: another stack file than the working tree's (a revision's, for `diff`)."""
    if progress is not None:
        progress.clear()  # warnings go on lines of their own
    loaded, sf = checked(path, stack, sf, project_dir)
    config = {f"apic-access:{k}": v for k in revisions.RECORDED if (v := sf.setting(k)) is not None}
    on_register = progress.phase(phase) if progress is not None else None
    try:
        return record(path, stack=stack, config=config, subscription=subscription, lookups=lookups, on_register=on_register)
    except pulumi.RunError as exc:
        raise CommandError(f"{display_path(str(path))}: stack '{stack}': {exc}") from None


def cmd_plan(args: argparse.Namespace) -> int:
    with Progress("plan", quiet=args.quiet) as progress:
        rec = recording_for(Path(args.spec) if args.spec else spec_path(args.stack), args.stack, progress=progress)
    text = {"json": plan_mod.dumps, "markdown": plan_mod.to_markdown, "table": plan_mod.to_table}[args.format](rec)
    _write(text, args.output)
    return 0


def diff_sides(args: argparse.Namespace, repo: revisions.Repository) -> tuple[revisions.Side, revisions.Side]:
    """BASE and HEAD as given: `--base REV [--head REV]` (the stack as a whole; HEAD defaults to
    the working tree's stack), or two specs (files, REV:PATH, or REV: for the stack at REV)."""
    stack = args.stack
    if args.base_rev is not None:
        if args.base is not None:
            raise CommandError(f"diff: give either --base REV (stack '{stack}' at REV) or BASE HEAD (two specs), not both", 2)
        base = revisions.stack_at(repo, args.base_rev, stack, f"--base {args.base_rev}")
        head = revisions.stack_at(repo, args.head_rev, stack, f"--head {args.head_rev}") if args.head_rev is not None else revisions.stack_here(stack)
        if base.spec is None and head.spec is None:
            raise CommandError(f"diff: stack '{stack}' has no Pulumi.{stack}.yaml at {args.base_rev} nor {revisions.at(head)}: check --stack", 2)
        return base, head
    if args.head_rev is not None:
        raise CommandError("diff: --head REV goes with --base REV", 2)
    if args.base is None or args.head is None:
        raise CommandError(f"diff: give --base REV (stack '{stack}' at REV against the working tree's), or BASE HEAD (two specs)", 2)
    base, head = revisions.spec_side(repo, args.base, stack), revisions.spec_side(repo, args.head, stack)
    if head.spec is None and not head.whole:
        raise CommandError(f"'{args.head}' does not exist at that revision: the spec after the change must exist", 2)
    return base, head


def cmd_diff(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp, Progress("diff", quiet=args.quiet) as progress:
        try:
            base_side, head_side = diff_sides(args, revisions.Repository(Path(tmp)))
        except revisions.RevisionError as exc:
            raise CommandError(f"{exc}: give a file, REV:PATH or --base REV inside a git repository", 2) from None

        def recorded(side: revisions.Side, phase: str) -> Recording | None:
            if side.spec is None:
                return None
            return recording_for(side.spec, args.stack, progress=progress, phase=phase, sf=side.sf, project_dir=side.project)

        head = recorded(head_side, "head")
        base = recorded(base_side, "base")
        project = (head or base or Recording(project="apic-access", stack=args.stack)).project
        head = head or Recording(project=project, stack=args.stack)
        base = base or Recording(project=project, stack=args.stack)
        existing = diff_mod.existing_ids(load_spec(head_side.spec, stack=args.stack).spec) if head_side.spec is not None else None
    d = diff_mod.diff(base, head, existing)
    d.note = "\n".join(revisions.notes(base_side, head_side, args.stack)) or None
    text = {"json": diff_mod.to_json, "markdown": diff_mod.to_markdown, "text": diff_mod.to_text}[args.format](d)
    _write(text, args.output)
    return 2 if args.exit_code and not d.empty else 0


def cmd_graph(args: argparse.Namespace) -> int:
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
    _write(graph_mod.to_dot(rec) if args.format == "dot" else graph_mod.to_mermaid(rec), args.output)
    return 0


def _object_ids(values: list[str]) -> dict[str, str]:
    """--object-id KIND:NAME=GUID, repeated."""
    out: dict[str, str] = {}
    for value in values:
        key, sep, oid = value.rpartition("=")
        kind, colon, name = key.partition(":")
        if not sep or not colon or kind not in import_ids.OBJECT_ID_KINDS or not name or not import_ids.arm_guid(oid.strip()):
            kinds = ", ".join(import_ids.OBJECT_ID_KINDS)
            raise CommandError(f"--object-id '{value}': write KIND:NAME=OBJECT_ID with KIND one of {kinds}, e.g. --object-id 'group:API Testers=0b6f1c52-...'", 2)
        out[f"{kind}:{name}"] = oid.strip().lower()
    return out


def cmd_import_ids(args: argparse.Namespace) -> int:
    subscription = args.subscription or os.environ.get("ARM_SUBSCRIPTION_ID") or os.environ.get("AZURE_SUBSCRIPTION_ID")
    if not subscription:
        raise CommandError("import-ids needs the subscription the resources live in: add --subscription ID (or set ARM_SUBSCRIPTION_ID); `az account show --query id -o tsv` prints yours", 2)
    if not import_ids.arm_guid(subscription):
        raise CommandError(f"--subscription '{subscription}' is not a subscription id (a GUID): `az account show --query id -o tsv` prints yours", 2)
    object_ids = _object_ids(args.object_id or [])
    # principals by name answer with the given object ids: role assignment names come out as Azure has them
    lookups = {key.split(":", 1)[1]: oid for key, oid in object_ids.items() if key.split(":", 1)[0] in ("user", "group", "sp")}
    rec = recording_for(Path(args.spec) if args.spec else spec_path(args.stack), args.stack, subscription=subscription.lower(), lookups=lookups)
    result = import_ids.import_plan(rec, subscription.lower(), object_ids)
    _write(import_ids.dumps(result), args.output)
    print(import_ids.report(result), file=sys.stderr, end="")
    return 0


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="what `pulumi up` would create, without cloud credentials")
    options.stack(p)
    options.spec(p)
    options.formats(p, {"table": "for a terminal", "json": "for tools", "markdown": "for a pull request comment"}, "table")
    options.output(p, "the plan")
    options.quiet(p)
    p.set_defaults(func=cmd_plan)

    d = sub.add_parser(
        "diff",
        help="resources added, removed and changed: a stack at a git revision against the working tree's (--base REV), or between two specs",
    )
    d.add_argument(
        "base",
        nargs="?",
        metavar="BASE",
        help="the spec before (instead of --base): a file, REV:PATH (read with REV's Pulumi.<stack>.yaml when it has one) or REV: (the stack at REV)",
    )
    d.add_argument("head", nargs="?", metavar="HEAD", help="the spec after, with BASE: a file (read with the working tree's Pulumi.<stack>.yaml), REV:PATH or REV:")
    d.add_argument(
        "--base",
        dest="base_rev",
        metavar="REV",
        help="the stack before: Pulumi.<stack>.yaml at this git revision and the spec it names there, no stack file there: a new stack "
        "(default: none, BASE HEAD give two specs instead)",
    )
    d.add_argument(
        "--head",
        dest="head_rev",
        metavar="REV",
        help="the stack after, with --base (default: the working tree's Pulumi.<stack>.yaml and the spec it names; none: the stack is deleted)",
    )
    options.stack(d, "picks Pulumi.<stack>.yaml and ${stack} on both sides")
    options.formats(d, {"markdown": "for a pull request comment", "json": "for tools", "text": "for a terminal"}, "markdown")
    options.output(d, "the diff")
    d.add_argument("--exit-code", action="store_true", help="exit 2 when anything changes (default: exit 0 whatever changes), for pipelines")
    options.quiet(d)
    d.set_defaults(func=cmd_diff)

    g = sub.add_parser("graph", help="the resource graph: dot, mermaid or svg")
    options.stack(g)
    options.spec(g)
    options.formats(g, {"dot": "Graphviz source", "mermaid": "for markdown that renders Mermaid (GitHub does)", "svg": "an image (needs Graphviz's `dot`)"}, "dot")
    options.output(g, "the graph")
    options.quiet(g)
    g.set_defaults(func=cmd_graph)

    i = sub.add_parser("import-ids", help="a `pulumi import --file` document for adopting resources made by hand")
    options.stack(i)
    options.spec(i)
    options.subscription(i, required=True)
    i.add_argument(
        "--object-id",
        action="append",
        metavar="KIND:NAME=ID",
        help="an Entra object id the plan cannot know offline (KIND: app, app-sp, user, group, sp); repeat as needed",
    )
    options.output(i, "the import document")
    i.set_defaults(func=cmd_import_ids)
