"""`apic-access access`: who can read each binding's credentials, as an auditor reads it.

One row per binding, principal and path: the principal's kind, the role, where it is assigned,
active or only eligible through PIM, the group it comes through, a deny assignment that takes
it away, and whether the spec grants it. Formats: table, json, markdown, csv.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from apic_access.azure import arm
from apic_access.config.errors import display_path, plural
from apic_access.config.spec import load_spec
from apic_access.errors import CommandError
from apic_access.live import Live

from .compare import Beyond, Expected, SpecGrant, beyond, expected, expected_catalog, in_spec, missing, named
from .model import Binding, Model, Path, Reader, Reading, level_of, scope_words


@dataclass
class AccessReport:
    stack: str
    spec: str
    subscription: str
    model: Model
    want: Expected
    beyond: list[Beyond] = field(default_factory=list)
    missing: list[SpecGrant] = field(default_factory=list)
    catalog: Model | None = None  # who can see the catalog (Data Reader and the like)
    catalog_want: Expected = field(default_factory=Expected)

    @property
    def notes(self) -> list[str]:
        return self.want.notes + self.catalog_want.notes + self.model.notes

    @property
    def all_beyond(self) -> list[Beyond]:
        return self.beyond + (beyond(self.catalog, self.catalog_want) if self.catalog else [])

    @property
    def all_missing(self) -> list[SpecGrant]:
        return self.missing + (missing(self.catalog, self.catalog_want) if self.catalog else [])

    @property
    def ok(self) -> bool:
        return not (self.all_beyond or self.all_missing or self.want.notes or self.catalog_want.notes or self.model.unverifiable)


def access_report(spec_path: FilePath, *, stack: str, subscription: str, expand_groups: bool = False, live: Live | None = None) -> AccessReport:
    """Read the API center the spec names and compare who can read credentials with the spec.
    Raises SpecError (spec problems) and AzureError (Azure unreachable, no credentials)."""
    spec = load_spec(spec_path, stack=stack).spec
    live = live or Live.connect(subscription, stack=stack)
    ac = spec.api_center
    if live.arm.get(arm.service_id(subscription, ac.resource_group, ac.name), arm.API_CENTER_API_VERSION, what=f"reading API center {ac.name}") is None:
        raise CommandError(f"there is no API center {ac.name} in resource group {ac.resource_group} of subscription {subscription}: run `pulumi up`, or fix apiCenter in the spec")
    reading = Reading(live, ac.resource_group, ac.name)
    model = reading.build(expand_groups=expand_groups)
    want = expected(spec, live)
    catalog = reading.catalog(expand_groups=expand_groups)
    report = AccessReport(stack, display_path(str(spec_path)), subscription, model, want, beyond(model, want), missing(model, want))
    report.catalog, report.catalog_want = catalog, expected_catalog(spec, live)
    return report


def exit_code(report: AccessReport) -> int:
    return 0 if report.ok else 1


# --- rows ----------------------------------------------------------------------------------------


def _access(path: Path) -> str:
    return "eligible" if path.eligible else "active"


def _row(want: Expected, binding: Any, reader: Reader, path: Path) -> dict[str, Any]:
    return {
        "api": binding.api,
        "version": binding.version,
        "binding": binding.name,
        "principal": reader.principal,
        "name": reader.name,
        "kind": reader.kind,
        "role": path.role_name,
        "roleId": path.role,
        "scope": path.scope,
        "level": path.level,
        "access": _access(path),
        "viaGroup": path.via_group_name or path.via_group,
        "inSpec": in_spec(path, reader, want),
        "deniedBy": reader.denied_by,
    }


def _summary(report: AccessReport) -> str:
    readers = {r.principal for b in report.model.bindings for r in b.readers.values()}
    catalog = len(report.catalog.bindings[0].readers) if report.catalog and report.catalog.bindings else 0
    return (
        f"{plural(len(report.model.bindings), 'binding')}, {plural(len(readers), 'principal')} can read credentials, {catalog} can see the catalog; "
        f"{plural(len(report.all_beyond), 'path')} beyond the spec, {plural(len(report.all_missing), 'spec grant')} missing, {plural(len(report.notes), 'note')}"
    )


def _readers_json(b: Binding, want: Expected) -> list[dict[str, Any]]:
    return [
        {
            "principal": r.principal,
            "name": r.name,
            "kind": r.kind,
            "inSpec": named(r, want),
            "eligibleOnly": r.eligible_only,
            "deniedBy": r.denied_by or None,
            "paths": [
                {
                    "role": p.role_name,
                    "roleId": p.role,
                    "scope": p.scope,
                    "level": p.level,
                    "access": _access(p),
                    "viaGroup": ({"id": p.via_group, "name": p.via_group_name} if p.via_group else None),
                    "inSpec": in_spec(p, r, want),
                    "assignment": p.assignment,
                }
                for p in r.paths
            ],
        }
        for r in sorted(b.readers.values(), key=lambda r: (r.kind, r.name))
    ]


def to_json(report: AccessReport) -> str:
    data = {
        "stack": report.stack,
        "spec": report.spec,
        "subscription": report.subscription,
        "apiCenter": report.model.service_id,
        "ok": report.ok,
        "groupsExpanded": report.model.groups_expanded,
        "bindings": [
            {
                "api": b.api,
                "version": b.version,
                "binding": b.name,
                "id": b.id,
                "authConfig": b.auth_config,
                "readers": _readers_json(b, report.want),
            }
            for b in report.model.bindings
        ],
        "catalog": {"readers": _readers_json(report.catalog.bindings[0], report.catalog_want) if report.catalog and report.catalog.bindings else []},
        "beyondSpec": [
            {"principal": x.reader.principal, "name": x.reader.label, "path": x.path.describe(), "bindings": [] if x.catalog else [b.label for b in x.bindings], "catalog": x.catalog, "message": x.message()}
            for x in report.all_beyond
        ],
        "missing": [{"scope": g.scope, "principal": g.principal, "who": g.who, "spec": g.where} for g in report.all_missing],
        "notes": report.notes,
        "summary": _summary(report),
    }
    return json.dumps(data, indent=2) + "\n"


def _lines(report: AccessReport) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """(binding heading, [(principal, kind, verdict, how)]), the catalog last."""
    targets = [(b, report.want) for b in report.model.bindings]
    if report.catalog and report.catalog.bindings:
        targets.append((report.catalog.bindings[0], report.catalog_want))
    out = []
    for b, want in targets:
        rows = []
        for r in sorted(b.readers.values(), key=lambda r: (r.kind, r.name)):
            for p in r.paths:
                verdict = "denied" if r.denied_by else ("in spec" if in_spec(p, r, want) else "BEYOND")
                how = p.describe() + (f"; denied by {r.denied_by}" if r.denied_by else "")
                rows.append((r.label, r.kind, verdict, how))
        catalog = b.name == "catalog" and not b.api
        out.append(("the catalog (every API, in the portal and the data plane)" if catalog else f"binding {b.label} (auth config {b.auth_config or '?'})", rows))
    return out


def _missing_lines(report: AccessReport) -> list[str]:
    return [f"{g.who} at {scope_words(_level(report, g.scope), g.scope)} ({g.where}): Azure does not hold it; run `pulumi up`" for g in report.all_missing]


def _level(report: AccessReport, scope: str) -> str:
    return level_of(scope, report.model.service_id) or ""


def to_table(report: AccessReport) -> str:
    lines = [f"access {report.spec} (stack {report.stack}, subscription {report.subscription})", f"who can read credentials in {report.model.service_id}", ""]
    for heading, rows in _lines(report):
        lines.append(heading)
        if not rows:
            lines.append("  nobody")
        width = max((len(r[0]) for r in rows), default=0)
        for who, kind, verdict, how in rows:
            lines.append(f"  {who:<{width}}  {kind:<16}  {verdict:<7}  {how}")
        lines.append("")
    if report.all_missing:
        lines.append("missing (the spec grants it, Azure does not hold it)")
        lines += [f"  {m}" for m in _missing_lines(report)]
        lines.append("")
    if report.all_beyond:
        lines.append("beyond the spec")
        lines += [f"  {x.message()}" for x in report.all_beyond]
        lines.append("")
    if report.notes:
        lines.append("notes")
        lines += [f"  {n}" for n in report.notes]
        lines.append("")
    lines.append(_summary(report))
    return "\n".join(lines) + "\n"


def to_markdown(report: AccessReport) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    head = "✅ nothing beyond the spec" if report.ok else "❌ access differs from the spec"
    lines = [f"### apic-access access: {head}", "", f"Stack `{report.stack}`, spec `{report.spec}`, subscription `{report.subscription}`.", ""]
    lines += ["| binding | principal | kind | | how |", "|---|---|---|---|---|"]
    for heading, rows in _lines(report):
        label = heading.split(" ", 2)[1] if heading.startswith("binding ") else "the catalog"
        if not rows:
            lines.append(f"| {cell(label)} | nobody | | | |")
        for who, kind, verdict, how in rows:
            mark = {"in spec": "✅ in spec", "BEYOND": "❌ beyond the spec", "denied": "⛔ denied"}[verdict]
            lines.append(f"| {cell(label)} | {cell(who)} | {kind} | {mark} | {cell(how)} |")
    for title, items in (("Missing", _missing_lines(report)), ("Beyond the spec", [x.message() for x in report.all_beyond]), ("Notes", report.notes)):
        if items:
            lines += ["", f"**{title}**", ""] + [f"- {cell(i)}" for i in items]
    lines += ["", _summary(report)]
    return "\n".join(lines) + "\n"


def to_csv(report: AccessReport) -> str:
    buffer = io.StringIO()
    columns = ["api", "version", "binding", "principal", "name", "kind", "role", "roleId", "scope", "level", "access", "viaGroup", "inSpec", "deniedBy"]
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    targets = [(b, report.want) for b in report.model.bindings] + ([(report.catalog.bindings[0], report.catalog_want)] if report.catalog and report.catalog.bindings else [])
    for b, want in targets:
        for r in sorted(b.readers.values(), key=lambda r: (r.kind, r.name)):
            for p in r.paths:
                writer.writerow(_row(want, b, r, p))
    return buffer.getvalue()


FORMATS: dict[str, Callable[[AccessReport], str]] = {"table": to_table, "json": to_json, "markdown": to_markdown, "csv": to_csv}
