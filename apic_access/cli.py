"""The `apic-access` command: validate, schema (and the offline plan tools).

Exit codes: 0 valid, 1 invalid spec, 2 usage. A Python traceback never reaches a user:
an unexpected failure is reported as an internal error with exit 3.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from components import gc_tuning
from config.errors import SpecError, display_path
from config.schema import schema
from config.spec import load_spec

from . import commands, export, verify
from .stacks import spec_path


def _specs(args: argparse.Namespace) -> list[Path]:
    given = getattr(args, "spec", None)
    if isinstance(given, list):
        return [Path(s) for s in given] or [spec_path(args.stack)]
    return [Path(given)] if given else [spec_path(args.stack)]


def cmd_validate(args: argparse.Namespace) -> int:
    status = 0
    for path in _specs(args):
        try:
            loaded = load_spec(path, stack=args.stack)
        except SpecError as exc:
            for problem in exc.problems:
                print(problem)
            errors = sum(p.severity == "error" for p in exc.problems)
            print(f"{display_path(str(path))}: {errors} error(s)", file=sys.stderr)
            status = 1
            continue
        for warning in loaded.warnings:
            print(warning)
        s = loaded.spec
        versions = sum(len(a.versions) for a in s.apis.values())
        bindings = sum(len(v.access) for a in s.apis.values() for v in a.versions.values())
        print(
            f"{display_path(str(path))}: valid (stack {args.stack}): API center {s.api_center.name}, "
            f"{len(s.auth_configs)} auth configs, {len(s.apis)} APIs, {versions} versions, {bindings} bindings, "
            f"{len(loaded.warnings)} warning(s)",
            file=sys.stderr,
        )
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(schema(), indent=2))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="apic-access", description="Azure API Center access as code: check and plan a spec without cloud credentials.")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check specs; one line per problem: FILE:LINE:COL: PATH: MESSAGE")
    v.add_argument("--stack", default="dev", help="stack name (default dev): picks the spec and ${stack}")
    v.add_argument("spec", nargs="*", help="spec files (default: the stack's apic-access:spec, else config/<stack>.yaml)")
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("schema", help="print the JSON Schema of the spec")
    s.set_defaults(func=cmd_schema)
    commands.register(sub)
    verify.register(sub)
    export.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if argv is None:  # a process of its own (not a test calling main)
        gc_tuning.tune()
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, where it is handled
        return code
    except commands.CommandError as exc:
        print(exc, file=sys.stderr if exc.code == 2 else sys.stdout)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (`| head`): leave quietly, as Unix tools do, without the
        # interpreter's shutdown complaining about the closed pipe or the event loop
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        os._exit(0)
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
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
