"""The `apic-access` command line: finds the command (apic_access/commands/) and runs it.

Exit codes: 0 valid, 1 invalid spec (or stack file), 2 usage, and for `diff --exit-code`
also 2 when the diff is not empty (as the "something differs" answer pipelines test for).
A Python traceback never reaches a user: an unexpected failure is an internal error, exit 3.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from apic_access.commands import COMMANDS, load
from apic_access.components import gc_tuning
from apic_access.config import per_command
from apic_access.errors import DEPLOY_EXTRA, CommandError


def version() -> str:
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
        print(f"{parser.prog} {version()}")  # on stdout, as argparse's own version action
        parser.exit()


def parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `only`, the arguments of that one command alone, so that
    no other command's module is imported (every command is still listed in --help)."""
    p = argparse.ArgumentParser(prog="apic-access", description="Azure API Center access as code: check and plan a spec without cloud credentials.")
    p.add_argument("--version", action=_VersionAction)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in COMMANDS.items():
        c = sub.add_parser(name, help=command.summary, description=command.description or command.summary)
        if only is None or only == name:
            module = load(name)
            module.add_arguments(c)
            c.set_defaults(func=module.run)
    return p


def _command_of(given: list[str]) -> str | None:
    """The command named on the command line: its first word that is not an option."""
    return next((a for a in given if not a.startswith("-")), None)


def _unknown_command(given: list[str]) -> str | None:
    """A did-you-mean for a mistyped command (argparse lists every choice instead)."""
    first = _command_of(given)
    if first is None or first in COMMANDS:
        return None
    close = difflib.get_close_matches(first, list(COMMANDS), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"apic-access: unknown command '{first}'{hint}: `apic-access --help` lists the commands"


def _internal(exc: Exception) -> str:
    return f"apic-access: internal error: {type(exc).__name__}: {exc} (please report this with the spec that caused it)"


def _needs_deploy_extra(command: str | None, exc: ModuleNotFoundError) -> int:
    """A command that runs the Pulumi program (plan, diff, graph...) in an install without
    the `deploy` extra: what to install, exit 2; any other missing module is a bug (exit 3)."""
    missing = (exc.name or "").partition(".")[0]
    if missing not in DEPLOY_EXTRA:
        print(_internal(exc), file=sys.stderr)
        return 3
    print(
        f"apic-access {command}: needs the Pulumi SDKs (no module named '{missing}'), which this install of apic-access leaves out: "
        "pip install 'apic-access[deploy]' (validate, schema, stacks, secrets and init work without them)",
        file=sys.stderr,
    )
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    unknown = _unknown_command(given)
    if unknown is not None:
        print(unknown, file=sys.stderr)
        return 2
    command = _command_of(given)
    try:
        # no command named (`apic-access --help`): list them all, import none
        args = parser(only=command or "").parse_args(given)
    except ModuleNotFoundError as exc:  # a light install: the command's module needs the Pulumi SDKs
        return _needs_deploy_extra(command, exc)
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
    except CommandError as exc:
        print(exc, file=sys.stderr if exc.code == 2 else sys.stdout)
        return int(exc.code)
    except ModuleNotFoundError as exc:
        return _needs_deploy_extra(args.command, exc)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (`| head`): leave quietly, as Unix tools do, without the
        # interpreter's shutdown complaining about the closed pipe or the event loop
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        os._exit(0)
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        print(_internal(exc), file=sys.stderr)
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
