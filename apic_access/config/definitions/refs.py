"""`$ref`s of OpenAPI and AsyncAPI documents, sorted by what they mean to ARM's import (which
receives one file's text): a `$ref` that is not `#...`, anywhere but inside an `x-*` vendor
extension, refers outside the file; inside an extension it is plain data to the format and
to ARM (Azure's own Swagger files link examples from `x-ms-examples`): there, a warning.

Azure's REST API specs also `$ref` the shared common-types files
(`../../../common-types/resource-management/v5/types.json#/...`) from parameters, responses
and definitions: those are refused like any other link out of the file, because the
operations that use them would import without their parameters, responses or error shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import format_path
from .common import Finding, first_and_more, short

# Fields whose values are maps of names the author chose: there, `x-...` is a name (a
# property, a schema, a header), not a vendor extension.
_NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "definitions",
        "$defs",
        "dependentSchemas",
        "schemas",
        "parameters",
        "headers",
        "content",
        "examples",
        "links",
        "callbacks",
        "securitySchemes",
        "securityDefinitions",
        "requestBodies",
        "pathItems",
        "encoding",
        "variables",
        "mapping",
        "scopes",
        "webhooks",
        "channels",
        "messages",
        "operations",
        "servers",
        "serverVariables",
        "correlationIds",
        "messageTraits",
        "operationTraits",
        "replies",
        "replyAddresses",
        "externalDocs",
        "tags",
    }
)
# Example and default values: data, whatever keys they hold.
_DATA = frozenset({"example", "default", "enum", "const", "value"})


@dataclass
class Refs:
    outside: list[tuple[str, list[Any]]] = field(default_factory=list)
    in_extensions: list[tuple[str, list[Any]]] = field(default_factory=list)
    local: list[tuple[str, list[Any]]] = field(default_factory=list)


def collect_refs(document: Any) -> Refs:
    """Every `$ref` of an OpenAPI or AsyncAPI document, sorted by what it means to ARM's import."""
    refs = Refs()
    # (node, path, node is a map of names, under an x-* extension); a stack, not recursion:
    # a generated file can nest deeper than Python's recursion limit
    stack: list[tuple[Any, list[Any], bool, bool]] = [(document, [], False, False)]
    while stack:
        node, path, names, extension = stack.pop()
        if isinstance(node, list):
            stack.extend((child, [*path, i], False, extension) for i, child in reversed(list(enumerate(node))))
            continue
        if not isinstance(node, dict):
            continue
        if not names:
            ref = node.get("$ref")
            if isinstance(ref, str):
                where = [*path, "$ref"]
                if extension:
                    if not ref.startswith("#"):
                        refs.in_extensions.append((ref, where))
                elif ref.startswith("#"):
                    refs.local.append((ref, where))
                else:
                    refs.outside.append((ref, where))
        children = []
        for key, child in node.items():
            if names:
                children.append((child, [*path, key], False, extension))
                continue
            if key == "$ref" or (key in _DATA and not extension and not (key == "default" and path and path[-1] == "responses")):
                continue  # (`default` under `responses` is the default response, not a default value)
            if key == "examples" and isinstance(child, list):
                continue  # example values (JSON Schema, AsyncAPI messages): data
            is_extension = extension or (isinstance(key, str) and key.startswith("x-"))
            top = path in ([], ["components"])
            child_names = key in _NAME_MAPS or (key == "responses" and top)
            children.append((child, [*path, key], child_names, is_extension))
        stack.extend(reversed(children))
    return refs


def ref_findings(document: dict[str, Any], fix: str) -> tuple[list[Finding], Refs]:
    refs = collect_refs(document)
    findings: list[Finding] = []
    if refs.outside:
        ref, where = refs.outside[0]
        more = first_and_more(refs.outside)
        place = fix if fix != "swagger" else _swagger_home(where)
        findings.append(
            Finding(
                "",
                f" refers outside itself ($ref '{short(ref, 80)}' at {format_path(where)}{more}): ARM imports the file alone, "
                f"so move what it points to into the file (under {place})",
                node=tuple(where),
            )
        )
    elif refs.in_extensions:
        ref, where = refs.in_extensions[0]
        more = first_and_more(refs.in_extensions)
        findings.append(
            Finding(
                "",
                f" links to other files inside vendor extensions ($ref '{short(ref, 80)}' at {format_path(where)}{more}): "
                "ARM imports the file alone and keeps these as plain data, so what they point to is not imported; "
                "nothing to fix unless the portal should show it, then put it in the file",
                "warning",
                node=tuple(where),
            )
        )
    return findings, refs


def _swagger_home(where: list[Any]) -> str:
    """Where a Swagger 2.0 file keeps what a `$ref` at `where` points to."""
    if len(where) >= 3 and where[-3] == "parameters":
        return "`parameters`"
    if len(where) >= 3 and where[-3] == "responses":
        return "`responses`"
    return "`definitions`"



def points_to_something(document: Any, ref: str) -> bool:
    """Whether a local `#/a/b` reference names a node of the document (JSON Pointer)."""
    node = document
    pointer = ref[1:]
    if not pointer:
        return True
    if not pointer.startswith("/"):
        return True  # an anchor (`#name`): not a pointer we can follow
    for raw in pointer[1:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True



# --- jsonschema's errors, in the user's words ------------------------------------------


def validation_error() -> Any:
    """jsonschema's error type, imported when a definition file is validated: the import costs
    0.1 s that a spec without definition files should not pay."""
    from jsonschema.exceptions import ValidationError

    return ValidationError


def deepest(error: Any) -> Any:
    """Of a oneOf/anyOf failure, the alternatives' error deepest in the document: the likeliest
    cause. When every alternative wants a different value there, one error lists them all."""
    if not isinstance(error, validation_error()) or not error.context:
        return error
    leaves = [deepest(e) for e in error.context]
    depth = max(len(e.absolute_path) for e in leaves)
    chosen = [e for e in leaves if len(e.absolute_path) == depth]
    if len(chosen) > 1 and all(e.validator in ("enum", "const") and e.absolute_path == chosen[0].absolute_path for e in chosen):
        allowed: list[Any] = []
        for e in chosen:
            for option in e.validator_value if e.validator == "enum" else [e.validator_value]:
                if option not in allowed:
                    allowed.append(option)
        merged = validation_error()(f"{chosen[0].instance!r} is not one of {allowed!r}", path=chosen[0].absolute_path, validator="enum")
        return merged
    return chosen[0]

