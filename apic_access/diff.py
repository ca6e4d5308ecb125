"""What a spec change does to Azure: for each resource, the action Pulumi will take.

Two recordings of the program (BASE and HEAD) are compared by URN, and a HEAD resource whose
alias (a `moved:` rename) is a BASE URN is compared with that one: renamed, and updated or
replaced as its properties say. A resource only in HEAD is created; one only in BASE is deleted in Azure (or only forgotten, with `retainOnDelete`);
one in both is unchanged, updated in place, or replaced when a property changes that the
provider cannot update (`components/arm.py` records which, with sources), and protected or
unprotected when its `protect` option flips. Dependencies alone are no action: Pulumi sends
nothing to Azure for them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from apic_access.azure import arm
from apic_access.config.model import Spec

from . import markdown as md
from .diff_notes import (
    NOTHING_TO_DELETE,
    Renewed,
    arm_id_of,
    duplicate_identifier_uris,
    kept_secret_note,
    new_apps,
    region_moves,
    renewed,
    unknown_paths,
    with_their_owner,
)
from .plan import describe, short_type
from .recorder import PLACEHOLDER_SUBSCRIPTION, SECRET, UNKNOWN, Recording, Registration, shown

ACTIONS = ("replace", "delete", "create", "update", "rename", "protect", "unprotect", "retain", "forget", "leave")
MAX_VALUE = 80  # characters of a value shown; longer ones are shortened in the middle
NEW_VALUE = "[another value, unknown until apply]"  # an Azure-made value of a new resource


@dataclass(frozen=True)
class PropertyChange:
    path: str
    old: Any
    new: Any
    replaces: str | None = None  # the source of the fact when this change forces a replacement


@dataclass
class Entry:
    """One resource and what Pulumi does to it."""

    action: str  # one of ACTIONS
    resource: Registration  # HEAD's registration; BASE's for a delete or retain
    changes: list[PropertyChange] = field(default_factory=list)
    mode: str | None = None  # a replacement: "delete-before-create" | "create-before-delete"
    protection: str | None = None  # "protect" | "unprotect" when the option flips alongside a change
    notes: list[str] = field(default_factory=list)
    renamed_from: Registration | None = None  # BASE's registration, when HEAD's aliases name it
    # False for a delete where `pulumi state delete` would keep nothing real in Azure: a part of
    # an app or a resource deleted in the same run (Entra or ARM deletes it with its owner)
    keepable: bool = True
    destroy_deletes: bool = False  # a resource left behind (left_behind) that `pulumi destroy` would delete in Azure

    @property
    def paths(self) -> list[str]:
        return [c.path for c in self.changes]

    @property
    def keep_command(self) -> str | None:
        """The one line that keeps a deleted resource in Azure."""
        return f"pulumi state delete '{self.resource.urn}'" if self.action == "delete" and self.keepable else None


@dataclass
class Diff:
    stack: str
    entries: list[Entry] = field(default_factory=list)
    note: str | None = None  # e.g. the stack is new at BASE; one line per note
    # both recordings' stand-in GUIDs and their labels: compared as GUIDs, shown as labels
    placeholders: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.entries

    def of(self, *actions: str) -> list[Entry]:
        return [e for e in self.entries if e.action in actions]

    @property
    def added(self) -> list[Registration]:
        return [e.resource for e in self.of("create")]

    @property
    def removed(self) -> list[Registration]:
        return [e.resource for e in self.of("delete", "retain", "forget")]

    @property
    def changed(self) -> list[Entry]:
        return self.of("update", "replace", "rename", "protect", "unprotect")

    def counts(self) -> dict[str, int]:
        return {a: len(self.of(a)) for a in ACTIONS}

    def summary(self) -> str:
        """Replacements and deletions first: they are what a reviewer must not miss."""
        c = self.counts()
        if c["leave"] and c["leave"] == len(self.entries):  # a deleted stack file (left_behind)
            destroyed = sum(1 for e in self.entries if e.destroy_deletes)
            return (
                f"{c['leave']} left in Azure, deployed by no pipeline; nothing is deleted in Azure "
                f"(`pulumi destroy --stack {self.stack}` would delete {destroyed} of them)"
            )
        words = {
            "replace": "to replace",
            "delete": "to delete in Azure",
            "create": "to create",
            "update": "to update in place",
            "rename": "renamed in the stack only",
            "protect": "to protect",
            "unprotect": "to unprotect",
            "retain": "to drop from the stack but keep in Azure",
            "forget": "to drop from the stack only (nothing in Azure)",
            "leave": "left in Azure, deployed by no pipeline",
        }
        return ", ".join(f"{c[a]} {words[a]}" for a in ACTIONS if c[a] or a in ("replace", "delete", "create", "update"))


def changed_values(a: Any, b: Any, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """(path, old, new) for every input whose value differs between `a` and `b`."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[tuple[str, Any, Any]] = []
        for key in sorted(set(a) | set(b)):
            sub = f"{prefix}.{key}" if prefix else key
            if key not in a or key not in b:
                out.append((sub, a.get(key), b.get(key)))
            else:
                out += changed_values(a[key], b[key], sub)
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out += changed_values(x, y, f"{prefix}[{i}]")
        return out
    return [] if a == b else [(prefix or "(value)", a, b)]


