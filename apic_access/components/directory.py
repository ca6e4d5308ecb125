"""Entra lookups: names in a spec -> object ids, each distinct name looked up once.

Object ids are used as they are. Lookups are invokes, so their results are plain strings
known at preview time: role assignment names derived from them stay stable.

Names are compared as Entra compares them, without regard to case: `Alice@Fabrikam.com` and
`alice@fabrikam.com` are one user, looked up once, with one object id.

Names are looked up in batches (`prefetch`, with the plural getUsers/getGroups/
getServicePrincipals): each synchronous invoke makes the Pulumi SDK run its event loop
over everything already queued, so one invoke per name made lookups the largest cost of a
big plan (benchmarks/: 253 lookups -> 23, 20.6 s -> 10.0 s at 100 APIs). A name a batch
does not answer is looked up on its own, so Entra's own error names what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_azuread as azuread

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# principalType as ARM wants it, by the spec's list name
PRINCIPAL_TYPES = {"users": "User", "groups": "Group", "servicePrincipals": "ServicePrincipal"}
BATCH = 100  # names per lookup: keeps each Microsoft Graph filter a reasonable size


@dataclass
class Directory:
    """Resolves users (UPN), groups (display name) and service principals (display name)."""

    # (kind, name, Entra's complaint) -> "file:line:col: path: message" lines, from the spec
    locate: Callable[[str, str, str], list[str]] | None = None
    _cache: dict[tuple[str, str], str] = field(default_factory=dict)

    def object_id(self, kind: str, ref: str) -> str:
        if GUID.match(ref):
            if kind == "servicePrincipals":  # a GUID here may be the app's client id
                if (kind, ref) not in self._cache:
                    self.prefetch([(kind, ref)])
                return self._cache.get((kind, ref), ref.lower())
            return ref.lower()
        key = (kind, ref.lower())
        if key not in self._cache:
            self._cache[key] = self._lookup(kind, ref)
        return self._cache[key]

    def prefetch(self, wanted: Iterable[tuple[str, str]]) -> None:
        """Look up every (kind, name) not known yet, in batches of one invoke per kind."""
        todo: dict[str, list[str]] = {}
        client_ids: list[str] = []
        for kind, ref in wanted:
            if (kind, ref) in self._cache or (kind, ref.lower()) in self._cache:
                continue
            if GUID.match(ref):
                if kind == "servicePrincipals" and ref not in client_ids:
                    client_ids.append(ref)
                continue
            todo.setdefault(kind, [])
            if ref.lower() not in (n.lower() for n in todo[kind]):
                todo[kind].append(ref)
        if client_ids:
            # a service principal's GUID is its client id if Entra knows it as one, else its object id
            known = azuread.get_service_principals(client_ids=sorted(client_ids), ignore_missing=True)
            by_client = {str(c).lower(): o for c, o in zip(known.client_ids or [], known.object_ids or [], strict=False)}
            for ref in client_ids:
                self._cache[("servicePrincipals", ref)] = by_client.get(ref.lower(), ref.lower())
        for kind, names in sorted(todo.items()):
            names.sort()
            for i in range(0, len(names), BATCH):
                batch = names[i : i + BATCH]
                try:
                    found = self._lookup_many(kind, batch)
                except Exception:  # noqa: BLE001 - Entra refused the batch as a whole: find the names at fault
                    found = self._lookup_each(kind, batch)
                for name in batch:
                    if name.lower() in found:
                        self._cache[(kind, name.lower())] = found[name.lower()]

    @staticmethod
    def _lookup_many(kind: str, names: list[str]) -> dict[str, str]:
        """name (lower case) -> object id, for the names Entra knows unambiguously."""
        result: Any
        if kind == "users":
            result = azuread.get_users(user_principal_names=names, ignore_missing=True)
            pairs = zip(result.user_principal_names or [], result.object_ids or [], strict=False)
        elif kind == "groups":
            result = azuread.get_groups(display_names=names, ignore_missing=True)
            pairs = zip(result.display_names or [], result.object_ids or [], strict=False)
        else:
            result = azuread.get_service_principals(display_names=names, ignore_missing=True)
            pairs = zip(result.display_names or [], result.object_ids or [], strict=False)
        found: dict[str, str] = {}
        ambiguous: set[str] = set()
        for name, object_id in pairs:
            key = str(name).lower()
            if key in found and found[key] != object_id:
                ambiguous.add(key)  # two groups with one display name: let the single lookup say so
            found[key] = object_id
        return {k: v for k, v in found.items() if k not in ambiguous}

    def _lookup_each(self, kind: str, names: list[str]) -> dict[str, str]:
        """One lookup per name, after a batch failed: every name Entra refuses is reported at its
        place in the spec, with Entra's reason and the fix."""
        found: dict[str, str] = {}
        refused: list[tuple[str, str]] = []
        for name in names:
            try:
                found[name.lower()] = self._lookup(kind, name)
            except Exception as exc:  # noqa: BLE001 - Entra's reason is the user's to read
                refused.append((name, _reason(exc)))
        if refused:
            what = {"users": "user", "groups": "group"}.get(kind, "service principal")
            lines: list[str] = []
            for name, reason in refused:
                message = f"Entra cannot resolve {what} '{name}' to one object ({reason}): use its object id instead of the name"
                lines.extend(self.locate(kind, name, message) if self.locate else [f"{kind}: {message}"])
            raise pulumi.RunError("the spec names principals Entra cannot resolve; nothing was changed:\n" + "\n".join(lines))
        return found

    @staticmethod
    def _lookup(kind: str, ref: str) -> str:
        if kind == "users":
            found = azuread.get_user(user_principal_name=ref).object_id
        elif kind == "groups":
            found = azuread.get_group(display_name=ref).object_id
        else:
            found = azuread.get_service_principal(display_name=ref).object_id
        if not found:  # the provider normally fails first; never derive a name from nothing
            what = {"users": "user", "groups": "group"}.get(kind, "service principal")
            raise pulumi.RunError(f"Entra has no {what} '{ref}': fix the name in the spec, or use its object id")
        return str(found)

    def resolve(self, kind: str, refs: tuple[str, ...]) -> list[tuple[str, str]]:
        """[(spec name, object id)] in a stable order."""
        return sorted(((ref, self.object_id(kind, ref)) for ref in refs), key=lambda x: x[1])


def _reason(exc: Exception) -> str:
    """The provider's own words, without the SDK's `invoke of TOKEN failed:` wrapping."""
    text = " ".join(str(exc).split())
    return text.split(" failed: ", 1)[-1] if text.startswith("invoke of ") else text
