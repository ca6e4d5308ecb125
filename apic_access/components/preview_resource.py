"""The preview types (authConfigs, securityRequirements, portals) through a provider of our own.

azure-native's generic `resources:Resource` checks existence with its module's default
api-version (2024-03-01, which has none of these types; pulumi/pulumi-azure-native#4109) and
adds `location` to the body. `PreviewResource` is a Pulumi dynamic resource that does what ARM
expects of these types and nothing else:

- every call (existence check, PUT, read-back, refresh, DELETE) uses the api-version the spec or
  `components/arm.py` names;
- the body is exactly `{"properties": ...}`;
- a long-running answer is followed to its end;
- after each write the resource is read back, and a field Azure did not keep fails the
  operation with its spec path and the fix (fields Azure never returns, such as Key Vault
  secret references, are listed in `writeOnly` and not compared; fields Azure adds are fine);
- create refuses to take over a resource that already exists, unless the spec says `adopt`;
- delete treats 404 as done.

The state holds what we write: names, URLs, client ids and Key Vault secret URIs, never a
secret value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pulumi
import pulumi.dynamic

from apic_access.azure.client import Arm, AzureError

from .dynamic import ArmProvider, OnceSerializedResource

# inputs that describe the resource in Azure; the rest (specPaths, writeOnly, adopt, what) only
# guide messages and checks, and never cause an update
_AZURE_INPUTS = ("resourceId", "apiVersion", "properties")


class PreviewResourceError(AzureError):
    """Azure refused the write, or did not keep what was written."""


def leaves(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, value) for every leaf of a JSON-like value; lists are leaves."""
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            yield from leaves(item, f"{prefix}.{key}" if prefix else str(key))
    elif prefix:
        yield prefix, value


def lookup(value: Any, path: str) -> tuple[bool, Any]:
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return False, None
        value = value[part]
    return True, value


def same(sent: Any, kept: Any) -> bool:
    """Equal as ARM compares: strings without regard to case (ARM normalises enum casing),
    lists without regard to order, numbers and booleans as they are."""
    if isinstance(sent, str) and isinstance(kept, str):
        return sent.lower() == kept.lower()
    if isinstance(sent, (list, tuple)) and isinstance(kept, (list, tuple)):
        return len(sent) == len(kept) and sorted(map(_key, sent)) == sorted(map(_key, kept))
    if isinstance(sent, Mapping) and isinstance(kept, Mapping):
        return sent.keys() == kept.keys() and all(same(sent[k], kept[k]) for k in sent)
    return bool(sent == kept)


def _key(value: Any) -> str:
    return str(value).lower()


def _under(path: str, prefixes: Any) -> bool:
    return any(path == p or path.startswith(p + ".") for p in prefixes or ())


def spec_path_of(path: str, spec_paths: Mapping[str, str]) -> str:
    """The spec path for a wire path: the longest mapped prefix, plus the rest of the path."""
    best = max((p for p in spec_paths if _under(path, [p])), key=len, default=None)
    if best is None:
        return ""
    rest = path[len(best) :].lstrip(".")
    return f"{spec_paths[best]}.{rest}" if rest else spec_paths[best]


def not_kept(sent: Mapping[str, Any], returned: Mapping[str, Any], write_only: Any) -> list[tuple[str, Any, bool, Any]]:
    """Fields we wrote that Azure does not return as written: (path, sent, present, returned)."""
    problems = []
    for path, value in leaves(sent):
        if value is None or _under(path, write_only):
            continue
        present, kept = lookup(returned, path)
        if not present or not same(value, kept):
            problems.append((path, value, present, kept))
    return problems


