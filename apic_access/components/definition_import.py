"""Importing a specification file into an API definition, so "Try this API" has operations.

ARM imports a specification through an action, not a resource:
`POST {definition id}/importSpecification` with `{"format": "inline", "value": ..., "specification":
{"name", "version"}}`, answered with 200, or 202 and a Location / Azure-AsyncOperation header to
poll. `DefinitionImport` is a Pulumi dynamic resource that runs that action when the file's
content hash (or the definition, or the format) changes, and at no other time.

What the state keeps: the definition, the format, the file's sha256 and the sha256 of the text
Azure returns for it (`exportSpecification`, run once after each import), never the file's text
(up to 3 MiB per definition in every state file and every diff). The program passes the file's
path; the provider reads the file when it imports (in the same run, on the same machine) and
refuses a file whose hash is not the planned one.

`pulumi refresh` (`read`) notices what changed outside Pulumi: a definition deleted (the import
goes from the state, and the next `pulumi up` creates both again), a definition that has no
specification (re-created by hand), or one whose exported text is not what was imported (the
state's hash then says so, and the next `pulumi up` imports again).

The provider runs in Pulumi's dynamic-provider process, with the credentials Pulumi itself uses
(ARM_* environment variables or azure-native:* stack config, else DefaultAzureCredential: az
login, AZURE_* variables, workload or managed identity). `APIC_ACCESS_ARM_ENDPOINT` points it
at another ARM endpoint (a sovereign cloud, or a test server).
"""

from __future__ import annotations

import hashlib
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi
import pulumi.dynamic

from apic_access.azure import arm
from apic_access.azure.client import Arm, AzureError, checked_endpoint, pulumi_credential

from .dynamic import ArmProvider, OnceSerializedResource

# ARM contract of the action (the api-version the project uses for API Center).
IMPORT_API_VERSION = arm.IMPORT_SPECIFICATION_API_VERSION
ENDPOINT_ENV = "APIC_ACCESS_ARM_ENDPOINT"

# What refresh writes as the content hash when the definition has no specification at all.
MISSING = "missing: the definition has no specification"

# ARM refused or failed the import; the message carries ARM's `code: message`.
DefinitionImportError = AzureError

__all__ = ["MISSING", "DefinitionImport", "DefinitionImportError", "DefinitionImportProvider", "IMPORT_API_VERSION", "pulumi_credential"]

