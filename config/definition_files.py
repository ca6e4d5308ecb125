"""Definition files (`definitions.NAME.file`): checked before anything is sent to Azure.

ARM imports a specification into an API definition with the importSpecification action
(components/definition_import.py). Whatever it would reject, or import without the
operations "Try this API" needs, is reported here with the spec's file:line:col: the
file is missing, too large, of an unknown format, does not parse, or is not valid OpenAPI.

Paths are relative to the spec file the `file:` key is written in (with `extends`, that
may be a base spec). The checks read the raw tree defensively, like config/checks.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, display_path, format_path

# openapi-spec-validator switches to jsonschema-rs when it is installed (we use it for the
# spec's own fast path); its messages are long and engine-worded, so keep the readable
# backend unless the user chose one.
os.environ.setdefault("OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND", "jsonschema")
from .project import outside, project_root
from .schema import mark_at

# The largest inline specification we send. Microsoft documents no size limit for
# importSpecification (the API Center limits page counts APIs, versions and definitions only).
# The Azure CLI's apic extension (`az apic api definition import-specification`,
# Azure/azure-cli-extensions src/apic-extension/azext_apic_extension/custom.py) flags an
# inline value over 3 MB and tells the user to import by link instead: we use its 3 MiB.
MAX_BYTES = 3 * 1024 * 1024

# Formats told apart by the file's extension alone.
_BY_EXTENSION = {".graphql": "graphql", ".gql": "graphql", ".proto": "grpc", ".raml": "raml"}
# Extensions whose syntax we know, so a file that does not parse is always a problem.
_SYNTAX = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".wsdl": "xml", ".wadl": "xml", ".xml": "xml"}
# Formats written as JSON or YAML: the file must parse whatever its extension.
_STRUCTURED = ("openapi", "asyncapi")
# Formats whose content says nothing we could contradict.
_OPAQUE = ("other", "mcp")
_TITLES = {"openapi": "OpenAPI", "asyncapi": "AsyncAPI", "graphql": "GraphQL", "wsdl": "WSDL", "wadl": "WADL", "grpc": "gRPC", "raml": "RAML"}

_EXAMPLE_KEYS = {"openapi": "openapi: 3.0.3", "asyncapi": "asyncapi: 2.6.0"}

_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _YamlLoader(_SafeLoader):
    """Safe YAML as OpenAPI tools read it: dates stay strings."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"] for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class DefinitionFile:
    """What the model keeps of a definition file: where it is, its hash, its format."""

    path: str
    content_hash: str
    specification_name: str | None
    specification_version: str | None


@dataclass(frozen=True)
class _Facts:
    """One file read and looked at: the detected format, the parsed document, what went wrong."""

    name: str | None = None
    version: str | None = None
    document: Any = None
    syntax_error: str | None = None


def resolve_file(definition: Any, value: str, spec_file: str) -> Path:
    """The definition file named by `value`, relative to the spec file `file:` is written in."""
    written_in = getattr(definition, "written_in", None) or spec_file  # config/resolve.py's WrittenIn
    return Path(written_in).parent / value


def read_text(path: str | Path) -> str:
    """The file's text as ARM receives it (a UTF-8 byte-order mark is dropped)."""
    return Path(path).read_bytes().decode("utf-8-sig")


def describe_file(definition: Any, value: str, spec_file: str) -> DefinitionFile:
    """Hash and format of a definition file that passed `check_definition_files`."""
    path = resolve_file(definition, value, spec_file).resolve()
    data = path.read_bytes()
    facts = _inspect(path, data.decode("utf-8-sig"))
    given = definition.get("specification") if isinstance(definition, dict) else None
    given = given if isinstance(given, dict) else {}
    return DefinitionFile(
        path=str(path),
        content_hash=hashlib.sha256(data).hexdigest(),
        specification_name=given.get("name") or facts.name,
        specification_version=given.get("version") or facts.version,
    )


def check_definition_files(root: Any, spec_file: str) -> list[Problem]:
    """Every problem with the spec's definition files, each pointing at its `file:` key."""
    problems: list[Problem] = []
    for api, aspec in _map(_map(root).get("apis")).items():
        for ver, vspec in _map(_map(aspec).get("versions")).items():
            for name, dspec in _map(_map(vspec).get("definitions")).items():
                value = _map(dspec).get("file")
                if not isinstance(value, str) or not value:
                    continue  # the schema reports it
                path = ["apis", api, "versions", ver, "definitions", name, "file"]
                if _map(dspec).get("existing") is True:
                    problems.append(
                        Problem(
                            mark_at(root, path),
                            format_path(path),
                            "is not imported: the definition has `existing: true`, so this stack does not change it; "
                            "remove `file`, or remove `existing: true` to let this stack own the definition",
                            "warning",
                        )
                    )
                    continue
                message = _check_file(dspec, value, spec_file)
                if message:
                    problems.append(Problem(mark_at(root, path), format_path(path), message))
    return problems


