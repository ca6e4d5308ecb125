"""Importing a specification file into an API definition, so "Try this API" has operations.

ARM imports a specification through an action, not a resource:
`POST {definition id}/importSpecification` with `{"format": "inline", "value": ..., "specification":
{"name", "version"}}`, answered with 200, or 202 and a Location / Azure-AsyncOperation header to
poll. `DefinitionImport` is a Pulumi dynamic resource that runs that action when the file's
content hash (or the definition, or the format) changes, and at no other time.

The provider runs in Pulumi's dynamic-provider process, with the credentials Pulumi itself uses
(ARM_* environment variables or azure-native:* stack config, else DefaultAzureCredential: az
login, AZURE_* variables, workload or managed identity). `APIC_ACCESS_ARM_ENDPOINT` points it
at another ARM endpoint (a sovereign cloud, or a test server).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic

from apic_access.azure import arm
from apic_access.azure.client import AzureError, pulumi_credential

from .dynamic import ArmProvider, OnceSerializedResource

# ARM contract of the action (the api-version the project uses for API Center).
IMPORT_API_VERSION = arm.IMPORT_SPECIFICATION_API_VERSION
ENDPOINT_ENV = "APIC_ACCESS_ARM_ENDPOINT"

# ARM refused or failed the import; the message carries ARM's `code: message`.
DefinitionImportError = AzureError

__all__ = ["DefinitionImport", "DefinitionImportError", "DefinitionImportProvider", "IMPORT_API_VERSION", "pulumi_credential"]


class DefinitionImportProvider(ArmProvider):
    """Runs importSpecification. Inputs: definitionId, specificationName, specificationVersion,
    content, contentHash. Only contentHash, the definition or the format trigger an import.

    `token`, `endpoint`, `sleep` and the retry settings are for tests; by default the token
    comes from Pulumi's Azure credentials and the endpoint from APIC_ACCESS_ARM_ENDPOINT.
    """

    def _import(self, props: Mapping[str, Any]) -> dict[str, Any]:
        specification = {"name": props["specificationName"]}
        if props.get("specificationVersion"):
            specification["version"] = props["specificationVersion"]
        body = {"format": "inline", "value": props["content"], "specification": specification}
        client = self._client()
        what = f"importing the specification into {props['definitionId']}"
        client.post(props["definitionId"], "importSpecification", IMPORT_API_VERSION, body, what=what)
        # the state keeps the hash, not the content: the content is an input already
        return {k: props.get(k) for k in ("definitionId", "specificationName", "specificationVersion", "contentHash")}

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        return pulumi.dynamic.CreateResult(id_=props["definitionId"], outs=self._import(props))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        return pulumi.dynamic.UpdateResult(outs=self._import(news))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        # the content itself is not compared: its hash stands for it, and __provider never triggers an import
        changed = [k for k in ("definitionId", "specificationName", "specificationVersion", "contentHash") if olds.get(k) != news.get(k)]
        replaces = ["definitionId"] if "definitionId" in changed else []
        return pulumi.dynamic.DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        # an import has nothing to undo: the definition (and with it the specification) is its own resource
        return None


_DEFAULT_PROVIDER = DefinitionImportProvider()  # one object, so its serialized form is made once (components/dynamic.py)


class DefinitionImport(OnceSerializedResource, module="apicenter", name="DefinitionImport"):
    """The specification file of one API definition, imported into it.

    Pass the definition's ARM id, the format (`specification_name`, `specification_version`),
    the file's text and its sha256; the import runs again only when the hash changes.
    """

    def __init__(
        self,
        name: str,
        *,
        definition_id: pulumi.Input[str],
        specification_name: pulumi.Input[str],
        specification_version: pulumi.Input[str] | None,
        content: pulumi.Input[str],
        content_hash: pulumi.Input[str],
        provider: DefinitionImportProvider | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ):
        props = {
            "definitionId": definition_id,
            "specificationName": specification_name,
            "specificationVersion": specification_version,
            "content": content,
            "contentHash": content_hash,
        }
        super().__init__(provider or _DEFAULT_PROVIDER, name, props, opts)