_COMPARED = ("definitionId", "specificationName", "specificationVersion", "contentHash")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Kept at this module path for good: Pulumi states name it in every definition import's pickled
# provider (see ArmProvider). Attributes added later need a default in STATE_DEFAULTS.
class DefinitionImportProvider(ArmProvider):
    """Runs importSpecification. Inputs: definitionId, specificationName, specificationVersion,
    file (the path to read, in this run) and contentHash (its sha256); states and programs of
    the first releases carry `content` (the text) instead of `file`, which is still read. Only
    contentHash, the definition or the format trigger an import.

    `token`, `endpoint`, `sleep` and the retry settings are for tests; by default the token
    comes from Pulumi's Azure credentials and the endpoint from APIC_ACCESS_ARM_ENDPOINT.
    """

    def _text(self, props: Mapping[str, Any]) -> str:
        """The file's text, as planned: its sha256 must be the contentHash the plan showed."""
        if isinstance(props.get("content"), str):  # a program of an earlier release passes the text itself
            return str(props["content"])
        path = Path(str(props.get("file")))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DefinitionImportError(
                f"importing the specification into {props['definitionId']}: cannot read {path} ({exc.strerror or exc}); "
                "run `pulumi up` where the spec and its definition files are"
            ) from None
        found = hashlib.sha256(data).hexdigest()
        if found != props.get("contentHash"):
            raise DefinitionImportError(
                f"importing the specification into {props['definitionId']}: {path} changed after the plan was made "
                f"(sha256 {found[:12]}, planned {str(props.get('contentHash'))[:12]}); run `pulumi up` again"
            )
        return data.decode("utf-8-sig")  # as the spec checks read it: a byte-order mark is not content

    def _import(self, props: Mapping[str, Any]) -> dict[str, Any]:
        specification = {"name": props["specificationName"]}
        if props.get("specificationVersion"):
            specification["version"] = props["specificationVersion"]
        body = {"format": "inline", "value": self._text(props), "specification": specification}
        client = self._client()
        what = f"importing the specification into {props['definitionId']}"
        client.post(props["definitionId"], "importSpecification", IMPORT_API_VERSION, body, what=what)
        # the state keeps hashes, not the content: what refresh compares with
        outs = {k: props.get(k) for k in _COMPARED}
        outs["exportHash"] = self._exported_hash(client, props["definitionId"], required=False)
        return outs

    def _exported_hash(self, client: Arm, definition_id: str, *, required: bool) -> str | None:
        """sha256 of the specification as Azure returns it, which need not be byte for byte what
        was imported. None when there is none (or, right after an import, when the export
        failed: refresh then compares with the file's hash)."""
        what = f"exporting the specification of {definition_id}"
        try:
            answer = client.post(definition_id, "exportSpecification", IMPORT_API_VERSION, None, what=what, result_at_location=True)
            if not isinstance(answer, Mapping) or not isinstance(answer.get("value"), str):
                return None
            value = str(answer["value"])
            if str(answer.get("format", "inline")).lower() == "link":
                value = _download(value, what=what, timeout=client.request_timeout)
            return sha256(value)
        except AzureError as exc:
            if required and not (exc.status is not None and 400 <= exc.status < 500):
                raise
            return None

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        return pulumi.dynamic.CreateResult(id_=props["definitionId"], outs=self._import(props))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        return pulumi.dynamic.UpdateResult(outs=self._import(news))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        # neither the file's path nor its text is compared: its hash stands for it, and __provider never triggers an import
        changed = [k for k in _COMPARED if olds.get(k) != news.get(k)]
        replaces = ["definitionId"] if "definitionId" in changed else []
        return pulumi.dynamic.DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        """`pulumi refresh`: is the imported specification still there, as imported?"""
        definition_id = str(props.get("definitionId") or id_)
        client = self._client()
        found = client.get(definition_id, IMPORT_API_VERSION, what=f"reading {definition_id}")
        if found is None:
            return pulumi.dynamic.ReadResult(id_="", outs={})  # the definition is gone, and its import with it
        outs = {k: props.get(k) for k in (*_COMPARED, "exportHash")}
        properties = found.get("properties") if isinstance(found.get("properties"), Mapping) else {}
        specification = properties.get("specification") if isinstance(properties, Mapping) else None
        if not isinstance(specification, Mapping) or not specification.get("name"):
            return pulumi.dynamic.ReadResult(id_=id_, outs={**outs, "contentHash": MISSING, "exportHash": None})
        outs["specificationName"] = specification.get("name")
        outs["specificationVersion"] = specification.get("version") or None
        exported = self._exported_hash(client, definition_id, required=True)
        if exported is None:
            return pulumi.dynamic.ReadResult(id_=id_, outs={**outs, "contentHash": MISSING, "exportHash": None})
        if exported not in (props.get("exportHash"), props.get("contentHash")):
            # imported by someone else (or another file): the next `pulumi up` imports the spec's file again
            outs["contentHash"] = f"changed outside Pulumi: Azure returns text with sha256 {exported}"
        outs["exportHash"] = exported
        return pulumi.dynamic.ReadResult(id_=id_, outs=outs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        # an import has nothing to undo: the definition (and with it the specification) is its own resource
        return None


def _download(url: str, *, what: str, timeout: float) -> str:
    """The text behind an export's link (a storage URL with its own signature): fetched without
    our bearer token, which must never go to another host."""
    checked_endpoint(url, "the exported specification's link")
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": "apic-access/1"}), timeout=timeout) as reply:
            return bytes(reply.read()).decode("utf-8-sig")
    except OSError as exc:
        raise AzureError(f"{what}: cannot download the exported specification ({exc})") from None


_DEFAULT_PROVIDER = DefinitionImportProvider()  # one object, so its serialized form is made once (components/dynamic.py)


class DefinitionImport(OnceSerializedResource, module="apicenter", name="DefinitionImport"):
    """The specification file of one API definition, imported into it.

    Pass the definition's ARM id, the format (`specification_name`, `specification_version`),
    the file's path and its sha256; the import runs again only when the hash changes. The file
    is read by the provider when it imports, so the state keeps its hash, never its text.
    """

    def __init__(
        self,
        name: str,
        *,
        definition_id: pulumi.Input[str],
        specification_name: pulumi.Input[str],
        specification_version: pulumi.Input[str] | None,
        file: str,
        content_hash: pulumi.Input[str],
        provider: DefinitionImportProvider | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ):
        props = {
            "definitionId": definition_id,
            "specificationName": specification_name,
            "specificationVersion": specification_version,
            "file": str(Path(file).resolve()),
            "contentHash": content_hash,
        }
        super().__init__(provider or _DEFAULT_PROVIDER, name, props, opts)
