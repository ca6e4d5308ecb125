"""Which format a definition file is, and the verdict: `judge(text, suffix, given)`.

The format is read from the content first (a RAML header line, the `openapi`/`swagger`/
`asyncapi` key, the XML root and its namespace), then from the extension (.graphql, .proto,
.raml), or as `specification.name` gives it. Recognised and refused with the conversion to
use, because ARM's import and API Center's portal cannot use them as they are: Swagger 1.x,
AsyncAPI 1.x, a GraphQL introspection result, a Postman collection. A file whose content is
not what its extension claims (a README renamed .raml, Markdown in a .yaml file) is refused
with what it looks like.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import asyncapi, graphql_sdl, grpc, openapi, raml, syntax, xml_formats
from .common import FILE, Facts, Finding, Verdict, error, title

# Formats told apart by the file's extension alone.
_BY_EXTENSION = {".graphql": "graphql", ".gql": "graphql", ".graphqls": "graphql", ".proto": "grpc", ".raml": "raml"}
# Extensions whose syntax we know, so a file that does not parse is always a problem.
_SYNTAX = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".wsdl": "xml", ".wadl": "xml", ".xml": "xml"}
# Formats written as JSON or YAML: the file must parse whatever its extension.
_STRUCTURED = ("openapi", "asyncapi")
# Formats whose content says nothing we could contradict.
_OPAQUE = ("other", "mcp")
_EXAMPLE_KEYS = {"openapi": "openapi: 3.0.3", "asyncapi": "asyncapi: 2.6.0"}
_FORMATS = "OpenAPI, AsyncAPI, GraphQL SDL, WSDL, WADL, protobuf or RAML"


def judge(text: str, suffix: str, given: str | None) -> Verdict:
    """The format of a file with this text and extension, and every problem ARM's import would meet."""
    suffix = suffix.lower()
    facts = inspect(suffix, text)
    name = given or facts.name
    if facts.syntax_error and (suffix in _SYNTAX or name in _STRUCTURED):
        fix = "" if facts.syntax_error.startswith("is refused") else ": fix the syntax"  # a budget names its own fix
        hint = "" if facts.syntax_error.startswith("is refused") else _unlike(text, suffix)
        return Verdict(facts.name, facts.version, (error(facts.syntax_error + hint + fix, facts.syntax_at),))
    if facts.duplicates and (suffix in _SYNTAX or name in _STRUCTURED):
        return Verdict(facts.name, facts.version, tuple(facts.duplicates))
    if facts.refusals and given not in _OPAQUE:
        return Verdict(facts.name, facts.version, tuple(facts.refusals))
    if given and facts.name and given != facts.name and given not in _OPAQUE:
        return Verdict(
            facts.name,
            facts.version,
            (
                error(
                    f"is {title(facts.name, facts.version)} but `specification.name` says '{given}': "
                    "fix `specification.name`, or remove `specification` (the format is detected from the file)"
                ),
            ),
        )
    if not name:
        if not isinstance(facts.document, dict) and facts.root is None:
            return Verdict(None, None, (error(f"is not an API definition: it looks like {looks_like(text)}: point `file` at the API's {_FORMATS} file"),))
        what = f"XML whose root element is {facts.root}" if facts.root else "has no `openapi`, `swagger` or `asyncapi` key"
        return Verdict(
            None,
            None,
            (
                Finding(
                    "cannot tell the format of ",
                    f": it {'is ' if facts.root else ''}{what} and is not a .graphql, .gql, .wsdl, .wadl, .proto or .raml file; "
                    "add `specification: {name: ..., version: ...}` to the definition",
                ),
            ),
        )
    if name in _STRUCTURED and not isinstance(facts.document, dict):
        return Verdict(facts.name, facts.version, (error(f"is not a mapping of keys, so it cannot be {title(name, None)}: check that it is the right file"),))
    if name in _STRUCTURED and facts.name != name:
        key = "`openapi` (or `swagger`)" if name == "openapi" else "`asyncapi`"
        return Verdict(
            facts.name,
            facts.version,
            (error(f"has no {key} key stating its {title(name, None)} version: add it at the top of the file, for example `{_EXAMPLE_KEYS[name]}`"),),
        )
    json_syntax = _SYNTAX.get(suffix) == "json"
    if name == "openapi":
        return Verdict("openapi", facts.version, syntax.placed(openapi.check(facts.document, facts.version), text, json_syntax, facts.document))
    if name == "asyncapi":
        return Verdict("asyncapi", facts.version, syntax.placed(asyncapi.check(facts.document, facts.version), text, json_syntax, facts.document))
    if name in ("wsdl", "wadl") and facts.name == name:
        return Verdict(name, facts.version, tuple(xml_formats.check(facts)))
    if name == "graphql":
        return Verdict(facts.name or ("graphql" if given else None), facts.version, _claimed(text, "GraphQL", graphql_sdl.check(text)))
    if name == "grpc":
        return Verdict(facts.name or ("grpc" if given else None), facts.version, _claimed(text, "protobuf", grpc.check(text)))
    if name == "raml":
        header = raml.version_of(text)
        if header is None:
            return Verdict(
                facts.name,
                None,
                (error(f"is not RAML: its first line is not `#%RAML 1.0` or `#%RAML 0.8`, and it looks like {looks_like(text)}: point `file` at the API's RAML file"),),
            )
        return Verdict("raml", header[0], tuple(raml.check(text, header)))
    return Verdict(facts.name, facts.version)


