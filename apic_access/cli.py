"""The `apic-access` command: validate, schema (and the offline plan tools).

Exit codes: 0 valid, 1 invalid spec (or stack file), 2 usage, and for `diff --exit-code`
also 2 when the diff is not empty (as the "something differs" answer pipelines test for).
A Python traceback never reaches a user: an unexpected failure is an internal error, exit 3.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from apic_access.components import gc_tuning
from apic_access.config import per_command
from apic_access.config.errors import Problem, SpecError, display_path, plural
from apic_access.config.grants import budget
from apic_access.config.spec import load_spec

from . import migrate, options, preflight, secrets
from .stacks import StackFile, read_stack_file, spec_path, stack_config

# Commands that need neither the Pulumi SDK nor the provider SDKs: for them the offline plan
# tools (apic_access.commands, which import both, about a second) are never imported.
LIGHT_COMMANDS = ("validate", "schema", "secrets", "migrate-state", "stacks")


def _specs(args: argparse.Namespace, sf: StackFile) -> list[Path]:
    given = getattr(args, "spec", None)
    default = spec_path(args.stack)
    if isinstance(given, list):
        return [Path(s) for s in given] or [default]
    return [Path(given)] if given else [default]


def cmd_validate(args: argparse.Namespace) -> int:
    """Each spec, with the stack's Pulumi.<stack>.yaml, sharding and the policy pack's rules."""
    status = 0
    sf = read_stack_file(args.stack)
    shown: set[str] = set()
    for path in _specs(args, sf):
        loaded, problems = preflight.check(path, args.stack, sf)
        if args.format == "github":  # GitHub shows the first 10 annotations of a level per step
            problems = sorted(problems, key=lambda p: (p.severity != "error", p.stands_for == 1))
        for problem in problems:
            if str(problem) not in shown:  # a stack file problem is the same for every spec
                shown.add(str(problem))
                print(_github(problem) if args.format == "github" else problem)
        if loaded is None:
            errors = sum(p.severity == "error" for p in problems)
            files = {p.mark.file for p in problems if p.severity == "error"}
            where = sf.path if files == {str(sf.path)} else path  # the file to fix
            print(f"{display_path(str(where))}: {plural(errors, 'error')}", file=sys.stderr)
            status = 1
            continue
        s = loaded.spec
        versions = sum(len(a.versions) for a in s.apis.values())
        bindings = sum(len(v.access) for a in s.apis.values() for v in a.versions.values())
        warnings = sum(p.stands_for for p in problems if p.severity == "warning")
        if warnings and args.strict:
            print(f"{display_path(str(path))}: {plural(warnings, 'warning')}, an error each with --strict", file=sys.stderr)
            status = 1
            continue
        b = budget(s)
        print(
            f"{display_path(str(path))}: valid (stack {args.stack}): API center {s.api_center.name}, "
            f"{plural(len(s.auth_configs), 'auth config')}, {plural(len(s.apis), 'API')}, {plural(versions, 'version')}, {plural(bindings, 'binding')}, "
            f"{b.total:,} role assignments of a budget of {b.limit:,} ({b.managed_groups:,} managed groups), "
            f"{plural(warnings, 'warning')}",
            file=sys.stderr,
        )
    return status


def _github(problem: Problem) -> str:
    """A GitHub Actions workflow command: the problem as an annotation on the pull request's file."""

    def escape(text: str, *, prop: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if prop else text

    level = "warning" if problem.severity == "warning" else "error"
    where = f"file={escape(display_path(problem.mark.file), prop=True)},line={problem.mark.line},col={problem.mark.col}"
    return f"::{level} {where},title={escape(problem.path or 'spec', prop=True)}::{escape(problem.text)}"


def cmd_migrate_state(args: argparse.Namespace) -> int:
    try:
        dropped = migrate.run(Path(args.state), Path(args.output))
    except migrate.MigrationError as exc:
        print(f"apic-access migrate-state: {exc}", file=sys.stderr)
        return 1
    print(f"{args.output}: {plural(len(dropped), 'generic preview resource')} dropped from the state, Azure untouched:", file=sys.stderr)
    for urn in dropped:
        print(f"  - {urn}", file=sys.stderr)
    print(f"next: pulumi stack import --file {args.output} && pulumi up --config apic-access:adopt=true && pulumi config rm apic-access:adopt", file=sys.stderr)
    return 0


def cmd_secrets(args: argparse.Namespace) -> int:
    path = _specs(args, read_stack_file(args.stack))[0]
    try:
        loaded = load_spec(path, stack=args.stack)
    except SpecError as exc:
        for problem in exc.problems:
            print(problem)
        return 1
    text, code = secrets.report(args.stack, secrets.statuses(loaded.spec, stack_config(args.stack)))
    print(text, end="")
    return code


def cmd_stacks(args: argparse.Namespace) -> int:
    """The project's stacks in deploy order; json: what the workflows' matrices read."""
    from .stacks import discover, project_folder

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
        from . import revisions

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


def cmd_schema(args: argparse.Namespace) -> int:
    from apic_access.config.editor_schema import published_text  # complete specs and overlays alike

    sys.stdout.write(published_text())
    return 0


def _version() -> str:
    import importlib.metadata  # only for --version: the import costs 50 ms on every other command

    try:
        return importlib.metadata.version("apic-access")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"


class _VersionAction(argparse.Action):
    """--version, looked up only when asked for."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option_string: str | None = None) -> None:
        print(f"{parser.prog} {_version()}")  # on stdout, as argparse's own version action
        parser.exit()


def parser(*, plan_tools: bool = True) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="apic-access", description="Azure API Center access as code: check and plan a spec without cloud credentials.")
    p.add_argument("--version", action=_VersionAction)
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check specs; one line per problem: FILE:LINE:COL: PATH: MESSAGE")
    options.stack(v)
    v.add_argument("spec", nargs="*", help=f"spec files (default: {options.SPEC_DEFAULT})")
    v.add_argument("--strict", action="store_true", help="treat warnings as errors, exit 1 (default: warnings are printed, exit 0)")
    options.formats(v, {"text": "FILE:LINE:COL: PATH: MESSAGE", "github": "workflow annotations on the pull request"}, "text")
    v.set_defaults(func=cmd_validate)

    sec = sub.add_parser("secrets", help="list the `pulumi config set --secret` commands a stack still needs (exit 1 if any)")
    options.stack(sec)
    options.spec(sec)
    sec.set_defaults(func=cmd_secrets)

    m = sub.add_parser(
        "migrate-state",
        help="move a first-release stack (generic resources:Resource) to the preview-type provider, in an exported state file",
        description="Reads `pulumi stack export` output, drops the generic authConfigs/securityRequirements/portals entries (Azure is untouched), writes the result for `pulumi stack import`.",
    )
    m.add_argument("state", help="the file `pulumi stack export --file` wrote")
    options.output(m, "the migrated state", required=True)
    m.set_defaults(func=cmd_migrate_state)

    st = sub.add_parser("stacks", help="list the project's stacks (Pulumi.<stack>.yaml) in deploy order, with their specs")
    options.formats(st, {"text": "STACK, SPEC, order", "json": '[{"stack": ..., "spec": ...}] for a workflow matrix'}, "text")
    st.add_argument(
        "--since",
        metavar="REV",
        help='also the stacks whose stack file exists at this git revision but not here, last (json: {"stack": ..., "removed": true}), '
        "for a pull request's plan diff (default: only the stack files here)",
    )
    st.set_defaults(func=cmd_stacks)

    s = sub.add_parser("schema", help="print the JSON Schema of the spec, as editors read it (config/schema.json; overlays with `extends` too)")
    s.set_defaults(func=cmd_schema)
    if plan_tools:
        from . import commands, export, verify

        commands.register(sub)
        verify.register(sub)
        export.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    args = parser(plan_tools=not (given and given[0] in LIGHT_COMMANDS)).parse_args(given)
    if argv is None:  # a process of its own (not a test calling main)
        gc_tuning.tune()
    output = getattr(args, "output", None)
    if isinstance(output, str) and output and not Path(output).resolve().parent.is_dir():
        # checked before the work: a plan of a large spec takes minutes
        print(f"apic-access: -o {output}: the folder {Path(output).parent} does not exist: create it first", file=sys.stderr)
        return 2
    try:
        with per_command.scope():  # each spec and definition file is read and checked once
            code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, where it is handled
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (`| head`): leave quietly, as Unix tools do, without the
        # interpreter's shutdown complaining about the closed pipe or the event loop
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        os._exit(0)
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        commands = sys.modules.get("apic_access.commands")
        if commands is not None and isinstance(exc, commands.CommandError):
            print(exc, file=sys.stderr if exc.code == 2 else sys.stdout)
            return int(exc.code)
        print(f"apic-access: internal error: {type(exc).__name__}: {exc} (please report this with the spec that caused it)", file=sys.stderr)
        return 3


def run() -> None:
    """The console script: main(), then leave without interpreter shutdown, where event
    loops the Pulumi SDK leaves open would print complaints while being finalized."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    os._exit(code)


if __name__ == "__main__":
    run()
