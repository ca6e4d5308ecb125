"""Offline plan output: JSON for machines, a tree for people, Markdown for pull requests."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from apic_access.azure import arm
from apic_access.config.errors import plural

from . import markdown as md
from .recorder import Recording, Registration, shown


def _review(r: Registration) -> dict[str, Any]:
    """What `diff` states for a resource, here against an empty stack: it is created; and
    which later changes would replace it instead of updating it, and how."""
    if not r.custom:
        return {}
    out: dict[str, Any] = {"action": "create"}
    facts = sorted({p for p, _ in arm.FORCE_NEW.get(r.type, ())} | set(r.options.get("replaceOnChanges", [])))
    if facts:
        out["replaceOnChanges"] = facts
        out["replaceMode"] = "delete-before-create" if arm.deletes_first(r.type, bool(r.options.get("deleteBeforeReplace"))) else "create-before-delete"
    if r.options.get("protect"):
        out["protected"] = True
    if r.options.get("retainOnDelete"):
        out["onDelete"] = KEPT  # a destroy, or dropping it from the spec, leaves it in Azure
    return out


KEPT = "kept in Azure on delete"


def _detail(r: Registration, placeholders: Mapping[str, str]) -> str:
    """describe(), and whether Pulumi leaves the resource in Azure when it lets go of it."""
    detail = describe(r, placeholders)
    if r.options.get("retainOnDelete"):
        detail = f"{detail}, {KEPT}" if detail else KEPT
    return detail


def to_json(rec: Recording) -> dict[str, Any]:
    custom = [r for r in rec.resources if r.custom]
    return {
        "project": rec.project,
        "stack": rec.stack,
        "summary": {"create": len(custom), "update": 0, "replace": 0, "delete": 0, "protected": sum(bool(r.options.get("protect")) for r in custom)},
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "custom": r.custom,
                "parent": r.parent,
                "inputs": rec.shown(r.inputs),
                "dependencies": r.dependencies,
                **({"options": r.options} if r.options else {}),
                **_review(r),
            }
            for r in rec.resources
        ],
        "outputs": rec.shown(rec.outputs),
        "roleAssignments": role_assignments(rec),
        **({"moved": rec.moved} if rec.moved else {}),
    }


def role_assignments(rec: Recording) -> dict[str, int]:
    """This plan's role assignments, and the whole spec's (all shards) against its budget."""
    out = {"thisStack": rec.role_assignments}
    if rec.budget is not None:
        out |= {"wholeSpec": rec.budget.total, "budget": rec.budget.limit, "managedGroups": rec.budget.managed_groups}
    return out


def budget_line(rec: Recording) -> str:
    b = rec.budget
    line = f"Role assignments: {rec.role_assignments:,} in this stack"
    if b is not None:
        state = " (OVER BUDGET)" if b.over else " (above 80% of the budget)" if b.near else ""
        line += f"; whole spec (all shards) {b.total:,} of a budget of {b.limit:,}{state}, {plural(b.managed_groups, 'managed group')}"
    return line


def dumps(rec: Recording) -> str:
    return json.dumps(to_json(rec), indent=2, sort_keys=True) + "\n"


PREVIEW_RESOURCE_TYPE = "pulumi-python:dynamic/apicenter:PreviewResource"


def short_type(type_: str) -> str:
    """azure-native:apicenter:ApiVersion -> apicenter:ApiVersion; generic resources by ARM type."""
    parts = type_.split(":")
    if parts[0] == "apic-access":
        return parts[-1]
    if parts[0] == "azuread":
        return "azuread:" + parts[-1]
    return ":".join(parts[1:]) if len(parts) == 3 else type_


def describe(r: Registration, placeholders: Mapping[str, str] | None = None) -> str:
    """The one detail a reviewer wants to see next to a resource (stand-ins as their labels)."""
    i = r.inputs
    if r.type == "azure-native:authorization:RoleAssignment":
        role = str(i.get("roleDefinitionId", "")).rsplit("/", 1)[-1]
        scope = str(i.get("scope", ""))
        tail = "/".join(scope.split("/")[-2:])
        principal = shown(i.get("principalId"), placeholders or {})
        return f"{arm.ROLE_NAMES.get(role, role)} -> {i.get('principalType')} {principal} at {tail}"
    if r.type == "azure-native:resources:Resource":
        return f"{i.get('resourceType')} {i.get('resourceName')} @ {i.get('apiVersion')}"
    if r.type == PREVIEW_RESOURCE_TYPE:
        kind, name = (str(i.get("resourceId", "")).split("/")[-2:] + ["", ""])[:2]
        return f"{kind} {name} @ {i.get('apiVersion')}"
    for key in ("title", "displayName", "secretName", "vaultName", "serviceName", "resourceGroupName"):
        if key in i:
            return f"{key}={i[key]}"
    return ""


def _children(rec: Recording) -> dict[str, list[Registration]]:
    out: dict[str, list[Registration]] = defaultdict(list)
    urns = {r.urn for r in rec.resources}
    for r in rec.resources:
        out[r.parent if r.parent in urns else ""].append(r)
    for items in out.values():
        items.sort(key=lambda r: (r.custom, r.type, r.name))
    return out


def to_table(rec: Recording) -> str:
    """Resources grouped under their components, as a person reads a setup."""
    children = _children(rec)
    lines = [f"Plan for stack '{rec.stack}' of {rec.project}: {plural(sum(r.custom for r in rec.resources), 'resource')} to create", ""]

    def walk(parent: str, depth: int) -> None:
        for r in children.get(parent, []):
            pad = "    " * depth
            if r.custom:
                detail = _detail(r, rec.placeholders)
                lines.append(f"{pad}+ {short_type(r.type):<44} {r.name}" + (f"  ({detail})" if detail else ""))
            else:
                lines.append(f"{pad}{short_type(r.type)} {r.name}")
                walk(r.urn, depth + 1)

    walk("", 0)
    if rec.outputs:
        lines += ["", "Outputs:"]
        for key, value in rec.shown(rec.outputs).items():
            text = json.dumps(value) if not isinstance(value, str) else value
            lines.append(f"    {key}: {text if len(text) <= 120 else text[:117] + '...'}")
    counts = Counter(short_type(r.type) for r in rec.resources if r.custom)
    lines += ["", "Summary: " + ", ".join(f"{n} {t}" for t, n in sorted(counts.items())), budget_line(rec)]
    lines += moved_lines(rec)
    return "\n".join(lines) + "\n"


def moved_lines(rec: Recording) -> list[str]:
    """The spec's `moved` renames, each with what `pulumi up` does about it (a plan shows the
    stack as if new, so the names a stack held before are told here)."""
    return ["", "Renamed keys (moved):", *(f"    {line}" for line in rec.moved)] if rec.moved else []


def to_markdown(rec: Recording) -> str:
    counts = Counter(short_type(r.type) for r in rec.resources if r.custom)
    lines = [
        f"### apic-access plan: stack {md.code(rec.stack)}",
        "",
        f"{plural(sum(counts.values()), 'resource')}.",
        "",
        budget_line(rec) + ".",
        "",
        "| resource type | count |",
        "|---|---|",
        *(f"| {md.code(t)} | {n} |" for t, n in sorted(counts.items())),
        "",
        "<details><summary>All resources</summary>",
        "",
        "| type | name | detail |",
        "|---|---|---|",
        *(f"| {md.code(short_type(r.type))} | {md.code(r.name)} | {md.cell(_detail(r, rec.placeholders))} |" for r in rec.resources if r.custom),
        "",
        "</details>",
        *(["", "**Renamed keys (`moved`):**", "", *(f"- {md.cell(line)}" for line in rec.moved)] if rec.moved else []),
    ]
    return "\n".join(lines) + "\n"
