"""`apic-access export`, the writing half: the spec as YAML (with its comments), the `pulumi import`
document, and the fields that keep the first `pulumi up` from changing what was adopted.

The reading half (what Azure has) is apic_access/export.py; both meet in its `Export`.
"""

from __future__ import annotations

from typing import Any

import yaml

from apic_access.azure import arm
from apic_access.components.preview_resource import not_kept

from .export import Export, _last
from .import_ids import arm_id
from .recorder import UNKNOWN, Recording


class _Dumper(yaml.SafeDumper):
    """Block style, keys in the order given, long strings unwrapped."""


def to_yaml(export: Export, source: str) -> str:
    body = yaml.dump(export.spec, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=1000)
    lines = [f"{line}  # {export.notes[line.strip()]}" if line.strip() in export.notes else line for line in body.splitlines()]
    head = [
        "# yaml-language-server: $schema=schema.json",
        f"# Written by `apic-access export` from {source}.",
        "# Auth configs, bindings and the portal say `adopt: true`: `pulumi up` takes them over as they are.",
        "# Import the typed resources first: pulumi import --file <the import file>.",
    ]
    return "\n".join(head + lines) + "\n"


def import_document(rec: Recording, export: Export, subscription: str) -> dict[str, Any]:
    """Pulumi's bulk import format for what exists: typed resources by their ARM ids, role
    assignments by the ids Azure gave them, components as parents. The preview types are
    dynamic resources (not importable): `adopt: true` in the spec takes them over."""
    keys = {r.urn: f"r{i}" for i, r in enumerate(rec.resources)}
    resources: list[dict[str, Any]] = []
    for r in rec.resources:
        entry: dict[str, Any] = {"type": r.type, "name": keys[r.urn], "logicalName": r.name}
        if not r.custom:
            entry["component"] = True
        elif r.type == "azure-native:authorization:RoleAssignment":
            i = r.inputs
            principal = str(i.get("principalId") or "")
            if principal == UNKNOWN or not principal:
                principal = export.identities.get(r.name.split("/", 1)[-1].lower(), "")
            found = export.assignments.get((str(i["scope"]).lower(), arm.role_of(str(i["roleDefinitionId"])), principal.lower()))
            if not found:
                continue  # not made by hand: `pulumi up` creates it
            entry["id"] = found
        else:
            rid = arm_id(r, subscription) if not r.type.startswith("pulumi-python:dynamic") else None
            if not rid or rid.lower() not in export.existing_ids:
                continue
            entry["id"] = rid
        if r.parent in keys:
            entry["parent"] = keys[r.parent]
        resources.append(entry)
    return {"resources": resources}




def keep_as_is(rec: Recording, export: Export) -> None:
    """Make the first `pulumi up` change nothing in the auth configs: where the program would
    write a field differently from what Azure has (a default the hand-made one lacks, such as
    `refreshUrl`), the spec says Azure's value through `extraProperties` (null: leave it out).
    The portal has no such escape hatch: a difference there is a warning."""
    for r in rec.resources:
        if not r.type.endswith(":PreviewResource"):
            continue
        rid = str(r.inputs.get("resourceId", "")).lower()
        if rid not in export.live:
            continue
        sent = {k: v for k, v in (r.inputs.get("properties") or {}).items()}
        for path, value, present, kept in not_kept(sent, export.live[rid], r.inputs.get("writeOnly") or []):
            if value == UNKNOWN:
                continue
            if "/authconfigs/" in rid:
                name = _last(rid)
                config = next((c for k, c in export.spec.get("authConfigs", {}).items() if k.lower() == name), None)
                if config is None:
                    continue
                target = config.setdefault("extraProperties", {})
                *head, leaf = path.split(".")
                for part in head:
                    target = target.setdefault(part, {})
                target[leaf] = kept if present else None
                if not present:
                    export.notes[f"{leaf}: null"] = "Azure has no such field here; null keeps it so (remove this line to let apic-access write its default)"
            else:
                got = f"Azure has {kept!r}" if present else "Azure does not have it"
                export.warnings.append(f"portal: `pulumi up` will write `{path}` = {value!r} ({got}); until then `verify` reports it")
