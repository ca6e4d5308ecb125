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
- a create that fails after its PUT may have reached Azure (read-back out of retries, the
  long-running operation Failed, Canceled or timed out, the call interrupted) removes what it
  wrote before it reports, so the next `pulumi up` finds no orphan to refuse; if that removal
  fails too, the error names the one command that clears it;
- delete treats 404 as done;
- a resource written at a preview api-version Azure has since retired is read and deleted at the
  version this release (or the stack config `apic-access:previewApiVersions`) names for its type.

The state holds what we write: names, URLs, client ids and Key Vault secret URIs, never a
secret value.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import pulumi
import pulumi.dynamic

from apic_access.azure import arm
from apic_access.azure.client import Arm, AzureError

from .dynamic import ArmProvider, OnceSerializedResource

# inputs that describe the resource in Azure; the rest (specPaths, writeOnly, adopt, what) only
# guide messages and checks, and never cause an update
_AZURE_INPUTS = ("resourceId", "apiVersion", "properties")


class PreviewResourceError(AzureError):
    """Azure refused the write, or did not keep what was written."""


# ARM's answers (HTTP 400) to an api-version it no longer serves for a type
RETIRED_API_VERSION_CODES = frozenset({"noregisteredproviderfound", "invalidapiversionparameter", "invalidresourcetype"})
CONFIG_API_VERSIONS = "apic-access:previewApiVersions"  # stack config: {type: api-version}, for states written at a retired one

_T = TypeVar("_T")


def is_retired(exc: AzureError) -> bool:
    return exc.status == 400 and str(exc.code or "").lower() in RETIRED_API_VERSION_CODES


def kind_of(resource_id: str) -> str:
    """The preview type of an id: .../authConfigs/x -> authConfigs."""
    return str(resource_id).rstrip("/").rsplit("/", 2)[-2]


def delete_command(endpoint: str, resource_id: str, api_version: str) -> str:
    return f"az rest --method delete --url '{endpoint}{resource_id}?api-version={api_version}'"


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


# Kept at this module path for good: Pulumi states name it in every auth config's, binding's and
# portal's pickled provider (see ArmProvider). Attributes added later need a default in STATE_DEFAULTS.
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
            # Content equal to the spec proves nothing (a colleague may have made it from the same
            # spec): only `adopt` takes a resource over.
            raise PreviewResourceError(
                f"{what} already exists in Azure ({rid}), and this stack did not create it. "
                f"To manage it from the spec, set `adopt: true` on {props.get('specPaths', {}).get('', 'its spec entry')} "
                "(or write the spec with `apic-access export`); to keep it out of this stack, rename the spec entry. "
                "If an earlier `pulumi up` of this stack was killed while creating it, remove it with "
                f"`{delete_command(client.endpoint, rid, api_version)}` and run `pulumi up` again."
            )
        put_answered = False
        try:
            kept = client.put(rid, api_version, {"properties": props["properties"]}, what=f"creating {what}")
            put_answered = True
            self._check_kept(client, props, kept)
        except BaseException as exc:  # noqa: BLE001 - interrupted or failed, the write may have landed: undo it, then report
            if existing is None and (put_answered or not _refused(exc)):
                self._roll_back(client, props, exc)
            raise
        return pulumi.dynamic.CreateResult(id_=rid, outs=self._outs(props))

    def _roll_back(self, client: Arm, props: Mapping[str, Any], failure: BaseException) -> None:
        """Remove what a failed create wrote, so the next `pulumi up` creates it afresh instead of
        refusing it as made by someone else. The DELETE has the client's retries of its own (409
        while the failed operation still runs included). When it fails as well, the failure says
        which one command clears the orphan."""
        rid, api_version, what = props["resourceId"], props["apiVersion"], self._what(props)
        try:
            client.delete(rid, api_version, what=f"removing {what} after a failed create")
        except Exception as exc:  # noqa: BLE001 - reported with the original failure
            raise PreviewResourceError(
                f"{failure}\n{what} may be left in Azure, outside this stack, and removing it failed too ({exc}). "
                f"The next `pulumi up` refuses it until it is gone: run `{delete_command(client.endpoint, rid, api_version)}`, then `pulumi up`."
            ) from None

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
        if not props.get("apiVersion"):
            raise PreviewResourceError(f"cannot read {id_}: its state has no apiVersion; run `pulumi up` to write it again")
        client = self._client()
        found, api_version = self._served(props, lambda v: client.get(rid, v, what=f"reading {self._what(props)}"))
        if found is None:
            return pulumi.dynamic.ReadResult(id_="", outs={})
        returned = _properties(found)
        properties = _refreshed(props.get("properties") or {}, returned, props.get("writeOnly") or [])
        outs = {**props, "properties": properties, "apiVersion": api_version}  # a retired version moves on to the served one
        return pulumi.dynamic.ReadResult(id_=id_, outs=outs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        client = self._client()
        self._served(props, lambda v: client.delete(props["resourceId"], v, what=f"deleting {self._what(props)}"))

    def _served(self, props: Mapping[str, Any], call: Callable[[str], _T]) -> tuple[_T, str]:
        """`call` at the state's api-version; if Azure no longer serves it, at the version the
        stack config (`apic-access:previewApiVersions`) or else this release names for the type.
        A state keeps the version of its last write, maybe years old, and preview versions are
        retired: without this, such a resource could be neither refreshed nor destroyed."""
        written = str(props["apiVersion"])
        try:
            return call(written), written
        except AzureError as exc:
            if not is_retired(exc):
                raise
            retired = exc
        kind = kind_of(props["resourceId"])
        tried = [written]
        for version in (self._configured_versions().get(kind), arm.PREVIEW_API_VERSIONS.get(kind)):
            if not version or version in tried:
                continue
            tried.append(version)
            try:
                return call(version), version
            except AzureError as exc:
                if not is_retired(exc):
                    raise
        raise PreviewResourceError(
            f"{self._what(props)} was written at api-version {written}, which Azure no longer serves ({retired}); "
            f"tried {', '.join(tried)}. Name a version Azure serves for {kind} (ARM's message lists them) and run the command again: "
            f"`pulumi config set --path '{CONFIG_API_VERSIONS}.{kind}' <api-version>`"
        ) from None

    def _configured_versions(self) -> dict[str, str]:
        raw = self._config.get(CONFIG_API_VERSIONS) if self._config else None
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except ValueError:
                return {}
        return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {}

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


def _refused(exc: BaseException) -> bool:
    """ARM refused the PUT (a 4xx other than a timeout, after the retries): nothing was written,
    and a DELETE would most likely be refused for the same reason (403: no right to write)."""
    status = exc.status if isinstance(exc, AzureError) else None
    return status is not None and 400 <= status < 500 and status != 408


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