def changed_paths(a: Any, b: Any, prefix: str = "") -> list[str]:
    """Input paths whose values differ between `a` and `b`."""
    return [p for p, _, _ in changed_values(a, b, prefix)]


def _ignored(path: str, ignore: list[str]) -> bool:
    return any(path == i or path.startswith((i + ".", i + "[")) for i in ignore)


def existing_ids(spec: Spec) -> set[str]:
    """Lower-case ARM ids (placeholder subscription) of everything the spec marks `existing: true`."""
    ac = spec.api_center
    sub = PLACEHOLDER_SUBSCRIPTION
    ws = f"{arm.service_id(sub, ac.resource_group, ac.name)}/workspaces/{arm.WORKSPACE}"
    ids: list[str] = []
    kv = spec.key_vault
    if kv is not None:
        vault = arm.vault_id(sub, kv.resource_group, kv.name)
        ids += [vault] if kv.existing else []
        ids += [f"{vault}/secrets/{s.name}" for s in kv.secrets.values() if s.existing]
    ids += [f"{ws}/environments/{e.name}" for e in spec.environments.values() if e.existing]
    for api in spec.apis.values():
        ids += [f"{ws}/apis/{api.name}"] if api.existing else []
        for v in api.versions.values():
            ids += [f"{ws}/apis/{api.name}/versions/{v.name}"] if v.existing else []
            ids += [f"{ws}/apis/{api.name}/versions/{v.name}/definitions/{d.name}" for d in v.definitions.values() if d.existing]
        ids += [f"{ws}/apis/{api.name}/deployments/{d.name}" for d in api.deployments.values() if d.existing]
    return {i.lower() for i in ids}


def diff(base: Recording, head: Recording, existing: set[str] | None = None) -> Diff:
    """Compare by URN, and a HEAD resource whose alias (a `moved` rename) is a BASE URN with that
    one; a key renamed without `moved` shows as a delete and a create.

    `existing`: lower-case ARM ids HEAD's spec marks `existing: true`, so a managed resource
    flipped to existing is named as such.
    """
    old = {r.urn: r for r in base.resources if r.custom}
    new = {r.urn: r for r in head.resources if r.custom}
    out = Diff(stack=head.stack, placeholders={**base.placeholders, **head.placeholders})
    was: dict[str, str] = {}  # HEAD URN -> the BASE URN its alias names (a renamed key)
    for urn in sorted(new.keys() - old.keys()):
        alias = next((a for a in new[urn].options.get("aliasUrns", []) if a in old and a not in new and a not in was.values()), None)
        if alias is not None:
            was[urn] = alias
    created = sorted(new.keys() - old.keys() - was.keys())
    deleted = sorted(old.keys() - new.keys() - set(was.values()))
    renewal_of = renewed(old, new, created, deleted)
    for urn in created:
        out.entries.append(Entry("create", new[urn]))
    for urn in sorted(old.keys() & new.keys()) + sorted(was):
        before = old[was.get(urn, urn)]
        entry = _compare(before, new[urn], renewal_of)
        if urn in was:
            entry = entry or Entry("rename", new[urn])
            entry.renamed_from = before
        if entry:
            out.entries.append(entry)
    head_ids = {rid: r for r in new.values() if (rid := arm_id_of(r))}
    for urn in deleted:
        out.entries.append(_removal(old[urn], head_ids, existing or set()))
    with_their_owner(out)
    duplicate_identifier_uris(out, old, deleted)
    new_apps(out)
    region_moves(out)
    order = {a: i for i, a in enumerate(ACTIONS)}
    out.entries.sort(key=lambda e: order[e.action])  # stable: URN order within an action
    return out


