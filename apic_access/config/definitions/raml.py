"""RAML 0.8 and 1.0: read far enough to know the version and whether the file stands alone.

A RAML file states its version on its first line (`#%RAML 0.8`, `#%RAML 1.0`); RAML 1.0
fragments name their kind there too (`#%RAML 1.0 Library`, `... DataType`, `... Overlay`).
The rest is YAML with RAML's own tags. Refused:
- a first line that is not a RAML header: the file is something else with a .raml name;
- a fragment, overlay or extension: a piece of an API, not its definition;
- `!include` of another file, and RAML 1.0's `uses:` of libraries: ARM imports the file
  alone, so what they bring in would be missing;
- a key written twice in one mapping, as in JSON and YAML definitions.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .common import Finding, error, first_and_more
from .syntax import Duplicate, duplicate_findings

_HEADER = re.compile(r"#%RAML[ \t]+(?P<version>\S+)(?:[ \t]+(?P<kind>\S+))?[ \t]*\r?$")
VERSIONS = ("0.8", "1.0")
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def version_of(text: str) -> tuple[str, str | None] | None:
    """(version, fragment kind) from a RAML header line, or None when the text has none."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    match = _HEADER.match(first)
    return (match["version"], match["kind"]) if match else None


def check(text: str, header: tuple[str, str | None]) -> list[Finding]:
    version, kind = header
    if version not in VERSIONS:
        return [error(f"says RAML {version}, which does not exist: the first line is `#%RAML 1.0` or `#%RAML 0.8`", (1, 1))]
    if kind is not None:
        return [
            error(
                f"is a RAML {version} {kind}, a piece that an API definition includes, not an API definition: "
                f"point `file` at the RAML file whose first line is `#%RAML {version}` alone (the one with the API's `title`), "
                "with what it uses copied in",
                (1, 1),
            )
        ]
    try:
        # composed, not constructed: RAML's tags (`!include`) are kept as written, nothing is read
        root = yaml.compose(text, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return [error(f"is not valid RAML {version}: {exc.problem or exc.context or 'YAML syntax error'}: fix the syntax", (mark.line + 1, mark.column + 1) if mark else None)]
    except (yaml.YAMLError, RecursionError) as exc:
        return [error(f"is not valid RAML {version}: {exc}: fix the syntax")]
    if not isinstance(root, yaml.MappingNode):
        return [error(f"is not valid RAML {version}: it is not a mapping of keys (`title:`, `baseUri:`, resources): check that it is the right file", (1, 1))]
    includes, duplicates, uses = _walk(root)
    if duplicates:
        return duplicate_findings(duplicates)
    if includes:
        target, line, column = includes[0]
        return [
            error(
                f"refers outside itself (!include {target}{first_and_more(includes)}): ARM imports the file alone, "
                "so put each included file's content in place of its `!include`",
                (line, column),
            )
        ]
    if uses:
        name, target, line, column = uses[0]
        return [
            error(
                f"refers outside itself (uses: {name}: {target}{first_and_more(uses)}): ARM imports the file alone, "
                "so copy what the library declares into this file and remove `uses`",
                (line, column),
            )
        ]
    if not any(isinstance(k, yaml.ScalarNode) and k.value == "title" for k, _ in root.value):
        return [error(f"is not valid RAML {version}: it has no `title`, which every RAML API definition has: add `title: ...` after the first line")]
    return []


def _walk(root: Any) -> tuple[list[tuple[str, int, int]], list[Duplicate], list[tuple[str, str, int, int]]]:
    includes: list[tuple[str, int, int]] = []
    duplicates: list[Duplicate] = []
    uses: list[tuple[str, str, int, int]] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(root, ())]
    while stack:
        node, parts = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if node.tag == "!include":
                includes.append((node.value, node.start_mark.line + 1, node.start_mark.column + 1))
        elif isinstance(node, yaml.MappingNode):
            seen: dict[str, Any] = {}
            children = []
            for key, value in node.value:
                name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
                if name in seen:
                    first = seen[name].start_mark
                    duplicates.append(Duplicate(parts, name, (first.line + 1, first.column + 1), (key.start_mark.line + 1, key.start_mark.column + 1)))
                seen.setdefault(name, key)
                if not parts and name == "uses" and isinstance(value, yaml.MappingNode):
                    for lib, path in value.value:
                        if isinstance(path, yaml.ScalarNode):
                            uses.append((str(lib.value), path.value, path.start_mark.line + 1, path.start_mark.column + 1))
                children.append((value, (*parts, name)))
            stack.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed([(child, (*parts, i)) for i, child in enumerate(node.value)]))
    includes.sort(key=lambda i: (i[1], i[2]))
    return includes, duplicates, uses


def describe(header: tuple[str, str | None]) -> str:
    version, kind = header
    return f"RAML {version}" + (f" {kind}" if kind else "")

