"""What the live, read-only commands (verify, access, doctor) share: the subscription they read,
the spec's errors before any call, Azure's failures as exit codes, and the report written.

Exit codes: 0 the report finds nothing, 1 it finds something (or the spec has errors), 2 usage,
3 cannot sign in or reach Azure. A CommandError from the engine goes to cli.main as any command's.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from apic_access import options

Report = TypeVar("Report")


def run(
    name: str,
    args: argparse.Namespace,
    make: Callable[[Path, str], Report],
    formats: Mapping[str, Callable[[Report], str]],
    exit_code: Callable[[Report], int],
) -> int:
    """`make(spec, subscription)` builds the report, written in `args.format` to -o or stdout."""
    from apic_access.azure.client import SIGN_IN, AzureError, NoCredentials
    from apic_access.config.errors import SpecError
    from apic_access.live import UsageError, subscription_of

    try:
        subscription = subscription_of(args.subscription, args.stack)
    except UsageError as exc:
        print(f"apic-access {name}: {exc}", file=sys.stderr)
        return 2
    try:
        report = make(options.spec_paths(args)[0], subscription)
    except SpecError as exc:
        for problem in exc.problems:
            print(problem)
        return 1
    except NoCredentials as exc:
        print(f"apic-access {name}: {exc}", file=sys.stderr)
        return 3
    except AzureError as exc:
        text = f"Azure refused the sign-in ({exc}): {SIGN_IN}" if exc.status == 401 else str(exc)
        print(f"apic-access {name}: {text}", file=sys.stderr)
        return 3
    options.write(formats[args.format](report), args.output)
    return exit_code(report)