def _compare(a: Registration, b: Registration, renewal_of: Renewed | None = None) -> Entry | None:
    ignore = list(b.options.get("ignoreChanges", []))
    declared = list(b.options.get("replaceOnChanges", []))
    changes = []
    # an input only Azure knows, from a dependency that is a new resource in the place of the one
    # the base depended on: unknown on both sides, but not the same value
    renewal = renewal_of.new_source(a, b) if renewal_of else None
    unknown = set(unknown_paths(a.inputs)) & set(unknown_paths(b.inputs)) if renewal else set()
    for path in sorted(unknown):
        if not _ignored(path, ignore):
            forces = arm.forces_replacement(b.type, path) or ("the program's replaceOnChanges option" if _ignored(path, declared) else None)
            changes.append(PropertyChange(path, UNKNOWN, NEW_VALUE, forces))
    for path, before, after in changed_values(a.inputs, b.inputs):
        if _ignored(path, ignore):
            continue
        source = arm.forces_replacement(b.type, path)
        if source is None and _ignored(path, declared):
            source = "the program's replaceOnChanges option"
        changes.append(PropertyChange(path, before, after, source))
    changes.sort(key=lambda c: c.path)
    was, now = bool(a.options.get("protect")), bool(b.options.get("protect"))
    protection = None if was == now else ("protect" if now else "unprotect")
    if not changes:
        return Entry(protection, b) if protection else None
    replace = any(c.replaces for c in changes)
    entry = Entry("replace" if replace else "update", b, changes, protection=protection)
    if renewal and unknown:
        gone, made = renewal
        entry.notes.append(
            f"{', '.join(sorted(unknown))}: from {short_type(made.type)} {made.name}, a new resource in the place of {gone.name} (deleted): "
            "a new value, known only after `pulumi up`"
        )
    if replace:
        first = arm.deletes_first(b.type, bool(b.options.get("deleteBeforeReplace")))
        entry.mode = "delete-before-create" if first else "create-before-delete"
        if was and now:
            entry.notes.append("protected: `pulumi up` refuses to replace it until `protect` is turned off")
        if not first and arm_id_of(a) is not None and arm_id_of(a) == arm_id_of(b):
            entry.notes.append("its Azure id stays the same, so the create reaches the resource it replaces before that one is deleted: check `pulumi preview`")
    return entry


def _removal(r: Registration, head_ids: dict[str, Registration], existing: set[str]) -> Entry:
    if r.options.get("retainOnDelete"):
        notes = ["dropped from the stack; Pulumi leaves it in Azure (retainOnDelete)"]
        if r.type == "azure-native:keyvault:Secret":
            notes.append(kept_secret_note(str(r.inputs.get("vaultName", "")), str(r.inputs.get("secretName", ""))))
        return Entry("retain", r, notes=notes)
    if r.type in NOTHING_TO_DELETE:
        return Entry("forget", r, notes=["nothing to delete in Azure: what it imported stays in the definition for as long as the definition does"])
    entry = Entry("delete", r)
    rid = arm_id_of(r)
    if rid and rid in existing:
        entry.notes.append("now `existing: true` in the spec, but the stack created it: `pulumi up` deletes it in Azure")
    if r.options.get("protect"):
        entry.notes.append("protected: `pulumi up` refuses to delete it until `protect` is turned off")
    if rid:
        under = sorted(
            short_type(x.type) + " " + x.name
            for xid, x in head_ids.items()
            if xid.startswith(rid + "/") and not any(e.lower() in xid for e in arm.CASCADE_EXCLUDES)
        )
        if under:
            shown = ", ".join(under[:5]) + (f" and {len(under) - 5} more" if len(under) > 5 else "")
            entry.notes.append(f"Azure deletes what is under it too, though this stack still manages it: {shown}")
    return entry


def _as_text(value: Any) -> str:
    """A value as a reviewer reads it, whole: JSON for structures."""
    if value is None:
        return "(none)"
    if value == SECRET:
        return SECRET
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def shorten(value: Any, limit: int = MAX_VALUE) -> str:
    """A value as a reviewer reads it: JSON for structures, long text cut in the middle."""
    text = _as_text(value)
    if text in (SECRET, "(none)") or len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return text[:half] + "…" + text[-(limit - 1 - half) :]


