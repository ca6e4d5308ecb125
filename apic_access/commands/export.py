"""`apic-access export`: live and read-only, the spec of an API center made by hand."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from apic_access import options
from apic_access.azure import arm
from apic_access.azure.client import AzureError
from apic_access.config import per_command
from apic_access.config.errors import SpecError
from apic_access.config.spec import load_spec
from apic_access.export import Exporter
from apic_access.export_writing import import_document, keep_as_is, leave_out, to_yaml, write_specifications
from apic_access.live import Live, UsageError, subscription_of
from apic_access.recorder import record


def add_arguments(e: argparse.ArgumentParser) -> None:
    options.subscription(e)
    e.add_argument("--resource-group", required=True, help="the API center's resource group; required")
    e.add_argument("--service", required=True, help="the API center's name; required")
    options.stack(e, "the stack the spec is written for")
    options.output(e, "the spec")
    e.add_argument("--import-file", help="also write a `pulumi import --file` document here (needs -o; default: none)")


# Rounds of leaving out what the spec cannot say: each round can only reveal entries that refer
# to one left out in the round before (a deployment to a left-out definition, a binding to a
# left-out auth config), so a few suffice.
_ROUNDS = 6


def run(args: argparse.Namespace) -> int:
    if args.import_file and not args.output:  # a usage error: said before any sign-in
        print("apic-access export: --import-file needs -o SPEC (the import file is made by running the program on the written spec)", file=sys.stderr)
        return 2
    try:
        subscription = subscription_of(args.subscription, args.stack)
        live = Live.connect(subscription, stack=args.stack)
        # the definitions' content goes to files beside the spec: with -o only
        export = Exporter(live, args.resource_group, args.service, specifications=bool(args.output)).run()
    except UsageError as exc:
        print(f"apic-access export: {exc}", file=sys.stderr)
        return 2
    except AzureError as exc:
        print(f"apic-access export: {exc}", file=sys.stderr)
        return 3
    if not args.output:
        export.warnings.append("the definitions' specifications are not exported to stdout: give -o SPEC to write them beside the spec, named in each definition's `file:`")
    source = arm.service_id(subscription, args.resource_group, args.service)
    out = Path(args.output) if args.output else None
    with tempfile.TemporaryDirectory() as tmp:
        path = out or Path(tmp) / "exported.yaml"
        write_specifications(export, path)
        for _ in range(_ROUNDS):
            path.write_text(to_yaml(export, source), encoding="utf-8")
            try:
                load_spec(path, stack=args.stack)
            except SpecError as exc:
                if leave_out(export, exc.problems):
                    per_command.forget()  # the spec is written again: read it again
                    continue  # what the spec cannot say is left out, with a warning
                problems = "\n".join(str(p) for p in exc.problems)  # outside what can be left out: the API center, the vault, the portal
            else:
                try:
                    # the program run on the spec: what `pulumi up` would write, to compare with what Azure has
                    rec = record(path, stack=args.stack, invoke=live.invoke)
                    break
                except Exception as exc:  # noqa: BLE001 - a spec the program refuses: say so, keep the spec written
                    problems = str(exc)
            print(f"apic-access export: the written spec does not run: {problems}", file=sys.stderr)
            return 1
        else:
            print(f"apic-access export: the written spec still has problems after leaving out {_ROUNDS} rounds of entries; see {path}", file=sys.stderr)
            return 1
        if live.error:
            print(f"apic-access export: {live.error}", file=sys.stderr)
            return 3
        keep_as_is(rec, export)
        text = to_yaml(export, source)
        path.write_text(text, encoding="utf-8")
    if out is None:
        sys.stdout.write(text)
    for warning in export.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.import_file:
        Path(args.import_file).write_text(json.dumps(import_document(rec, export, subscription), indent=2) + "\n", encoding="utf-8")
    return 0
