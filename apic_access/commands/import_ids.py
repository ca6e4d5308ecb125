"""`apic-access import-ids`: a `pulumi import --file` document for adopting resources made by hand."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from apic_access import import_ids, options
from apic_access.errors import CommandError
from apic_access.recorded import recording_for
from apic_access.stacks import spec_path


def add_arguments(i: argparse.ArgumentParser) -> None:
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


def _object_ids(values: list[str]) -> dict[str, str]:
    """--object-id KIND:NAME=GUID, repeated."""
    out: dict[str, str] = {}
    for value in values:
        key, sep, oid = value.rpartition("=")
        kind, colon, name = key.partition(":")
        if not sep or not colon or kind not in import_ids.OBJECT_ID_KINDS or not name or not import_ids.arm_guid(oid.strip()):
            kinds = ", ".join(import_ids.OBJECT_ID_KINDS)
            raise CommandError(
                f"--object-id '{value}': write KIND:NAME=OBJECT_ID with KIND one of {kinds}, e.g. --object-id 'group:API Testers=0b6f1c52-...'", 2
            )
        out[f"{kind}:{name}"] = oid.strip().lower()
    return out


def run(args: argparse.Namespace) -> int:
    subscription = args.subscription or os.environ.get("ARM_SUBSCRIPTION_ID") or os.environ.get("AZURE_SUBSCRIPTION_ID")
    if not subscription:
        raise CommandError(
            "import-ids needs the subscription the resources live in: add --subscription ID (or set ARM_SUBSCRIPTION_ID); `az account show --query id -o tsv` prints yours",
            2,
        )
    if not import_ids.arm_guid(subscription):
        raise CommandError(f"--subscription '{subscription}' is not a subscription id (a GUID): `az account show --query id -o tsv` prints yours", 2)
    object_ids = _object_ids(args.object_id or [])
    # principals by name answer with the given object ids: role assignment names come out as Azure has them
    lookups = {key.split(":", 1)[1]: oid for key, oid in object_ids.items() if key.split(":", 1)[0] in ("user", "group", "sp")}
    rec = recording_for(Path(args.spec) if args.spec else spec_path(args.stack), args.stack, subscription=subscription.lower(), lookups=lookups)
    result = import_ids.import_plan(rec, subscription.lower(), object_ids)
    options.write(import_ids.dumps(result), args.output)
    print(import_ids.report(result), file=sys.stderr, end="")
    return 0
