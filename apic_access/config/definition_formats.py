"""What a definition file must be, format by format, for ARM to import it alone.

`judge(text, suffix, given)` detects the format (by the file's keys, XML root or extension,
or as `specification.name` gives it), parses it with the format's own parser, and returns
every finding as a message about the file, ending with the fix. It depends on nothing but
its arguments, so config/definition_files.py caches it by the file's content.

"Refers outside itself" by format (ARM's importSpecification receives one file's text):
- OpenAPI 2 and 3, AsyncAPI 2 and 3: a `$ref` that is not `#...`, anywhere but inside an
  `x-*` vendor extension, which is plain data to the format and to ARM (Azure's own Swagger
  files link examples from `x-ms-examples`): there, a link is a warning;
- WSDL: `import`/`include` with a `location`, and XML Schema `import`/`include`/`redefine`/
  `override` with a `schemaLocation`;
- protobuf: an `import` of anything but Google's well-known types (`google/protobuf/*`).
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import xml.sax
import xml.sax.handler
import xml.sax.xmlreader
from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import cache
from json.decoder import scanstring  # type: ignore[attr-defined]  # (C-accelerated; typeshed omits it)
from pathlib import Path
from typing import Any

import yaml

from .errors import PathMark, format_path
from .loader import Source, budget_problem, has_anchors
from .positions import Locator
from .proto import ProtoSyntaxError
from .proto import parse as parse_proto

# openapi-spec-validator switches to jsonschema-rs when it is installed (we use it for the
# spec's own fast path); its messages are long and engine-worded, so keep the readable
# backend unless the user chose one.
os.environ.setdefault("OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND", "jsonschema")

# The AsyncAPI Initiative's JSON Schemas, one file per version, vendored unchanged from the
# npm package @asyncapi/specs 6.11.1 (Apache-2.0; LICENSE and NOTICE beside them): no
# maintained PyPI package ships them.
ASYNCAPI_SCHEMAS = Path(__file__).resolve().parent / "asyncapi"

# Formats told apart by the file's extension alone.
_BY_EXTENSION = {".graphql": "graphql", ".gql": "graphql", ".graphqls": "graphql", ".proto": "grpc", ".raml": "raml"}
# Extensions whose syntax we know, so a file that does not parse is always a problem.
_SYNTAX = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".wsdl": "xml", ".wadl": "xml", ".xml": "xml"}
# Formats written as JSON or YAML: the file must parse whatever its extension.
_STRUCTURED = ("openapi", "asyncapi")
# Formats whose content says nothing we could contradict.
_OPAQUE = ("other", "mcp")
_TITLES = {"openapi": "OpenAPI", "asyncapi": "AsyncAPI", "graphql": "GraphQL", "wsdl": "WSDL", "wadl": "WADL", "grpc": "gRPC", "raml": "RAML"}
_EXAMPLE_KEYS = {"openapi": "openapi: 3.0.3", "asyncapi": "asyncapi: 2.6.0"}

_WSDL11 = "http://schemas.xmlsoap.org/wsdl/"
_WSDL20 = "http://www.w3.org/ns/wsdl"
_XSD = "http://www.w3.org/2001/XMLSchema"

_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _YamlLoader(_SafeLoader):
    """Safe YAML as OpenAPI tools read it: dates stay strings, and keys are the text written
    (`200:` is the response code "200", as in the JSON that ARM and the validators read)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError("while constructing a mapping", node.start_mark, "found a key that is a mapping or list", key_node.start_mark)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"] for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Finding:
    """One problem with a file: `before`, the file's name as the spec writes it, `after`;
    `at`, the (line, column) in the file the problem is at, when the format's parser or
    validator says where."""

    before: str
    after: str
    severity: str = "error"
    at: tuple[int, int] | None = None
    node: tuple[Any, ...] | None = None  # OpenAPI, AsyncAPI: the document path `at` is looked up from

    def message(self, value: str) -> str:
        return f"{self.before}'{value}'{self.after}"