def shorten_pair(old: Any, new: Any, limit: int = MAX_VALUE) -> tuple[str, str]:
    """Two long values as a reviewer compares them: each cut around where they differ, not in
    the middle (two ARM ids that differ in one name would otherwise read the same)."""
    a, b = _as_text(old), _as_text(new)
    if a == b or (len(a) <= limit and len(b) <= limit) or SECRET in (a, b) or "(none)" in (a, b):
        return shorten(old, limit), shorten(new, limit)
    start = len(os.path.commonprefix([a, b]))
    common_end = len(os.path.commonprefix([a[start:][::-1], b[start:][::-1]]))

    def around(text: str) -> str:
        begin, end = _word_start(text, max(0, start - _CONTEXT)), _word_end(text, min(len(text), len(text) - common_end + _CONTEXT))
        middle = shorten(text[begin:end], limit - 2)
        return ("…" if begin else "") + middle + ("…" if end < len(text) else "")

    return around(a), around(b)


_CONTEXT = 20  # characters kept on each side of where two values differ
_BREAKS = "/.,:;= \"'[]{}()-_@?&#"  # where a value may be cut: never inside a word
_REACH = 12  # characters a cut moves to reach a break, at most


def _word_start(text: str, at: int) -> int:
    """`at`, moved back to just after a break, so a value is never cut inside a word."""
    for i in range(at, max(0, at - _REACH) - 1, -1):
        if i == 0 or text[i - 1] in _BREAKS:
            return i
    return at


def _word_end(text: str, at: int) -> int:
    for i in range(at, min(len(text), at + _REACH) + 1):
        if i == len(text) or text[i] in _BREAKS:
            return i
    return at


def _list_change(old: list[Any], new: list[Any]) -> str:
    """A list that grew or shrank: the items that went and came, each whole."""
    gone, came = [x for x in old if x not in new], [x for x in new if x not in old]
    parts = [f"removed {', '.join(shorten(x) for x in gone)}"] if gone else []
    parts += [f"added {', '.join(shorten(x) for x in came)}"] if came else []
    return "; ".join(parts) or "reordered"


def _change_text(c: PropertyChange, placeholders: dict[str, str]) -> str:
    before, after = shown(c.old, placeholders), shown(c.new, placeholders)
    if isinstance(before, list) and isinstance(after, list):
        return f"{c.path}: {_list_change(before, after)}" + (" (forces replacement)" if c.replaces else "")
    old, new = shorten_pair(before, after)
    # two stand-ins with one label (names derived at deploy from different inputs)
    same = ", a different one" if old == new else ""
    return f"{c.path}: {old} → {new}{same}" + (" (forces replacement)" if c.replaces else "")


def _json_change(c: PropertyChange, placeholders: dict[str, str]) -> dict[str, Any]:
    old, new = shown(c.old, placeholders), shown(c.new, placeholders)
    out: dict[str, Any] = {"path": c.path, "old": old, "new": new}
    if old == new:  # two stand-ins with one label: say the values differ, as the text does
        out["differentValue"] = True
    if c.replaces:
        out["forcesReplacement"] = True
    return out


def _headline(e: Entry) -> str:
    if e.action == "replace":
        order = "delete, then create" if e.mode == "delete-before-create" else "create, then delete"
        return f"replace ({order})"
    if e.action == "delete":
        return "delete (deleted in Azure)"
    return {
        "create": "create",
        "update": "update in place",
        "rename": "rename (kept in Azure)",
        "protect": "protect",
        "unprotect": "unprotect",
        "retain": "retain",
        "forget": "forget (nothing in Azure to delete)",
        "leave": "left in Azure (no pipeline deploys it)",
    }[e.action]


def _details(e: Entry, placeholders: dict[str, str]) -> list[str]:
    lines = []
    if e.renamed_from is not None:
        if e.action == "replace":
            lines.append(f"renamed from {e.renamed_from.name} (`moved` in the spec), but its Azure name changes with the key and Azure has no rename: `pulumi up` replaces it")
        else:
            lines.append(f"renamed from {e.renamed_from.name} (`moved` in the spec): Pulumi finds it under its old name and keeps it in Azure")
    if e.action in ("create", "delete", "retain", "forget", "leave"):
        detail = describe(e.resource, placeholders)
        if detail:
            lines.append(detail)
    lines += [_change_text(c, placeholders) for c in e.changes]
    protection = e.protection or (e.action if e.action in ("protect", "unprotect") else None)
    if protection == "unprotect":
        lines.append("`protect` turned off: from now on Pulumi may delete or replace it")
    elif protection == "protect":
        lines.append("`protect` turned on: Pulumi refuses to delete or replace it")
    lines += e.notes
    if e.keep_command:
        lines.append(f"to keep it in Azure: `{e.keep_command}` before `pulumi up`")
    return lines


