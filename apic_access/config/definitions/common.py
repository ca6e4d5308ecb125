"""What every format's check returns: findings about a file, and the verdict that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TITLES = {"openapi": "OpenAPI", "asyncapi": "AsyncAPI", "graphql": "GraphQL", "wsdl": "WSDL", "wadl": "WADL", "grpc": "gRPC", "raml": "RAML"}

# Where a message names the file a second time (a conversion command, say): `Finding.message`
# puts the file's name as the spec writes it there.
FILE = "\x00file\x00"


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
        return f"{self.before}'{value}'{self.after}".replace(FILE, value)


@dataclass(frozen=True)
class Verdict:
    """A file's format as detected (or given), and what is wrong with it."""

    name: str | None
    version: str | None
    findings: tuple[Finding, ...] = ()


@dataclass
class Facts:
    """One file read and looked at: the detected format, the parsed document, what went wrong."""

    name: str | None = None
    version: str | None = None
    document: Any = None
    syntax_error: str | None = None
    syntax_at: tuple[int, int] | None = None
    # a format recognised but not importable (with its conversion), or not the format the
    # extension claims: refused unless `specification.name` says `other` or `mcp`
    refusals: list[Finding] = field(default_factory=list)
    duplicates: list[Finding] = field(default_factory=list)  # JSON, YAML: keys written twice, refused like a syntax error
    outside: list[tuple[str, int, int]] = field(default_factory=list)  # XML: (the reference, its line and column)
    root: str | None = None  # XML: the root element as written, for saying what a file is


def error(after: str, at: tuple[int, int] | None = None) -> Finding:
    return Finding("", " " + after, at=at)


def short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def title(name: str | None, version: str | None) -> str:
    shown = TITLES.get(name or "", name or "?")
    return f"{shown} {version}" if version else shown


def first_and_more(items: list[Any]) -> str:
    """`, and N more` after the first of `items`, or nothing."""
    return f", and {len(items) - 1} more" if len(items) > 1 else ""