def _check_file(definition: Any, value: str, spec_file: str) -> str | None:
    """What is wrong with one definition file, ending with the fix; None when nothing is."""
    path = resolve_file(definition, value, spec_file)
    # specs come from pull requests: a definition file is uploaded to API Center, so it must be the project's
    escape = outside(value, resolve_file(definition, ".", spec_file), project_root(spec_file))
    if escape:
        return f"'{value}' {escape}: move the file into the project and give its path relative to the spec file"
    shown = display_path(str(path))
    try:
        info = path.stat()
    except FileNotFoundError:
        return f"file '{value}' not found (looked for {shown}): the path is relative to the spec file it is written in; fix the path or add the file"
    except ValueError:  # a NUL character
        return f"'{value}' is not a usable file name: fix the path"
    except OSError as exc:
        return f"cannot read '{value}': {exc.strerror}; check the path and the file's permissions"
    if stat.S_ISDIR(info.st_mode):
        return f"'{value}' is a directory: name the specification file itself"
    if not stat.S_ISREG(info.st_mode):
        return f"'{value}' is not a regular file: name the specification file itself"
    # the size before reading: a huge file is never read into memory
    if info.st_size > MAX_BYTES:
        return (
            f"'{value}' is {info.st_size:,} bytes, more than the {MAX_BYTES:,} ({MAX_BYTES // 2**20} MiB) ARM imports inline: "
            "make it smaller, for example by moving examples out of it"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot read '{value}': {exc.strerror}; check the path and the file's permissions"
    if not data.strip():
        return f"'{value}' is empty: put the API's specification in it"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return f"'{value}' is not UTF-8 text ({exc.reason} at byte {exc.start}): save it as UTF-8"

    facts = _inspect(path, text)
    spec = _map(_map(definition).get("specification"))
    given = spec.get("name") if isinstance(spec.get("name"), str) else None
    name = given or facts.name
    if facts.syntax_error and (path.suffix.lower() in _SYNTAX or name in _STRUCTURED):
        return f"'{value}' {facts.syntax_error}: fix the syntax"
    if given and facts.name and given != facts.name and given not in _OPAQUE:
        return (
            f"'{value}' is {_title(facts.name, facts.version)} but `specification.name` says '{given}': "
            "fix `specification.name`, or remove `specification` (the format is detected from the file)"
        )
    if not name:
        return (
            f"cannot tell the format of '{value}': it has no `openapi`, `swagger` or `asyncapi` key and is not a "
            ".graphql, .gql, .wsdl or .proto file; add `specification: {name: ..., version: ...}` to the definition"
        )
    if name in _STRUCTURED and not isinstance(facts.document, dict):
        return f"'{value}' is not a mapping of keys, so it cannot be {_TITLES[name]}: check that it is the right file"
    if name in _STRUCTURED and facts.name != name:
        key = "`openapi` (or `swagger`)" if name == "openapi" else "`asyncapi`"
        return f"'{value}' has no {key} key stating its {_TITLES[name]} version: add it at the top of the file, for example `{_EXAMPLE_KEYS[name]}`"
    if name == "openapi":
        return _openapi_error(facts.document, value, facts.version)
    return None


def _inspect(path: Path, text: str) -> _Facts:
    """The format a file declares (by its keys, XML root or extension) and its parsed content."""
    suffix = path.suffix.lower()
    if suffix in _BY_EXTENSION:
        return _Facts(_BY_EXTENSION[suffix])
    syntax = _SYNTAX.get(suffix, "yaml")
    if syntax == "xml":
        try:
            root = ElementTree.fromstring(text)
        except ElementTree.ParseError as exc:
            line, col = exc.position
            return _Facts(syntax_error=f"is not well-formed XML: {str(exc).split(':')[0]} at line {line}, column {col + 1}")
        tag = root.tag.rsplit("}", 1)[-1]
        if tag == "definitions" or (tag == "description" and suffix == ".wsdl"):
            return _Facts("wsdl", "1.1" if tag == "definitions" else "2.0", root)
        if tag == "application" and suffix == ".wadl":
            return _Facts("wadl", None, root)
        return _Facts("wsdl" if suffix == ".wsdl" else None, None, root)
    document, error = _parse(text, syntax)
    if error:
        return _Facts(syntax_error=error)
    if isinstance(document, dict):
        for key, fmt in (("openapi", "openapi"), ("swagger", "openapi"), ("asyncapi", "asyncapi")):
            if key in document and isinstance(document[key], (str, int, float)) and not isinstance(document[key], bool):
                return _Facts(fmt, str(document[key]), document)
    return _Facts(document=document)


def _parse(text: str, syntax: str) -> tuple[Any, str | None]:
    if syntax == "json":
        try:
            return json.loads(text), None
        except json.JSONDecodeError as exc:
            return None, f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
    try:
        return yaml.load(text, Loader=_YamlLoader), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return None, f"is not valid YAML: {exc.problem or exc.context or 'syntax error'}{where}"
    except yaml.YAMLError as exc:
        return None, f"is not valid YAML: {exc}"
    except RecursionError:
        return None, "is not valid YAML: nesting is too deep"


def _openapi_error(document: dict[str, Any], value: str, version: str | None) -> str | None:
    """What keeps `document` from being valid OpenAPI, ending with the fix; None when nothing does."""
    from jsonschema.exceptions import ValidationError  # here: `validate` of a spec without OpenAPI files never imports it
    from openapi_spec_validator.shortcuts import get_validator_cls
    from openapi_spec_validator.validation.exceptions import ValidatorDetectError

    # an unquoted `swagger: 2.0` is a number to YAML: the validator wants the text
    document = {k: (str(v) if k in ("openapi", "swagger") else v) for k, v in document.items()}
    try:
        cls = get_validator_cls(document)
    except ValidatorDetectError:
        return f"'{value}' says OpenAPI {version}, which cannot be checked: use OpenAPI 2.0, 3.0, 3.1 or 3.2"
    outside = _outside_ref(document, [])
    if outside:
        ref, ref_path = outside
        return (
            f"'{value}' refers outside itself ($ref '{_short(ref, 80)}' at {format_path(ref_path)}): ARM imports the file alone, "
            "so move what it points to into the file (under components)"
        )
    # every $ref left is local: nothing is read from disk or the network
    offline = type("OfflineValidator", (cls,), {"resolver_handlers": {}})
    try:
        error = next(iter(offline(document).iter_errors()), None)
    except Exception as exc:  # noqa: BLE001 - a $ref the validator cannot follow, for example
        message = str(exc).split(" does not exist within ", 1)[0] + (" does not exist" if " does not exist within " in str(exc) else "")
        error, text = None, _short(message)
    else:
        text = ""
    if error is not None:
        error = _deepest(error)
        where = format_path(list(error.absolute_path)) if isinstance(error, ValidationError) else ""
        text = _short(error.message) + (f" (at {where})" if where else "")
    if not text:
        return None
    return f"'{value}' is not valid {_title('openapi', version)}: {text}: fix the specification (the portal's \"Try this API\" needs a valid one)"


def _outside_ref(node: Any, path: list[Any]) -> tuple[str, list[Any]] | None:
    """The first `$ref` that does not point into the document itself."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            return ref, [*path, "$ref"]
        for key, child in node.items():
            found = _outside_ref(child, [*path, key])
            if found:
                return found
    elif isinstance(node, list):
        for i, child in enumerate(node):
            found = _outside_ref(child, [*path, i])
            if found:
                return found
    return None


def _deepest(error: Any) -> Any:
    """Of a oneOf/anyOf failure, the alternatives' error deepest in the document: the likeliest
    cause. When every alternative wants a different value there, one error lists them all."""
    from jsonschema.exceptions import ValidationError

    if not isinstance(error, ValidationError) or not error.context:
        return error
    leaves = [_deepest(e) for e in error.context]
    depth = max(len(e.absolute_path) for e in leaves)
    deepest = [e for e in leaves if len(e.absolute_path) == depth]
    if len(deepest) > 1 and all(e.validator in ("enum", "const") and e.absolute_path == deepest[0].absolute_path for e in deepest):
        allowed: list[Any] = []
        for e in deepest:
            for option in e.validator_value if e.validator == "enum" else [e.validator_value]:
                if option not in allowed:
                    allowed.append(option)
        merged = ValidationError(f"{deepest[0].instance!r} is not one of {allowed!r}", path=deepest[0].absolute_path, validator="enum")
        return merged
    return deepest[0]


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _title(name: str | None, version: str | None) -> str:
    title = _TITLES.get(name or "", name or "?")
    return f"{title} {version}" if version else title


def _map(node: Any) -> dict[str, Any]:
    return node if isinstance(node, dict) else {}
