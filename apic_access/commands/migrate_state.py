"""`apic-access migrate-state`: a first-release stack's exported state, moved to the preview-type provider."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from apic_access import migrate, options
from apic_access.config.errors import plural


def add_arguments(m: argparse.ArgumentParser) -> None:
    m.add_argument("state", help="the file `pulumi stack export --file` wrote")
    options.output(m, "the migrated state", required=True)


def run(args: argparse.Namespace) -> int:
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
