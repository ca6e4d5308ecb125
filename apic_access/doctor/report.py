"""What doctor found, and the four ways it prints it (table, json, markdown, GitHub annotations)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from apic_access.config.errors import plural

ERROR, WARNING, OK = "error", "warning", "ok"
# The checks in the order they run and print, with the heading each gets.
CHECKS = {
    "secrets": "secret config",
    "names": "names",
    "providers": "resource providers",
    "rights": "ARM rights of the deploying identity",
    "graph": "Microsoft Graph permissions",
    "principals": "principals the spec names",
    "budget": "role-assignment budget",
}


@dataclass(frozen=True)
class Finding:
    check: str  # a key of CHECKS
    severity: str  # error: `pulumi up` would fail; warning: worth a look; ok: checked and fine
    message: str  # what is the case
    fix: str = ""  # what to do (empty for ok)


@dataclass
class Report:
    stack: str
    spec: str
    subscription: str
    findings: list[Finding] = field(default_factory=list)

    def add(self, check: str, severity: str, message: str, fix: str = "") -> None:
        self.findings.append(Finding(check, severity, message, fix))

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)

    @property
    def ok(self) -> bool:
        return not self.count(ERROR)

    def by_check(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {c: [] for c in CHECKS}
        for f in self.findings:
            out.setdefault(f.check, []).append(f)
        return {c: fs for c, fs in out.items() if fs}


def verdict(report: Report) -> str:
    errors, warnings = report.count(ERROR), report.count(WARNING)
    counts = f"{plural(errors, 'error')}, {plural(warnings, 'warning')}, {plural(report.count(OK), 'check')} passed"
    if errors:
        return f"{counts}: `pulumi up` would stop; fix the errors first"
    return f"{counts}: `pulumi up` can go ahead"


def to_table(report: Report) -> str:
    mark = {ERROR: "ERROR", WARNING: "warning", OK: "ok"}
    lines = [f"doctor {report.spec} (stack {report.stack}, subscription {report.subscription})", ""]
    for check, findings in report.by_check().items():
        lines.append(CHECKS.get(check, check))
        for f in findings:
            lines.append(f"  {mark[f.severity]:<8} {f.message}")
            if f.fix:
                lines.append(f"  {'':<8} fix: {f.fix}")
        lines.append("")
    lines.append(verdict(report))
    return "\n".join(lines) + "\n"


def to_json(report: Report) -> str:
    data = {
        "stack": report.stack,
        "spec": report.spec,
        "subscription": report.subscription,
        "ok": report.ok,
        "errors": report.count(ERROR),
        "warnings": report.count(WARNING),
        "findings": [{"check": f.check, "severity": f.severity, "message": f.message, "fix": f.fix} for f in report.findings],
    }
    return json.dumps(data, indent=2) + "\n"


def to_markdown(report: Report) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    icon = {ERROR: "❌", WARNING: "⚠️", OK: "✅"}
    head = "✅ `pulumi up` can go ahead" if report.ok else f"❌ {plural(report.count(ERROR), 'error')} would stop `pulumi up`"
    lines = [f"### apic-access doctor: {head}", "", f"Stack `{report.stack}`, spec `{report.spec}`, subscription `{report.subscription}`.", ""]
    lines += ["| | check | finding | fix |", "|---|---|---|---|"]
    for check, findings in report.by_check().items():
        for f in findings:
            lines.append(f"| {icon[f.severity]} | {cell(CHECKS.get(check, check))} | {cell(f.message)} | {cell(f.fix)} |")
    lines += ["", verdict(report)]
    return "\n".join(lines) + "\n"


def _escape_data(text: str) -> str:
    """A workflow command's message: GitHub reads %, CR and LF as escapes."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(report: Report) -> str:
    """GitHub Actions annotations (`::error` / `::warning`), one per finding to act on, then the verdict."""
    lines = []
    for f in report.findings:
        if f.severity == OK:
            continue
        title = _escape_property(f"apic-access doctor: {CHECKS.get(f.check, f.check)}")
        text = f"{f.message}. Fix: {f.fix}" if f.fix else f.message
        lines.append(f"::{f.severity} file={_escape_property(report.spec)},title={title}::{_escape_data(text)}")
    lines.append(verdict(report))
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Callable[[Report], str]] = {"table": to_table, "json": to_json, "markdown": to_markdown, "github": to_github}


def exit_code(report: Report) -> int:
    """0: `pulumi up` can go ahead (warnings allowed); 1: something would stop it."""
    return 0 if report.ok else 1