@dataclass(frozen=True)
class Verdict:
    """A file's format as detected (or given), and what is wrong with it."""

    name: str | None
    version: str | None
    findings: tuple[Finding, ...] = ()


@dataclass
class _Facts:
    """One file read and looked at: the detected format, the parsed document, what went wrong."""

    name: str | None = None
    version: str | None = None
    document: Any = None
    syntax_error: str | None = None
    syntax_at: tuple[int, int] | None = None
    outside: list[tuple[str, int, int]] = field(default_factory=list)  # WSDL: (the reference, its line and column)


def _error(after: str, at: tuple[int, int] | None = None) -> Finding:
    return Finding("", " " + after, at=at)


def judge(text: str, suffix: str, given: str | None) -> Verdict:
    """The format of a file with this text and extension, and every problem ARM's import would meet."""
    suffix = suffix.lower()
    facts = _inspect(suffix, text)
    name = given or facts.name
    detected = Verdict(facts.name, facts.version)
    if facts.syntax_error and (suffix in _SYNTAX or name in _STRUCTURED):
        fix = "" if facts.syntax_error.startswith("is refused") else ": fix the syntax"  # a budget names its own fix
        return Verdict(facts.name, facts.version, (_error(facts.syntax_error + fix, facts.syntax_at),))
    if given and facts.name and given != facts.name and given not in _OPAQUE:
        return Verdict(
            facts.name,
            facts.version,
            (
                _error(
                    f"is {_title(facts.name, facts.version)} but `specification.name` says '{given}': "
                    "fix `specification.name`, or remove `specification` (the format is detected from the file)"
                ),
            ),
        )
    if not name:
        return Verdict(
            None,
            None,
            (
                Finding(
                    "cannot tell the format of ",
                    ": it has no `openapi`, `swagger` or `asyncapi` key and is not a "
                    ".graphql, .gql, .wsdl or .proto file; add `specification: {name: ..., version: ...}` to the definition",
                ),
            ),
        )
    if name in _STRUCTURED and not isinstance(facts.document, dict):
        return Verdict(facts.name, facts.version, (_error(f"is not a mapping of keys, so it cannot be {_TITLES[name]}: check that it is the right file"),))
    if name in _STRUCTURED and facts.name != name:
        key = "`openapi` (or `swagger`)" if name == "openapi" else "`asyncapi`"
        return Verdict(
            facts.name,
            facts.version,
            (_error(f"has no {key} key stating its {_TITLES[name]} version: add it at the top of the file, for example `{_EXAMPLE_KEYS[name]}`"),),
        )
    if name == "openapi":
        return Verdict("openapi", facts.version, _placed(_openapi(facts.document, facts.version), text, suffix, facts.document))
    if name == "asyncapi":
        return Verdict("asyncapi", facts.version, _placed(_asyncapi(facts.document, facts.version), text, suffix, facts.document))
    if name == "wsdl" and facts.name == "wsdl":
        return Verdict("wsdl", facts.version, tuple(_wsdl(facts)))
    if name == "graphql":
        return Verdict(facts.name or ("graphql" if given else None), facts.version, tuple(_graphql(text)))
    if name == "grpc":
        return Verdict(facts.name or ("grpc" if given else None), facts.version, tuple(_grpc(text)))
    return detected


# --- detection ------------------------------------------------------------------------


def _inspect(suffix: str, text: str) -> _Facts:
    """The format a file declares (by its keys, XML root or extension) and its parsed content."""
    if suffix in _BY_EXTENSION:
        return _Facts(_BY_EXTENSION[suffix])
    syntax = _SYNTAX.get(suffix, "yaml")
    if syntax == "xml":
        return _inspect_xml(suffix, text)
    document, error, at = _parse(text, syntax)
    if error:
        return _Facts(syntax_error=error, syntax_at=at)
    if isinstance(document, dict):
        for key, fmt in (("openapi", "openapi"), ("swagger", "openapi"), ("asyncapi", "asyncapi")):
            if key in document and isinstance(document[key], (str, int, float)) and not isinstance(document[key], bool):
                return _Facts(fmt, str(document[key]), document)
    return _Facts(document=document)


