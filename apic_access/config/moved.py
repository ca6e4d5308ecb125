"""`moved:` entries: renamed spec keys, so the program can give Pulumi the old names (aliases).

A spec path names one key: `entraApps.NAME`, `authConfigs.NAME`, `environments.NAME`,
`keyVault.secrets.NAME`, `apis.API`, `apis.API.versions.VERSION` or
`apis.API.versions.VERSION.access[BINDING]`. The components' logical names are built from these
keys (`petstore/v1-0/petstore-key/users/alice@contoso.com`), so a renamed key is a renamed
prefix of a logical name: `previous_names` gives the names a resource had before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_KEY = r"([^.\[\]]+)"
# kind -> (pattern, section the logical names live in, what it is, does Azure name it by the key)
FORMS: dict[str, tuple[re.Pattern[str], str, str, bool]] = {
    "entraApp": (re.compile(rf"^entraApps\.{_KEY}$"), "entraApps", "Entra app", False),
    "authConfig": (re.compile(rf"^authConfigs\.{_KEY}$"), "authConfigs", "auth config", True),
    "environment": (re.compile(rf"^environments\.{_KEY}$"), "environments", "environment", True),
    "secret": (re.compile(rf"^keyVault\.secrets\.{_KEY}$"), "keyVault.secrets", "Key Vault secret", True),
    "api": (re.compile(rf"^apis\.{_KEY}$"), "apis", "API", True),
    "version": (re.compile(rf"^apis\.{_KEY}\.versions\.{_KEY}$"), "apis", "API version", True),
    "access": (re.compile(rf"^apis\.{_KEY}\.versions\.{_KEY}\.access\[{_KEY}\]$"), "apis", "access entry (binding)", True),
}
ACCEPTED = (
    "entraApps.NAME, authConfigs.NAME, environments.NAME, keyVault.secrets.NAME, apis.API, "
    "apis.API.versions.VERSION or apis.API.versions.VERSION.access[BINDING]"
)


@dataclass(frozen=True)
class Moved:
    """One renamed key: `old` and `new` are its key parts (API, version, binding, ...)."""

    kind: str  # a key of FORMS
    old: tuple[str, ...]
    new: tuple[str, ...]
    from_path: str
    to_path: str

    @property
    def section(self) -> str:
        return FORMS[self.kind][1]

    @property
    def what(self) -> str:
        return FORMS[self.kind][2]

    @property
    def azure_named(self) -> bool:
        """Whether Azure names the resource by this key: then Azure has no rename, and the
        rename replaces it (an Entra app keeps its client id whatever its key)."""
        return FORMS[self.kind][3]

    def effect(self) -> str:
        """What `pulumi up` does about this rename, in one sentence."""
        old, new = "/".join(self.old), "/".join(self.new)
        if self.kind == "entraApp":
            return (
                f"{self.from_path} → {self.to_path}: the Entra app keeps its client id, identifier URI and secret "
                "(Pulumi aliases: renamed in the stack only); a client secret's Key Vault secret named after the key "
                "(the default) is replaced under its new name"
            )
        under = {"api": " with its versions, definitions, deployments and bindings", "version": " with its definitions and bindings"}.get(self.kind, "")
        kept = "; managed groups (`via: group`) are kept, renamed in place" if self.kind in ("access", "version", "api") else ""
        return f"{self.from_path} → {self.to_path}: Azure has no rename: `pulumi up` replaces {self.what} '{old}' by '{new}'{under}{kept}"


def parse(path: Any) -> tuple[str, tuple[str, ...]] | None:
    """(kind, key parts) of a spec path, or None for a path of no accepted form."""
    if not isinstance(path, str):
        return None
    for kind, (pattern, _, _, _) in FORMS.items():
        m = pattern.match(path.strip())
        if m:
            return kind, tuple(m.groups())
    return None


def entries(raw: Any) -> Iterator[Moved]:
    """The well-formed entries of a raw spec's `moved` (the checks report the others), and the
    renames they imply: an access entry without `name` is named after its auth config, so a
    renamed auth config renames its binding too."""
    given = []
    for item in raw.get("moved") or () if isinstance(raw, dict) else ():
        if not isinstance(item, dict):
            continue
        a, b = parse(item.get("from")), parse(item.get("to"))
        if a and b and a[0] == b[0]:
            given.append(Moved(a[0], a[1], b[1], str(item["from"]).strip(), str(item["to"]).strip()))
    yield from given
    said = {m.new for m in given if m.kind == "access"}
    for m in given:
        if m.kind != "authConfig":
            continue
        for api, versions in _versions(raw):
            for version, access in versions:
                for entry in access:
                    if entry.get("authConfig") == m.new[0] and "name" not in entry and (api, version, m.new[0]) not in said:
                        at = f"apis.{api}.versions.{version}.access"
                        yield Moved("access", (api, version, m.old[0]), (api, version, m.new[0]), f"{at}[{m.old[0]}]", f"{at}[{m.new[0]}]")


def _versions(raw: dict[str, Any]) -> Iterator[tuple[str, list[tuple[str, list[dict[str, Any]]]]]]:
    apis = raw.get("apis")
    for api, spec in apis.items() if isinstance(apis, dict) else ():
        versions = spec.get("versions") if isinstance(spec, dict) else None
        yield api, [
            (name, [e for e in v.get("access") or () if isinstance(e, dict)])
            for name, v in (versions.items() if isinstance(versions, dict) else ())
            if isinstance(v, dict) and isinstance(v.get("access") or [], list)
        ]


def exists(raw: dict[str, Any], kind: str, parts: tuple[str, ...]) -> bool:
    """Whether the spec (merged, raw) has the key `parts` of `kind`."""

    def m(node: Any) -> dict[str, Any]:
        return node if isinstance(node, dict) else {}

    if kind == "secret":
        return parts[0] in m(m(raw.get("keyVault")).get("secrets"))
    if kind in ("entraApp", "authConfig", "environment", "api"):
        return parts[0] in m(raw.get(FORMS[kind][1]))
    api = m(m(raw.get("apis")).get(parts[0]))
    version = m(api.get("versions")).get(parts[1])
    if kind == "version" or version is None:
        return version is not None
    access = m(version).get("access")
    return any(isinstance(e, dict) and e.get("name", e.get("authConfig")) == parts[2] for e in (access if isinstance(access, list) else ()))


def previous_names(moved: tuple[Moved, ...], section: str, name: str) -> list[str]:
    """The logical names `name` (a resource of `section`, named from its keys joined by '/')
    had under the keys `moved` renamed, most specific rename first."""
    out: list[str] = []
    for entry in sorted(moved, key=lambda e: -len(e.new)):
        if entry.section != section:
            continue
        prefix, old = "/".join(entry.new), "/".join(entry.old)
        if name == prefix or name.startswith(prefix + "/"):
            before = old + name[len(prefix) :]
            if before not in out:
                out.append(before)
    return out
