"""`export`'s part of the access model: the grants wider than one binding.

`export` writes each binding's own Credential Access Reader principals into its access entry.
The rest of who can read credentials, from the access model:

- Credential Access Reader at an API or version: an access entry with `scope: api|version`.
  An entry has one scope for all its principals, so the grant goes to an entry of that API
  (version) that names nobody at its own binding; where every entry does, it is a warning;
- Credential Access Reader on the whole API center: `apiCenter.credentialReaders`;
- what the spec cannot say (a custom role, a grant at the workspace, resource group or above,
  PIM eligibility): a warning, left as it is in Azure; `verify` reports it until someone decides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from apic_access.azure import arm
from apic_access.live import Live

from .model import Grant, Model, Reading, level_of, scope_words

_KINDS = ("users", "groups", "servicePrincipals")


def _empty(entry: Mapping[str, Any]) -> bool:
    return not any(entry.get(k) for k in _KINDS)


def _place(entry: dict[str, Any], principals: Mapping[str, list[str]], scope: str) -> None:
    """Principals and `scope` into an entry, keys in the order the spec documents them."""
    adopt = entry.pop("adopt", None)
    entry.update({k: principals[k] for k in _KINDS if principals.get(k)})
    entry["scope"] = scope
    if adopt is not None:
        entry["adopt"] = adopt


def export_wider_grants(
    spec: dict[str, Any],
    live: Live,
    resource_group: str,
    service: str,
    *,
    principals: Callable[[Mapping[str, str], str], dict[str, list[str]]],
    warnings: list[str],
    assignments: dict[tuple[str, str, str], str],
) -> Model:
    """Add the API-, version- and service-wide Credential Access Reader grants to `spec`;
    warn about every other path to credentials. `principals` names object ids as export does
    (UPN, display name, else object id with a comment); `assignments` gets the ids of the
    grants written, for the import file."""
    model = Reading(live, resource_group, service).build()
    reaching = {p.assignment for b in model.bindings for r in b.readers.values() for p in r.paths}
    wider: dict[tuple[str, str, str], list[Grant]] = {}  # (level, api, version) -> its grants
    service_wide: list[Grant] = []
    for g in model.grants:
        if g.id not in reaching:
            continue  # reaches no binding (an API without bindings): nothing to read
        level = level_of(g.scope, model.service_id) or ""
        active_car = g.role == arm.CREDENTIAL_ACCESS_READER and not g.eligible
        if active_car and level == "binding":
            continue  # the binding's own access entry has it
        if active_car and level in ("version", "api"):
            parts = g.scope.rstrip("/").split("/")
            key = ("api", parts[-1], "") if level == "api" else ("version", parts[-3], parts[-1])
            wider.setdefault(key, []).append(g)
        elif active_car and level == "service":
            service_wide.append(g)
        else:
            warnings.append(_cannot_say(model, g, level))
    if service_wide:
        spec["apiCenter"]["credentialReaders"] = principals({g.principal: g.principal_type for g in service_wide}, "apiCenter.credentialReaders")
        assignments.update({(g.scope.lower(), g.role, g.principal): g.id for g in service_wide})
    for (level, api, version), grants in sorted(wider.items()):
        versions = (spec.get("apis", {}).get(api) or {}).get("versions") or {}
        entries = [(v, e) for v, ver in versions.items() if level == "api" or v == version for e in ver.get("access") or []]
        free = next((e for _, e in entries if _empty(e)), None)
        where = f"API {api}" if level == "api" else f"version {api}/{version}"
        if free is None:
            names = ", ".join(model.names.get(g.principal, ("", g.principal))[1] for g in grants)
            warnings.append(
                f"{names} hold(s) Credential Access Reader at {where}, but every binding there names principals at its own scope and an access entry "
                f"has one `scope`: not exported, left as it is in Azure (verify reports it). To keep it in the spec, move one binding's principals "
                f"to `scope: {level}` as well, or grant them at the binding"
            )
            continue
        _place(free, principals({g.principal: g.principal_type for g in grants}, f"{where} (scope: {level})"), level)
        assignments.update({(g.scope.lower(), g.role, g.principal): g.id for g in grants})
    return model


def _cannot_say(model: Model, g: Grant, level: str) -> str:
    kind, name = model.names.get(g.principal, (g.principal_type, g.principal))
    words = {"User": "user", "Group": "group", "ServicePrincipal": "service principal"}.get(kind, kind.lower() or "principal")
    who = name if name.startswith("unknown principal") else f"{words} {name}"
    role = model.role_names.get(g.role, g.role)
    why = (
        "PIM eligibility"
        if g.eligible
        else f"a custom role ({role})"
        if g.role != arm.CREDENTIAL_ACCESS_READER
        else f"a grant at {scope_words(level, g.scope)}"
    )
    how = f"{role} at {scope_words(level, g.scope)}" + (" (eligible through PIM)" if g.eligible else "")
    return (
        f"{who} can read credentials through {how}: the spec cannot say {why}; left as it is in Azure, "
        "and `verify` reports it as a problem until it is removed or granted the way the spec says"
    )
