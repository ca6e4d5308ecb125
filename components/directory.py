"""Entra lookups: names in a spec -> object ids, each distinct name looked up once.

Object ids are used as they are. Lookups are invokes, so their results are plain strings
known at preview time: role assignment names derived from them stay stable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pulumi_azuread as azuread

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# principalType as ARM wants it, by the spec's list name
PRINCIPAL_TYPES = {"users": "User", "groups": "Group", "servicePrincipals": "ServicePrincipal"}


@dataclass
class Directory:
    """Resolves users (UPN), groups (display name) and service principals (display name)."""

    _cache: dict[tuple[str, str], str] = field(default_factory=dict)

    def object_id(self, kind: str, ref: str) -> str:
        if GUID.match(ref):
            return ref.lower()
        key = (kind, ref)
        if key not in self._cache:
            self._cache[key] = self._lookup(kind, ref)
        return self._cache[key]

    @staticmethod
    def _lookup(kind: str, ref: str) -> str:
        if kind == "users":
            return azuread.get_user(user_principal_name=ref).object_id
        if kind == "groups":
            return azuread.get_group(display_name=ref).object_id
        if kind == "servicePrincipals":
            return azuread.get_service_principal(display_name=ref).object_id
        raise ValueError(f"unknown principal kind {kind}")

    def resolve(self, kind: str, refs: tuple[str, ...]) -> list[tuple[str, str]]:
        """[(spec name, object id)] in a stable order."""
        return sorted(((ref, self.object_id(kind, ref)) for ref in refs), key=lambda x: x[1])
