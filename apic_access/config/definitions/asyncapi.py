"""AsyncAPI 2.x and 3.x: validated against the AsyncAPI Initiative's JSON Schema for the
exact version the file states. AsyncAPI 1.x (`topics` rather than `channels`) is recognised
only to name the conversion."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import format_path
from .common import FILE, Finding, error, short
from .refs import deepest, points_to_something, ref_findings

# The AsyncAPI Initiative's JSON Schemas, one file per version, vendored unchanged from the
# npm package @asyncapi/specs 6.11.1 (Apache-2.0; LICENSE and NOTICE beside them): no
# maintained PyPI package ships them.
ASYNCAPI_SCHEMAS = Path(__file__).resolve().parent.parent / "asyncapi"


def asyncapi_1(version: str) -> Finding:
    """An AsyncAPI 1.x document: refused, with the conversion."""
    return error(
        f"is AsyncAPI {version}, a major version before 2.0 that API Center's tools do not read (its `topics` became `channels`): "
        f"convert it with the AsyncAPI CLI (npm package @asyncapi/cli): `asyncapi convert {FILE} -o asyncapi.yaml -t 2.6.0`, "
        "and point `file` at the result"
    )


def asyncapi_versions() -> list[str]:
    """The AsyncAPI versions whose JSON Schema we have."""

    def key(v: str) -> tuple[int, ...]:
        return tuple(int(p) for p in v.split("."))

    return sorted((p.stem for p in ASYNCAPI_SCHEMAS.glob("*.json")), key=key)


@cache
def _asyncapi_validator(version: str) -> Any:
    from jsonschema import Draft7Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT7

    schema = json.loads((ASYNCAPI_SCHEMAS / f"{version}.json").read_text(encoding="utf-8"))
    # the file bundles every definition under its own $id: crawl registers them all, so
    # nothing is ever fetched
    registry: Any = Registry().with_resource(schema["$id"], DRAFT7.create_resource(schema)).crawl()
    return Draft7Validator(schema, registry=registry)


def check(document: dict[str, Any], version: str | None) -> list[Finding]:
    """What keeps `document` from being valid AsyncAPI that ARM imports alone."""
    known = asyncapi_versions()
    if version not in known:
        return [Finding("", f" says AsyncAPI {version}, which cannot be checked: use one of {', '.join(known)} (the exact version, as a string)", node=("asyncapi",))]
    findings, refs = ref_findings(document, "`components`")
    if any(f.severity == "error" for f in findings):
        return findings
    error = next(iter(_asyncapi_validator(version).iter_errors(document)), None)
    if error is not None:
        error = deepest(error)
        node = tuple(error.absolute_path)
        text = short(error.message) + (f" (at {format_path(node)})" if node else "")
        return [Finding("", f" is not valid AsyncAPI {version}: {text}: fix the specification (the portal needs a valid one)", node=node or None), *findings]
    for ref, where in refs.local:
        if not points_to_something(document, ref):
            return [
                Finding(
                    "",
                    f" is not valid AsyncAPI {version}: $ref '{short(ref, 80)}' (at {format_path(where)}) points to nothing: "
                    "add what it names under `components` or fix the reference",
                    node=tuple(where),
                ),
                *findings,
            ]
    return findings