def _claimed(text: str, claimed: str, findings: list[Finding]) -> tuple[Finding, ...]:
    """A file that does not parse as the format its extension claims, and looks like another,
    is refused as what it looks like rather than at the parser's first complaint."""
    if findings and findings[0].after.startswith(f" is not valid {claimed}"):
        seems = looks_like(text)
        if not seems.startswith(("plain text", claimed)):
            return (error(f"is not {claimed}, as its extension says: it looks like {seems}: point `file` at the API's {claimed} file"),)
    return tuple(findings)


def _unlike(text: str, suffix: str) -> str:
    """For a file that does not parse: what it looks like, when that is another format
    (JSON that starts like JSON, or XML like XML, is that format with a syntax error)."""
    expected = {"json": "JSON", "yaml": "YAML", "xml": "XML"}[_SYNTAX.get(suffix, "yaml")]
    first = text.lstrip("\ufeff \t\r\n")[:1]
    if (expected == "JSON" and first in ("{", "[")) or (expected == "XML" and first == "<"):
        return ""
    seems = looks_like(text)
    return "" if seems.startswith(("plain text", expected)) or seems.endswith(f" in {expected}") else f" (it looks like {seems})"


# --- reading the file ---------------------------------------------------------------------


def inspect(suffix: str, text: str) -> Facts:
    """The format a file declares (by its content or extension) and its parsed content."""
    header = raml.version_of(text)
    if header is not None:
        return Facts("raml", header[0])
    if suffix in _BY_EXTENSION:
        claimed = _BY_EXTENSION[suffix]
        if claimed == "graphql" and text.lstrip("\ufeff \t\r\n").startswith("{"):
            facts = _structured(text, "json")  # an introspection result saved as .graphql
            if facts.refusals or facts.name:
                return facts
        return Facts(claimed)
    syntax_name = _SYNTAX.get(suffix, "yaml")
    if syntax_name == "xml":
        return xml_formats.inspect(suffix, text)
    return _structured(text, syntax_name)


def _structured(text: str, syntax_name: str) -> Facts:
    parsed = syntax.parse(text, syntax_name)
    if parsed.error:
        return Facts(syntax_error=parsed.error, syntax_at=parsed.at)
    facts = Facts(document=parsed.document, duplicates=syntax.duplicate_findings(parsed.duplicates))
    document = parsed.document
    if not isinstance(document, dict):
        return facts
    for key, fmt in (("openapi", "openapi"), ("swagger", "openapi"), ("asyncapi", "asyncapi")):
        value = document.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            facts.name, facts.version = fmt, str(value)
            if fmt == "asyncapi" and facts.version.startswith("1."):
                facts.refusals.append(asyncapi.asyncapi_1(facts.version))
            return facts
    if "swaggerVersion" in document:
        facts.name, facts.version = "openapi", str(document["swaggerVersion"])
        facts.refusals.append(openapi.swagger_1(document))
    elif graphql_sdl.is_introspection(document):
        facts.name = "graphql"
        facts.refusals.append(graphql_sdl.introspection())
    elif _is_postman(document):
        facts.refusals.append(_postman(document))
    return facts


