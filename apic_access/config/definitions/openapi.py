"""OpenAPI 2.0 (Swagger), 3.0, 3.1 and 3.2: validated with openapi-spec-validator, offline.

Swagger 1.x (`swaggerVersion: "1.2"`) predates OpenAPI and is recognised only to name the
conversion: ARM's import and API Center's portal read OpenAPI 2.0 and later.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from ..errors import format_path
from .common import FILE, Finding, error, short, title
from .refs import deepest, points_to_something, ref_findings, validation_error

# openapi-spec-validator switches to jsonschema-rs when it is installed (we use it for the
# spec's own fast path); its messages are long and engine-worded, so keep the readable
# backend unless the user chose one.
os.environ.setdefault("OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND", "jsonschema")


def swagger_1(document: dict[str, Any]) -> Finding:
    """A Swagger 1.x resource listing or API declaration: refused, with the conversion."""
    version = str(document.get("swaggerVersion"))
    apis = document.get("apis")
    listing = "resourcePath" not in document and isinstance(apis, list) and any(isinstance(a, dict) and "operations" not in a for a in apis)
    part = " (a resource listing: its API declarations are separate files)" if listing else ""
    return error(
        f"is Swagger {version}{part}, which ARM does not import: API Center reads OpenAPI 2.0 and later; convert it, "
        f"for example with the npm package api-spec-converter: `api-spec-converter --from=swagger_1 --to=openapi_3 --syntax=yaml {FILE} > openapi.yaml`, "
        "and point `file` at the result"
    )


def check(document: dict[str, Any], version: str | None) -> list[Finding]:
    """What keeps `document` from being valid OpenAPI that ARM imports alone."""
    from openapi_spec_validator.shortcuts import get_validator_cls
    from openapi_spec_validator.validation.exceptions import ValidatorDetectError

    # an unquoted `swagger: 2.0` is a number to YAML: the validator wants the text
    document = {k: (str(v) if k in ("openapi", "swagger") else v) for k, v in document.items()}
    try:
        cls = get_validator_cls(document)
    except ValidatorDetectError:
        key = "swagger" if "swagger" in document else "openapi"
        return [Finding("", f" says OpenAPI {version}, which cannot be checked: use OpenAPI 2.0, 3.0, 3.1 or 3.2", node=(key,))]
    findings, refs = ref_findings(document, "swagger" if "swagger" in document else "`components`")
    if any(f.severity == "error" for f in findings):
        return findings
    # every $ref left outside extensions is local: nothing is read from disk or the network
    attributes: dict[str, Any] = {"resolver_handlers": {}}
    if _structurally_valid(cls, document):
        # the whole-document schema pass already succeeded natively; the semantic checks remain
        attributes["schema_validator"] = _NO_ERRORS
    offline = type("OfflineValidator", (cls,), attributes)
    node: tuple[Any, ...] | None = None
    try:
        error = next(iter(offline(document).iter_errors()), None)
    except Exception as exc:  # noqa: BLE001 - a $ref the validator cannot follow, for example
        message = str(exc).split(" does not exist within ", 1)[0] + (" does not exist" if " does not exist within " in str(exc) else "")
        error, text = None, short(message)
        # the validator does not say where: the first local $ref that points to nothing is
        node = next((tuple(where) for ref, where in refs.local if not points_to_something(document, ref)), None)
    else:
        text = ""
    if error is not None:
        error = deepest(error)
        node = tuple(error.absolute_path) if isinstance(error, validation_error()) else ()
        text = short(error.message) + (f" (at {format_path(node)})" if node else "")
    if text:
        fix = "fix the specification (the portal's \"Try this API\" needs a valid one)"
        findings.insert(0, Finding("", f" is not valid {title('openapi', version)}: {text}: {fix}", node=node or None))
    return findings


class _NoErrors:
    def iter_errors(self, _instance: Any) -> Any:
        return iter(())


_NO_ERRORS = _NoErrors()


@cache
def _native_validator(cls: type) -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(dict(cls.schema_validator.schema))  # type: ignore[attr-defined]


def _structurally_valid(cls: type, document: dict[str, Any]) -> bool:
    """Whether the document passes its OpenAPI version's JSON Schema, checked natively
    (jsonschema-rs, a few times faster on a large file). False means "not known": the
    validator's own pass then runs and words any error."""
    try:
        return bool(_native_validator(cls).is_valid(document))
    except Exception:  # noqa: BLE001 - the native engine is an optimisation, never a verdict
        return False