def _parse(text: str, syntax: str) -> tuple[Any, str | None, tuple[int, int] | None]:
    """The document, or what keeps it from parsing and where."""
    if syntax == "json":
        try:
            return json.loads(text), None, None
        except json.JSONDecodeError as exc:
            return None, f"is not valid JSON: {exc.msg}", (exc.lineno, exc.colno)
        except RecursionError:
            return None, "is not valid JSON: nesting is too deep", None
    # the spec's own alias budget: a few lines of nested aliases ("billion laughs") would make
    # every later walk (validation, positions) take exponential time
    over = budget_problem(text, "definition") if has_anchors(text) else None
    if over is not None:
        return None, f"is refused: {over.message}", (over.mark.line, over.mark.col)
    try:
        return yaml.load(text, Loader=_YamlLoader), None, None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return None, f"is not valid YAML: {exc.problem or exc.context or 'syntax error'}", (mark.line + 1, mark.column + 1) if mark else None
    except yaml.YAMLError as exc:
        return None, f"is not valid YAML: {exc}", None
    except RecursionError:
        return None, "is not valid YAML: nesting is too deep", None


class _XmlFacts(xml.sax.handler.ContentHandler):
    """The root element and every reference to another file, with its line."""

    def __init__(self) -> None:
        super().__init__()
        self.root: tuple[str | None, str] | None = None
        self.outside: list[tuple[str, int, int]] = []
        self._locator: Any = None

    def setDocumentLocator(self, locator: Any) -> None:  # noqa: N802 - SAX's name
        self._locator = locator

    def startElementNS(self, name: tuple[str | None, str], qname: str | None, attrs: Any) -> None:  # noqa: N802 - SAX's name
        uri, local = name
        if self.root is None:
            self.root = (uri, local)
        attribute = None
        if (uri == _WSDL11 and local == "import") or (uri == _WSDL20 and local in ("import", "include")):
            attribute = "location"
        elif uri == _XSD and local in ("import", "include", "redefine", "override"):
            attribute = "schemaLocation"
        if attribute and attrs.get((None, attribute)):
            line, column = (self._locator.getLineNumber(), self._locator.getColumnNumber() + 1) if self._locator else (1, 1)
            prefix = "xsd" if uri == _XSD else "wsdl"  # the usual prefixes: SAX gives the namespace, not the file's prefix
            self.outside.append((f'<{prefix}:{local} {attribute}="{attrs.get((None, attribute))}">', line, column))


def _inspect_xml(suffix: str, text: str) -> _Facts:
    from defusedxml import DefusedXmlException
    from defusedxml.expatreader import create_parser

    handler = _XmlFacts()
    # defusedxml refuses DTDs, entities and external resources: nothing is expanded or fetched
    parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setContentHandler(handler)
    source = xml.sax.xmlreader.InputSource()
    # the text is already decoded (UTF-8, as ARM receives it): a str makes expat ignore the
    # encoding the XML declaration names
    source.setCharacterStream(io.StringIO(text))
    try:
        parser.parse(source)
    except xml.sax.SAXParseException as exc:
        return _Facts(syntax_error=f"is not well-formed XML: {exc.getMessage()}", syntax_at=(exc.getLineNumber() or 1, (exc.getColumnNumber() or 0) + 1))
    except DefusedXmlException:
        return _Facts(syntax_error="declares a DOCTYPE (a DTD or entities), which definition files may not: remove the <!DOCTYPE ...> declaration")
    tag = handler.root[1] if handler.root else ""
    if tag == "definitions" or (tag == "description" and suffix == ".wsdl"):
        return _Facts("wsdl", "1.1" if tag == "definitions" else "2.0", outside=handler.outside)
    if tag == "application" and suffix == ".wadl":
        return _Facts("wadl")
    return _Facts("wsdl" if suffix == ".wsdl" else None, outside=handler.outside)