def to_json(d: Diff) -> str:
    def one(e: Entry) -> dict[str, Any]:
        r = e.resource
        out: dict[str, Any] = {"action": e.action, "urn": r.urn, "type": r.type, "name": r.name}
        if e.changes:
            out["changes"] = [_json_change(c, d.placeholders) for c in e.changes]
        if e.renamed_from is not None:
            out["renamedFrom"] = {"urn": e.renamed_from.urn, "name": e.renamed_from.name}
        if e.mode:
            out["replaceMode"] = e.mode
        if e.protection:
            out["protection"] = e.protection
        if e.action == "delete":
            out["deletedInAzure"] = True
            if e.keep_command:
                out["keepInAzure"] = f"{e.keep_command} (before pulumi up)"
        if e.action == "leave":
            out["deletedInAzure"] = False
            out["destroyDeletes"] = e.destroy_deletes
        if e.notes:
            out["notes"] = e.notes
        return out

    return json.dumps({"stack": d.stack, **({"note": d.note} if d.note else {}), "summary": d.counts(), "changed": not d.empty, "resources": [one(e) for e in d.entries]}, indent=2) + "\n"


def _cell(text: str) -> str:
    return md.cell(text)


def to_markdown(d: Diff) -> str:
    head = f"### apic-access plan diff: stack {md.code(d.stack)}" + ("\n\n" + d.note.replace("\n", "\n\n") if d.note else "")
    if d.empty:
        return f"{head}\n\nNo changes: this spec change leaves Azure as it is.\n"
    lines = [head, "", f"**{d.summary()}.**", ""]
    if d.of("replace", "delete"):
        lines.append("> :warning: Replacements delete a resource and create it again; deletions delete it in Azure. Check each one.")
        lines.append("")
    lines += ["| action | type | name | detail |", "|---|---|---|---|"]
    for e in d.entries:
        detail = "<br>".join(_cell(x) for x in _details(e, d.placeholders))
        lines.append(f"| **{_headline(e)}** | {md.code(short_type(e.resource.type))} | {md.code(e.resource.name)} | {detail} |")
    return "\n".join(lines) + "\n"


def render_stacks(diffs: list[Diff], same: list[str], fmt: str, sides: tuple[str, str]) -> str:
    """Every changed stack's diff under its own header, and the stacks that are the same on
    both sides named, so no one reads one stack's "no changes" as the whole change's."""
    base, head = sides
    where = f"at {base} and {'in ' + head if head == 'the working tree' else 'at ' + head}"
    unchanged = (
        f"Unchanged: {', '.join(same)} (the same `apic-access:*` stack settings, spec, base specs and definition files {where})." if same else ""
    )
    if fmt == "json":
        return json.dumps({"changed": any(not d.empty for d in diffs), "stacks": [json.loads(to_json(d)) for d in diffs], "unchanged": same}, indent=2) + "\n"
    if not diffs:
        return (f"### apic-access plan diff\n\n{unchanged}\n" if fmt == "markdown" else f"{unchanged}\n") if same else "No stacks on either side.\n"
    render = to_markdown if fmt == "markdown" else to_text
    parts = [render(d) for d in diffs] + ([unchanged + "\n"] if same else [])
    return "\n".join(parts)


def to_text(d: Diff) -> str:
    note = [d.note] if d.note else []
    if d.empty:
        return "\n".join([*note, f"No changes for stack '{d.stack}'."]) + "\n"
    lines = [*note, f"Stack '{d.stack}': {d.summary()}"]
    marks = {"create": "+", "delete": "-", "replace": "+-", "update": "~", "rename": "~", "protect": "~", "unprotect": "~", "retain": "-", "forget": "-", "leave": "="}
    for e in d.entries:
        lines.append(f"  {marks[e.action]} {short_type(e.resource.type)} {e.resource.name}: {_headline(e)}")
        lines += [f"      {x}" for x in _details(e, d.placeholders)]
    return "\n".join(lines) + "\n"

