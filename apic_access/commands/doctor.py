"""`apic-access doctor`: live and read-only, what in Azure and Entra would stop `pulumi up`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from apic_access import options
from apic_access.errors import CommandError
from apic_access.live import UsageError, subscription_of


def add_arguments(p: argparse.ArgumentParser) -> None:
    options.stack(p)
    options.spec(p)
    options.subscription(p)
    options.formats(
        p,
        {"table": "for a terminal", "json": "for tools", "markdown": "for a pipeline summary", "github": "GitHub Actions ::error/::warning annotations"},
        "table",
    )
    options.output(p, "the report")


def run(args: argparse.Namespace) -> int:
    from apic_access.azure.client import SIGN_IN, AzureError, NoCredentials
    from apic_access.doctor import FORMATS, doctor, exit_code

    path = options.spec_paths(args)[0]
    try:
        subscription = subscription_of(args.subscription, args.stack)
    except UsageError as exc:
        print(f"apic-access doctor: {exc}", file=sys.stderr)
        return 2
    try:
        report = doctor(path, stack=args.stack, subscription=subscription)
    except CommandError as exc:
        print(exc, file=sys.stdout if exc.code == 1 else sys.stderr)
        return exc.code
    except NoCredentials:
        print(f"apic-access doctor: cannot sign in to Azure: {SIGN_IN}", file=sys.stderr)
        return 3
    except AzureError as exc:
        if exc.status == 401:
            print(f"apic-access doctor: Azure refused the sign-in ({exc}): {SIGN_IN}", file=sys.stderr)
        else:
            print(f"apic-access doctor: {exc}", file=sys.stderr)
        return 3
    text = FORMATS[args.format](report)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return exit_code(report)