# --- OpenAPI and AsyncAPI -------------------------------------------------------------

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
class _Refs:
    outside: list[tuple[str, list[Any]]] = field(default_factory=list)
    in_extensions: list[tuple[str, list[Any]]] = field(default_factory=list)
    local: list[tuple[str, list[Any]]] = field(default_factory=list)


def _collect_refs(document: Any) -> _Refs:
    """Every `$ref` of an OpenAPI or AsyncAPI document, sorted by what it means to ARM's import."""
    refs = _Refs()
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


def _ref_findings(document: dict[str, Any], fix: str) -> tuple[list[Finding], _Refs]:
    refs = _collect_refs(document)
    findings: list[Finding] = []
    if refs.outside:
        ref, where = refs.outside[0]
        more = f", and {len(refs.outside) - 1} more" if len(refs.outside) > 1 else ""
        place = fix if fix != "swagger" else _swagger_home(where)
        findings.append(
            Finding(
                "",
                f" refers outside itself ($ref '{_short(ref, 80)}' at {format_path(where)}{more}): ARM imports the file alone, "
                f"so move what it points to into the file (under {place})",
                node=tuple(where),
            )
        )
    elif refs.in_extensions:
        ref, where = refs.in_extensions[0]
        more = f", and {len(refs.in_extensions) - 1} more" if len(refs.in_extensions) > 1 else ""
        findings.append(
            Finding(
                "",
                f" links to other files inside vendor extensions ($ref '{_short(ref, 80)}' at {format_path(where)}{more}): "
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


def _openapi(document: dict[str, Any], version: str | None) -> list[Finding]:
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
    findings, refs = _ref_findings(document, "swagger" if "swagger" in document else "`components`")
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
        error, text = None, _short(message)
        # the validator does not say where: the first local $ref that points to nothing is
        node = next((tuple(where) for ref, where in refs.local if not _points_to_something(document, ref)), None)
    else:
        text = ""
    if error is not None:
        error = _deepest(error)
        node = tuple(error.absolute_path) if isinstance(error, _validation_error()) else ()
        text = _short(error.message) + (f" (at {format_path(node)})" if node else "")
    if text:
        fix = "fix the specification (the portal's \"Try this API\" needs a valid one)"
        findings.insert(0, Finding("", f" is not valid {_title('openapi', version)}: {text}: {fix}", node=node or None))
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


def _asyncapi(document: dict[str, Any], version: str | None) -> list[Finding]:
    """What keeps `document` from being valid AsyncAPI that ARM imports alone."""
    known = asyncapi_versions()
    if version not in known:
        return [Finding("", f" says AsyncAPI {version}, which cannot be checked: use one of {', '.join(known)} (the exact version, as a string)", node=("asyncapi",))]
    findings, refs = _ref_findings(document, "`components`")
    if any(f.severity == "error" for f in findings):
        return findings
    error = next(iter(_asyncapi_validator(version).iter_errors(document)), None)
    if error is not None:
        error = _deepest(error)
        node = tuple(error.absolute_path)
        text = _short(error.message) + (f" (at {format_path(node)})" if node else "")
        return [Finding("", f" is not valid AsyncAPI {version}: {text}: fix the specification (the portal needs a valid one)", node=node or None), *findings]
    for ref, where in refs.local:
        if not _points_to_something(document, ref):
            return [
                Finding(
                    "",
                    f" is not valid AsyncAPI {version}: $ref '{_short(ref, 80)}' (at {format_path(where)}) points to nothing: "
                    "add what it names under `components` or fix the reference",
                    node=tuple(where),
                ),
                *findings,
            ]
    return findings


def _points_to_something(document: Any, ref: str) -> bool:
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


# --- WSDL, GraphQL, protobuf ----------------------------------------------------------


def _wsdl(facts: _Facts) -> list[Finding]:
    if not facts.outside:
        return []
    reference, line, column = facts.outside[0]
    more = f", and {len(facts.outside) - 1} more" if len(facts.outside) > 1 else ""
    part = "schema into this file's <types>" if "schemaLocation" in reference else "definitions into this file"
    return [
        _error(
            f"refers outside itself ({reference}{more}): ARM imports the file alone, so inline the imported part: "
            f"copy the imported {part} and remove the reference",
            (line, column),
        )
    ]


def _graphql(text: str) -> list[Finding]:
    from graphql import GraphQLError, GraphQLSyntaxError, parse
    from graphql.language import (
        FragmentDefinitionNode,
        OperationDefinitionNode,
        SchemaDefinitionNode,
        SchemaExtensionNode,
        TypeDefinitionNode,
        TypeExtensionNode,
    )

    try:
        document = parse(text)
    except GraphQLSyntaxError as exc:
        at = (exc.locations[0].line, exc.locations[0].column) if exc.locations else None
        message = exc.message.removeprefix("Syntax Error: ").rstrip(".")
        return [_error(f"is not valid GraphQL: {message}: fix the syntax", at)]
    except (GraphQLError, RecursionError) as exc:
        return [_error(f"is not valid GraphQL: {_short(str(exc))}: fix the syntax")]
    schema_parts = (SchemaDefinitionNode, TypeDefinitionNode, SchemaExtensionNode, TypeExtensionNode)
    if any(isinstance(d, schema_parts) for d in document.definitions):
        return []
    executable = []
    for d in document.definitions:
        if isinstance(d, OperationDefinitionNode):
            executable.append(f"{d.operation.value} {d.name.value}" if d.name else f"an unnamed {d.operation.value}")
        elif isinstance(d, FragmentDefinitionNode):
            executable.append(f"fragment {d.name.value}")
    shown = ", ".join(executable[:3]) + (f", and {len(executable) - 3} more" if len(executable) > 3 else "")
    what = f"a GraphQL query document ({shown}), not a schema" if executable else "GraphQL with no type definitions, not a schema"
    return [
        _error(
            f"is {what}: an API definition is the schema (SDL: `type Query {{ ... }}` and the types it returns); "
            "point `file` at the schema, for example one your GraphQL server exports"
        )
    ]


def _grpc(text: str) -> list[Finding]:
    try:
        proto = parse_proto(text)
    except ProtoSyntaxError as exc:
        return [_error(f"is not valid protobuf: {exc.message}: fix the syntax", (exc.line, exc.column))]
    except RecursionError:
        return [_error("is not valid protobuf: nesting is too deep: fix the syntax")]
    outside = [(path, line, column) for path, line, column in proto.imports if not path.startswith("google/protobuf/")]
    if outside:
        path, line, column = outside[0]
        more = f", and {len(outside) - 1} more" if len(outside) > 1 else ""
        return [
            _error(
                f"refers outside itself (import \"{path}\"{more}): ARM imports the file alone, so copy what it uses "
                "from the imported file into this one and remove the import (only Google's well-known types, google/protobuf/*, may stay)",
                (line, column),
            )
        ]
    if not proto.services:
        return [_error("defines no service: a gRPC API is its services; add the `service` with its `rpc` methods (a file of messages alone is not an API)")]
    return []


# --- positions in the file ------------------------------------------------------------


def _placed(findings: list[Finding], text: str, suffix: str, document: Any) -> tuple[Finding, ...]:
    """The findings, each at the line and column of its node in the file (looked up only for
    findings: a valid file costs nothing more)."""
    if not any(f.node for f in findings):
        return tuple(findings)
    json_syntax = _SYNTAX.get(suffix) == "json"
    locator = None if json_syntax else Locator([Source("definition", text, document)])
    out = []
    for f in findings:
        if f.node and f.at is None:
            parts, key = _as_written(document, f.node)
            at = _json_position(text, parts, key) if json_syntax else _yaml_position(locator, parts, key)
            f = dataclasses.replace(f, at=at)
        out.append(f)
    return tuple(out)


def _as_written(document: Any, node: tuple[Any, ...]) -> tuple[list[Any], bool]:
    """The path with every mapping key as text, as the file writes it (YAML reads `200:` as a
    number); and whether to point at the node's key: a mapping or list is found by its key
    (`info:` rather than the first line inside it), a value where it is written."""
    parts: list[Any] = []
    parent = None
    for part in node:
        parent = document
        if isinstance(document, dict):
            parts.append(str(part))
            document = document.get(part)
        else:
            parts.append(part)
            document = document[part] if isinstance(document, list) and type(part) is int and 0 <= part < len(document) else None
    return parts, isinstance(parent, dict) and isinstance(document, (dict, list))


def _yaml_position(locator: Locator | None, parts: list[Any], key: bool) -> tuple[int, int] | None:
    """Where the node at `parts` starts, by the spec's own Locator (block YAML narrows to the
    lines on the path; anything else composes the file once)."""
    if locator is None:
        return None
    try:
        mark = locator.mark(PathMark("definition", 0, 0, tuple(parts), key))
    except (yaml.YAMLError, RecursionError):
        return None
    return mark.line, mark.col


_JSON = json.JSONDecoder()
_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _json_position(text: str, parts: list[Any], key: bool) -> tuple[int, int] | None:
    """Where the node at `parts` starts in JSON text, or its key (or the deepest node of the
    path that the text has). Siblings before it are skipped with the standard library's C
    scanner, so the cost is at most one parse of the file."""

    def space(i: int) -> int:
        match = _JSON_SPACE.match(text, i)
        return match.end() if match else i

    def child(i: int, part: Any) -> tuple[int, int] | None:
        """(where the value starts, where its key starts) of `part` in the node at `i`."""
        if text.startswith("{", i):
            i = space(i + 1)
            while text.startswith('"', i):
                name, begin = scanstring(text, i + 1)
                name_at, i = i, space(begin)
                if not text.startswith(":", i):
                    return None
                i = space(i + 1)
                if name == part:
                    return i, name_at
                i = space(_JSON.raw_decode(text, i)[1])
                if not text.startswith(",", i):
                    return None
                i = space(i + 1)
        elif text.startswith("[", i) and type(part) is int:
            i = space(i + 1)
            for _ in range(part):
                i = space(_JSON.raw_decode(text, i)[1])
                if not text.startswith(",", i):
                    return None
                i = space(i + 1)
            return None if text.startswith("]", i) else (i, i)
        return None

    at = space(0)
    try:
        for n, part in enumerate(parts):
            found = child(at, part)
            if found is None:
                break
            at = found[1] if key and n == len(parts) - 1 else found[0]
    except (ValueError, RecursionError):
        pass  # the deepest node found stands
    line_start = text.rfind("\n", 0, at) + 1
    return text.count("\n", 0, at) + 1, at - line_start + 1


# --- messages -------------------------------------------------------------------------


def _validation_error() -> Any:
    """jsonschema's error type, imported when a definition file is validated: the import costs
    0.1 s that a spec without definition files should not pay."""
    from jsonschema.exceptions import ValidationError

    return ValidationError


def _deepest(error: Any) -> Any:
    """Of a oneOf/anyOf failure, the alternatives' error deepest in the document: the likeliest
    cause. When every alternative wants a different value there, one error lists them all."""
    if not isinstance(error, _validation_error()) or not error.context:
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
        merged = _validation_error()(f"{deepest[0].instance!r} is not one of {allowed!r}", path=deepest[0].absolute_path, validator="enum")
        return merged
    return deepest[0]


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _title(name: str | None, version: str | None) -> str:
    title = _TITLES.get(name or "", name or "?")
    return f"{title} {version}" if version else title
