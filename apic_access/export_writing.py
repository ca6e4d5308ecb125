"""`apic-access export`, the writing half: the spec as YAML (with its comments), the `pulumi import`
document, and the fields that keep the first `pulumi up` from changing what was adopted.

The reading half (what Azure has) is apic_access/export.py; both meet in its `Export`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from apic_access.azure import arm
from apic_access.components.preview_resource import not_kept

from .config.errors import format_path
from .export import Export, _last
from .import_ids import arm_id
from .recorder import UNKNOWN, Recording


def write_specifications(export: Export, spec: Path) -> list[Path]:
    """Each definition's content to apis/API/VERSION/DEFINITION.EXT beside the spec, named in
    the definition's `file:` (relative to the spec, as `validate` reads it). Returns the files."""
    written = []
    for (api, version, name), found in sorted(export.specifications.items()):
        definition = export.spec.get("apis", {}).get(api, {}).get("versions", {}).get(version, {}).get("definitions", {}).get(name)
        if definition is None:
            continue  # left out of the spec
        relative = Path("apis", api, version, name + found.extension)
        target = spec.parent / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(found.text, encoding="utf-8")
        definition["file"] = relative.as_posix()
        written.append(target)
    return written


# Entries of the spec that can be left out alone, deepest first: (path pattern, what it is).
# Anything that refers to one left out is refused in the next round and left out in turn.
_ENTRIES = (
    (("apis", None, "versions", None, "definitions", None, "file"), "the definition's file"),
    (("apis", None, "versions", None, "access", None), "binding"),
    (("apis", None, "versions", None, "definitions", None), "definition"),
    (("apis", None, "deployments", None), "deployment"),
    (("apis", None, "versions", None), "version"),
    (("apis", None), "API"),
    (("environments", None), "environment"),
    (("authConfigs", None), "auth config"),
)


def _parts(path: str) -> list[str | int]:
    """A problem's spec path (`apis.x.versions.v1-0.access[0]`) as keys and indexes. Names of
    API Center resources hold no dots, so the entries above split cleanly."""
    out: list[str | int] = []
    for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        out.append(int(index) if index else key)
    return out


def leave_out(export: Export, problems: list[Any]) -> bool:
    """Leave out of the spec each entry an error is in (with a warning saying why), so what
    the spec cannot say costs that entry, never the whole export. False: an error outside any
    entry that can go (the API center, the vault, the portal)."""
    targets: dict[tuple[str | int, ...], tuple[str, str]] = {}
    for problem in problems:
        if getattr(problem, "severity", "error") != "error":
            continue
        parts = _parts(str(problem.path))
        entry = next(((tuple(parts[: len(p)]), what) for p, what in _ENTRIES if len(parts) >= len(p) and all(x is None or x == y for x, y in zip(p, parts, strict=False))), None)
        if entry is None:
            return False
        targets.setdefault(entry[0], (entry[1], problem.message))
    left = False
    # deepest first, and of one list the last item first, so the indexes of the others stay right
    for path, (what, message) in sorted(targets.items(), key=lambda t: (-len(t[0]), tuple(-x if isinstance(x, int) else 0 for x in t[0]))):
        *head, last = path
        node: Any = export.spec
        for part in head:
            node = node.get(part) if isinstance(node, dict) else node[part] if isinstance(node, list) and isinstance(part, int) and part < len(node) else None
            if node is None:
                break
        if node is None:
            continue
        if isinstance(node, dict) and last in node:
            del node[last]
        elif isinstance(node, list) and isinstance(last, int) and last < len(node):
            node.pop(last)
        else:
            continue
        left = True
        shown = format_path(list(path))
        if what == "the definition's file":
            export.warnings.append(f"{shown}: the file is written but not named in `file:` (validate refuses it: {message}); fix it and add `file:`")
        else:
            export.warnings.append(f"{what} {shown}: not exported, the spec cannot say it ({message}); `pulumi up` leaves it as it is")
    for api in list(export.spec.get("apis", {}).values()):  # a map emptied by leaving out its entries
        for key in ("versions", "deployments"):
            if api.get(key) == {}:
                del api[key]
        for version in api.get("versions", {}).values():
            for key in ("definitions", "access"):
                if version.get(key) in ({}, []):
                    del version[key]
    for key in ("apis", "environments", "authConfigs"):
        if export.spec.get(key) == {}:
            del export.spec[key]
    return left


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