def _is_postman(document: dict[str, Any]) -> bool:
    info = document.get("info")
    return isinstance(info, dict) and ("getpostman.com" in str(info.get("schema", "")) or "_postman_id" in info) and "item" in document


def _postman(document: dict[str, Any]) -> Finding:
    schema = str(document["info"].get("schema", ""))
    version = re.search(r"/collection/(v[\d.]+)/", schema)
    shown = f" {version[1]}" if version else ""
    return error(
        f"is a Postman collection{shown}: a set of saved requests, not an API definition that API Center imports; "
        f"convert it to OpenAPI, for example with the npm package postman-to-openapi: `p2o {FILE} -f openapi.yaml`, "
        "and point `file` at the result (check it: a collection only shows the requests someone saved)"
    )


# --- what a file looks like ---------------------------------------------------------------

# A Markdown heading, and something only prose has beside it (a link, a list, a code fence,
# an underlined heading): a heading alone is also a comment in YAML, GraphQL or RAML.
_MARKDOWN_HEADING = re.compile(r"(?m)^#{1,6} \S|^={3,}[ \t]*$")
_MARKDOWN_PROSE = re.compile(r"(?m)^```|^[ \t]*(?:[-*+]|\d+\.) \S|\[[^\]\n]+\]\([^)\s]+\)")
_PROTOBUF = re.compile(r'(?m)^\s*(?:syntax|edition)\s*=\s*"|^\s*(?:message|service)\s+\w+\s*\{')
_GRAPHQL = re.compile(r"(?m)^\s*(?:(?:type|input|interface|enum)\s+[_A-Za-z]\w*[^\n:{]*\{|schema\s*\{|scalar\s+[_A-Za-z]|union\s+\w+\s*=|extend\s+(?:type|schema)\b|directive\s+@)")


def looks_like(text: str) -> str:
    """What a file that is not the expected format seems to be, in a few words."""
    stripped = text.lstrip("\ufeff \t\r\n")
    header = raml.version_of(stripped)
    if header is not None:
        return raml.describe(header)
    if stripped.startswith("<"):
        head = stripped[:500].lower()
        return "an HTML page" if "<!doctype html" in head or "<html" in head else "XML"
    if stripped.startswith(("{", "[")):
        try:
            return _kind(json.loads(text), "JSON")
        except (ValueError, RecursionError):
            pass
    if _PROTOBUF.search(text):
        return "protobuf"
    document = syntax.parse(text, "yaml").document  # within the alias budget
    if isinstance(document, dict):
        return _kind(document, "YAML")
    if _GRAPHQL.search(text):
        return "GraphQL"
    if _MARKDOWN_HEADING.search(text) and _MARKDOWN_PROSE.search(text):
        return "Markdown (a README, say)"
    return "plain text"


def _kind(document: Any, syntax_name: str) -> str:
    if not isinstance(document, dict):
        return syntax_name
    for key, shown in (("openapi", "OpenAPI"), ("swagger", "OpenAPI"), ("asyncapi", "AsyncAPI"), ("swaggerVersion", "Swagger")):
        if isinstance(document.get(key), (str, int, float)):
            return f"{shown} {document[key]} in {syntax_name}"
    if graphql_sdl.is_introspection(document):
        return "a GraphQL introspection result (JSON)"
    if _is_postman(document):
        return "a Postman collection"
    keys = [str(k) for k in list(document)[:3]]
    return f"{syntax_name} with the keys {', '.join(keys)}" + (", ..." if len(document) > 3 else "") if keys else syntax_name
