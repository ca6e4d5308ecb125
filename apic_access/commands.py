"""plan, diff, graph and import-ids: the offline commands built on the recording engine."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pulumi

from apic_access.config.errors import display_path
from apic_access.config.spec import Loaded, load_spec

from . import diff as diff_mod
from . import graph as graph_mod
from . import import_ids, options, preflight
from . import plan as plan_mod
from .progress import Progress
from .recorder import Recording, record
from .stacks import StackFile, read_stack_file, spec_path


class CommandError(Exception):
    """A user-facing failure with exit code 1 (bad spec) or 2 (usage)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def checked(path: Path, stack: str) -> tuple[Loaded, StackFile]:
    """Validate like `validate` (spec, Pulumi.<stack>.yaml, sharding, policy): errors stop
    the command with exit 1, warnings go to stderr."""
    sf = read_stack_file(stack)
    loaded, problems = preflight.check(path, stack, sf)
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
) -> Recording:
    """Validate first, then record the program with the stack's non-secret settings (shard,
    platform stack) from Pulumi.<stack>.yaml. A failure the program reports (an Entra name
    that does not resolve, a platform stack naming another API center) is the user's to fix:
    exit 1 with its message, never an internal error. `progress` counts the recording as `phase`."""
    if progress is not None:
        progress.clear()  # warnings go on lines of their own
    loaded, sf = checked(path, stack)
    config = {f"apic-access:{k}": v for k in ("shard", "platformStack") if (v := sf.setting(k)) is not None}
    on_register = progress.phase(phase) if progress is not None else None
    try:
        return record(path, stack=stack, config=config, subscription=subscription, lookups=lookups, on_register=on_register)
    except pulumi.RunError as exc:
        raise CommandError(f"{display_path(str(path))}: stack '{stack}': {exc}") from None


def materialize(ref: str, workdir: Path) -> Path | None:
    """A spec argument: a file, or REV:PATH from git. For a revision the whole repository is
    extracted as it was (`git archive`), so `extends` and definition files resolve wherever
    they live; a spec that did not exist at that revision is None (an empty stack)."""
    if Path(ref).is_file() or ":" not in ref:
        return Path(ref)
    rev, path = ref.split(":", 1)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, check=True, text=True).stdout.strip()
        prefix = subprocess.run(["git", "rev-parse", "--show-prefix"], capture_output=True, check=True, text=True).stdout.strip()
        subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], capture_output=True, check=True)
        # git reads REV:PATH relative to the repository's top; ./PATH is relative to here
        rel = str(Path(prefix) / path[2:]) if path.startswith("./") else path
        if subprocess.run(["git", "-C", top, "cat-file", "-e", f"{rev}:{rel}"], capture_output=True).returncode != 0:
            return None
        tar = subprocess.run(["git", "-C", top, "archive", "--format=tar", rev], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(workdir)], input=tar, check=True, capture_output=True)
        # the extracted tree is the repository as it was: it bounds what the spec may read, as
        # the work tree does (config/project.py), even where no Pulumi.yaml sits above the spec
        subprocess.run(["git", "init", "-q", str(workdir)], check=True, capture_output=True)
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        detail = exc.stderr.decode(errors="replace").strip() if isinstance(exc, subprocess.CalledProcessError) and isinstance(exc.stderr, bytes) and exc.stderr else ""
        detail = detail or (f"'{rev}' is not a revision of this repository" if isinstance(exc, subprocess.CalledProcessError) else str(exc))
        raise CommandError(f"cannot read '{ref}' from git: {detail}: give a file, or REV:PATH inside a git repository", 2) from None
    return workdir / rel


def cmd_plan(args: argparse.Namespace) -> int:
    with Progress("plan", quiet=args.quiet) as progress:
        rec = recording_for(Path(args.spec) if args.spec else spec_path(args.stack), args.stack, progress=progress)
    text = {"json": plan_mod.dumps, "markdown": plan_mod.to_markdown, "table": plan_mod.to_table}[args.format](rec)
    _write(text, args.output)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp, Progress("diff", quiet=args.quiet) as progress:
        base_path = materialize(args.base, Path(tmp) / "base")
        head_path = materialize(args.head, Path(tmp) / "head")
        if head_path is None:
            raise CommandError(f"'{args.head}' does not exist at that revision: the spec after the change must exist", 2)
        head = recording_for(head_path, args.stack, progress=progress, phase="head")
        base = recording_for(base_path, args.stack, progress=progress, phase="base") if base_path is not None else Recording(project=head.project, stack=args.stack)
        existing = diff_mod.existing_ids(load_spec(head_path, stack=args.stack).spec)
    d = diff_mod.diff(base, head, existing)
    if base_path is None:
        d.note = f"`{args.base}` does not exist: the stack is new, everything is created."
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

    d = sub.add_parser("diff", help="resources added, removed and changed between two specs (files or git REV:PATH)")
    d.add_argument("base", help="the spec before, e.g. main:config/dev.yaml or a file")
    d.add_argument("head", help="the spec after, e.g. config/dev.yaml")
    options.stack(d, "picks ${stack} in both specs")
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
