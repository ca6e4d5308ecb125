"""The options several commands share, with one help text each: every option says what it
does and its default, the same way in every command's --help."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SPEC_DEFAULT = "the stack's apic-access:spec, else config/<stack>.yaml"


def stack(p: argparse.ArgumentParser, what: str = "picks the spec and ${stack}") -> None:
    p.add_argument("--stack", default="dev", help=f"stack name (default dev): {what}")


def spec(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", nargs="?", help=f"spec file (default: {SPEC_DEFAULT})")


def output(p: argparse.ArgumentParser, what: str, *, required: bool = False) -> None:
    where = "required" if required else "default: stdout"
    p.add_argument("-o", "--output", required=required, help=f"write {what} to this file ({where}; its folder must exist)")


def formats(p: argparse.ArgumentParser, choices: dict[str, str], default: str) -> None:
    """`choices`: format -> what it is for, in the order --help lists them."""
    described = "; ".join(f"{name}{' (default)' if name == default else ''}: {what}" for name, what in choices.items())
    p.add_argument("--format", choices=list(choices), default=default, help=described)


def quiet(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-q", "--quiet", action="store_true", help="no progress on stderr (default: a line refreshed in place on a terminal, else one summary line at the end)"
    )


def subscription(p: argparse.ArgumentParser, required: bool = False) -> None:
    default = "ARM_SUBSCRIPTION_ID" if required else "ARM_SUBSCRIPTION_ID, else azure-native:subscriptionId in Pulumi.<stack>.yaml"
    p.add_argument("--subscription", help=f"the subscription id (default: {default}){'; required' if required else ''}")


def spec_paths(args: argparse.Namespace) -> list[Path]:
    """The spec file(s) given on the command line, else the stack's (apic-access:spec, else config/<stack>.yaml)."""
    from apic_access.stacks import spec_path

    given = getattr(args, "spec", None)
    if isinstance(given, list):
        return [Path(s) for s in given] or [spec_path(args.stack)]
    return [Path(given)] if given else [spec_path(args.stack)]


def write(text: str, output: str | None) -> None:
    """A command's result: to -o FILE, else stdout."""
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