class PreviewResourceProvider(ArmProvider):
    """Create, read, update and delete one preview ARM resource by id, at a named api-version.

    Inputs: resourceId, apiVersion, properties (the ARM `properties`), writeOnly (property paths
    Azure never returns), specPaths (property path -> spec path, for messages), adopt (take over
    an existing resource), what (the spec's name for it). `token`, `endpoint`, `sleep` and the
    timings are for tests; by default the credentials are Pulumi's and the endpoint
    APIC_ACCESS_ARM_ENDPOINT or ARM's.
    """

    # --- the operations ----------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        return pulumi.dynamic.CheckResult(news, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        # what we write is compared with what we wrote (or what refresh found): fields Azure adds are no change
        changed = [k for k in _AZURE_INPUTS if olds.get(k) != news.get(k)]
        replaces = ["resourceId"] if "resourceId" in changed else []
        # a new id is a new resource: the old one goes first, since both may not coexist under one name
        return pulumi.dynamic.DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=True)

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        client = self._client()
        rid, api_version, what = props["resourceId"], props["apiVersion"], self._what(props)
        existing = client.get(rid, api_version, what=f"checking whether {what} exists")
        if existing is not None and not props.get("adopt"):
            raise PreviewResourceError(
                f"{what} already exists in Azure ({rid}), and this stack did not create it. "
                f"To manage it from the spec, set `adopt: true` on {props.get('specPaths', {}).get('', 'its spec entry')} "
                "(or write the spec with `apic-access export`); to keep it out of this stack, rename the spec entry."
            )
        kept = client.put(rid, api_version, {"properties": props["properties"]}, what=f"creating {what}")
        try:
            self._check_kept(client, props, kept)
        except PreviewResourceError:
            if existing is None:
                # nothing half-made stays behind: the next `pulumi up` starts from a clean slate
                client.delete(rid, api_version, what=f"removing {what} after a failed create")
            raise
        return pulumi.dynamic.CreateResult(id_=rid, outs=self._outs(props))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        client = self._client()
        what = self._what(news)
        kept = client.put(news["resourceId"], news["apiVersion"], {"properties": news["properties"]}, what=f"updating {what}")
        self._check_kept(client, news, kept)
        return pulumi.dynamic.UpdateResult(outs=self._outs(news))

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        """`pulumi refresh`: what Azure now has, for the fields we write. A resource gone from
        Azure reads as gone, so the next `pulumi up` creates it again."""
        rid = props.get("resourceId") or id_
        api_version = props.get("apiVersion")
        if not api_version:
            raise PreviewResourceError(f"cannot read {id_}: its state has no apiVersion; run `pulumi up` to write it again")
        found = self._client().get(rid, api_version, what=f"reading {self._what(props)}")
        if found is None:
            return pulumi.dynamic.ReadResult(id_="", outs={})
        returned = _properties(found)
        properties = _refreshed(props.get("properties") or {}, returned, props.get("writeOnly") or [])
        outs = {**props, "properties": properties}
        return pulumi.dynamic.ReadResult(id_=id_, outs=outs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        self._client().delete(props["resourceId"], props["apiVersion"], what=f"deleting {self._what(props)}")

    # --- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _what(props: Mapping[str, Any]) -> str:
        return str(props.get("what") or props.get("resourceId"))

    @staticmethod
    def _outs(props: Mapping[str, Any]) -> dict[str, Any]:
        return {k: props.get(k) for k in ("resourceId", "apiVersion", "properties", "writeOnly", "specPaths", "adopt", "what")}

    def _check_kept(self, client: Arm, props: Mapping[str, Any], answer: Mapping[str, Any]) -> None:
        """Read the resource back and name every field Azure did not keep."""
        what = self._what(props)
        found = client.get(props["resourceId"], props["apiVersion"], what=f"reading back {what}")
        if found is None:
            raise PreviewResourceError(f"{what}: Azure accepted the write but the resource cannot be read back at api-version {props['apiVersion']}")
        returned = _properties(found)
        problems = not_kept(props["properties"], returned, props.get("writeOnly"))
        if not problems:
            return
        spec_paths = props.get("specPaths") or {}
        lines = []
        for path, sent, present, kept in problems:
            where = spec_path_of(path, spec_paths)
            got = f"Azure returned {kept!r}" if present else "Azure did not return it"
            lines.append(f"  {where or path}: sent `{path}` = {sent!r}, {got}")
        kind = str(props["resourceId"]).rsplit("/", 2)[-2]
        raise PreviewResourceError(
            f"{what}: Azure did not keep {len(problems)} field{'s' if len(problems) != 1 else ''} at api-version {props['apiVersion']}:\n"
            + "\n".join(lines)
            + f"\nThe service may name these fields differently at this api-version: set the right names with `extraProperties`, "
            f"or target another api-version with `apiCenter.previewApiVersions.{kind}` in the spec; if it stores a field "
            f"without ever returning it, list the field under `apiCenter.previewWriteOnly.{kind}`."
        )


def _refreshed(written: Mapping[str, Any], returned: Mapping[str, Any], write_only: Any) -> dict[str, Any]:
    """What we wrote, with each non-write-only field replaced by what Azure now has (a field Azure
    no longer has is dropped), so the next `pulumi up` puts back what drifted."""

    def walk(value: Any, prefix: str) -> Any:
        if isinstance(value, Mapping) and value:
            out = {}
            for key, item in value.items():
                path = f"{prefix}.{key}" if prefix else str(key)
                new = walk(item, path)
                if new is not _GONE:
                    out[key] = new
            return out
        if value is None or _under(prefix, write_only):
            return value
        present, kept = lookup(returned, prefix)
        if not present:
            return _GONE
        return value if same(value, kept) else kept

    result = walk(written, "")
    return dict(result) if isinstance(result, Mapping) else {}


_GONE = object()


def _properties(resource: Mapping[str, Any]) -> Mapping[str, Any]:
    found = resource.get("properties")
    return found if isinstance(found, Mapping) else {}


_DEFAULT_PROVIDER = PreviewResourceProvider()  # one object, so its serialized form is made once (components/dynamic.py)


class PreviewResource(OnceSerializedResource, module="apicenter", name="PreviewResource"):
    """One authConfigs, securityRequirements or portals resource of an API center.

    `resource_id` is its full ARM id, `properties` the ARM `properties` to write (Key Vault
    secret references as URIs, never values), `write_only` the property paths Azure never
    returns, `spec_paths` maps property paths to the spec paths named in messages ("" maps the
    resource itself), `adopt` lets create take over a resource made by hand.
    """

    def __init__(
        self,
        name: str,
        *,
        resource_id: pulumi.Input[str],
        api_version: pulumi.Input[str],
        properties: pulumi.Input[Mapping[str, Any]],
        write_only: list[str] | None = None,
        spec_paths: Mapping[str, str] | None = None,
        adopt: bool = False,
        what: str | None = None,
        provider: PreviewResourceProvider | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ):
        props = {
            "resourceId": resource_id,
            "apiVersion": api_version,
            "properties": properties,
            "writeOnly": sorted(write_only or []),
            "specPaths": dict(spec_paths or {}),
            "adopt": adopt,
            "what": what or name,
        }
        super().__init__(provider or _DEFAULT_PROVIDER, name, props, opts)
