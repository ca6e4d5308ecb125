"""What a spec change does to Azure: resources added, removed and changed between two plans."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .plan import describe, short_type
from .recorder import Recording, Registration


@dataclass
class Change:
    resource: Registration
    paths: list[str]  # changed input paths, e.g. properties.title


@dataclass
class Diff:
    stack: str
    added: list[Registration] = field(default_factory=list)
    removed: list[Registration] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def changed_paths(a: Any, b: Any, prefix: str = "") -> list[str]:
    """Input paths whose values differ between `a` and `b`."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[str] = []
        for key in sorted(set(a) | set(b)):
            sub = f"{prefix}.{key}" if prefix else key
            if key not in a or key not in b:
                out.append(sub)
            else:
                out += changed_paths(a[key], b[key], sub)
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out += changed_paths(x, y, f"{prefix}[{i}]")
        return out
    return [] if a == b else [prefix or "(value)"]


def diff(base: Recording, head: Recording) -> Diff:
    """Compare by URN, so a renamed spec key shows as removed + added (a replacement)."""
    old = {r.urn: r for r in base.resources if r.custom}
    new = {r.urn: r for r in head.resources if r.custom}
    out = Diff(stack=head.stack)
    out.added = [new[u] for u in sorted(new.keys() - old.keys())]
    out.removed = [old[u] for u in sorted(old.keys() - new.keys())]
    for urn in sorted(old.keys() & new.keys()):
        paths = changed_paths(old[urn].inputs, new[urn].inputs)
        if old[urn].dependencies != new[urn].dependencies:
            paths.append("(dependencies)")
        if paths:
            out.changed.append(Change(new[urn], paths))
    return out


def to_json(d: Diff) -> str:
    def res(r: Registration) -> dict[str, Any]:
        return {"urn": r.urn, "type": r.type, "name": r.name}

    return (
        json.dumps(
            {
                "stack": d.stack,
                "added": [res(r) for r in d.added],
                "removed": [res(r) for r in d.removed],
                "changed": [{**res(c.resource), "paths": c.paths} for c in d.changed],
            },
            indent=2,
        )
        + "\n"
    )


def to_markdown(d: Diff) -> str:
    head = f"### apic-access plan diff: stack `{d.stack}`"
    if d.empty:
        return f"{head}\n\nNo changes: this spec change leaves Azure as it is.\n"
    lines = [head, "", f"**{len(d.added)} to add, {len(d.changed)} to change, {len(d.removed)} to remove.**", ""]
    if d.removed:
        lines.append("> :warning: Removing resources deletes them in Azure (role assignments, bindings, secrets...). Check each one.")
        lines.append("")
    lines += ["| | type | name | detail |", "|---|---|---|---|"]
    for r in d.added:
        lines.append(f"| + | `{short_type(r.type)}` | `{r.name}` | {describe(r).replace('|', '/')} |")
    for c in d.changed:
        lines.append(f"| ~ | `{short_type(c.resource.type)}` | `{c.resource.name}` | changed: {', '.join(f'`{p}`' for p in c.paths)} |")
    for r in d.removed:
        lines.append(f"| - | `{short_type(r.type)}` | `{r.name}` | {describe(r).replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def to_text(d: Diff) -> str:
    if d.empty:
        return f"No changes for stack '{d.stack}'.\n"
    lines = [f"Stack '{d.stack}': {len(d.added)} to add, {len(d.changed)} to change, {len(d.removed)} to remove"]
    lines += [f"  + {short_type(r.type)} {r.name}" for r in d.added]
    lines += [f"  ~ {short_type(c.resource.type)} {c.resource.name}: {', '.join(c.paths)}" for c in d.changed]
    lines += [f"  - {short_type(r.type)} {r.name}" for r in d.removed]
    return "\n".join(lines) + "\n"
