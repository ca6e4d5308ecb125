"""A small parser for protobuf (.proto) files: enough to judge a gRPC API definition.

ARM imports a .proto file alone, and a gRPC API is its services. So a definition file must
be syntactically sound protobuf (proto2, proto3, or editions 2023 and 2024), import
nothing but Google's well-known types (`google/protobuf/*.proto`), and define at least one
`service`. This parser reads the grammar of the protobuf language specification far enough
to say that, with the line and column of the first syntax error.

Why not a library: protoc (through grpcio-tools) resolves every import from disk and
writes its errors to the process's stderr; the pure-Python parsers on PyPI bring an ANTLR
runtime and lag behind editions. What is needed here is a tokenizer and a
recursive-descent walk of statements and blocks, about two hundred lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

SYNTAXES = ("proto2", "proto3")
EDITIONS = ("2023", "2024")

_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\f\v]+|\n)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<open_comment>/\*)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<open_string>["'])
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[A-Za-z0-9_]*)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<symbol>[=;{}\[\]()<>,.:+\-/])
    """,
    re.VERBOSE | re.DOTALL,
)
_LABELS = ("repeated", "optional", "required")


class ProtoSyntaxError(Exception):
    """The first syntax error of a .proto file, with its 1-based line and column."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(f"{message} at line {line}, column {column}")
        self.message, self.line, self.column = message, line, column


@dataclass(frozen=True)
class Token:
    kind: str  # ident, number, string, symbol, end
    text: str
    line: int
    column: int

    def shown(self) -> str:
        return "the end of the file" if self.kind == "end" else f"'{self.text}'"


@dataclass
class ProtoFile:
    """What a definition check needs of a .proto file."""

    syntax: str | None = None
    edition: str | None = None
    package: str | None = None
    imports: list[tuple[str, int, int]] = field(default_factory=list)  # (path, line, column of `import`)
    services: list[str] = field(default_factory=list)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    line, line_start, pos = 1, 0, 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        column = pos - line_start + 1
        if m is None:
            raise ProtoSyntaxError(f"unexpected character {text[pos]!r}", line, column)
        kind = m.lastgroup or ""
        if kind == "open_comment":
            raise ProtoSyntaxError("a /* comment is never closed", line, column)
        if kind == "open_string":
            raise ProtoSyntaxError("a string is not closed on its line", line, column)
        if kind not in ("space", "comment"):
            tokens.append(Token(kind, m.group(), line, column))
        newlines = m.group().count("\n")
        if newlines:
            line += newlines
            line_start = m.start() + m.group().rindex("\n") + 1
        pos = m.end()
    tokens.append(Token("end", "", line, pos - line_start + 1))
    return tokens


def parse(text: str) -> ProtoFile:
    """The file's syntax or edition, imports and services; ProtoSyntaxError at the first error."""
    return _Parser(tokenize(text)).file()


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.i = 0
        self.out = ProtoFile()

    # --- tokens ---------------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def at(self, *texts: str) -> bool:
        return self.tok.kind in ("ident", "symbol") and self.tok.text in texts

    def fail(self, expected: str, token: Token | None = None) -> ProtoSyntaxError:
        token = token or self.tok
        return ProtoSyntaxError(f"expected {expected}, found {token.shown()}", token.line, token.column)

    def take(self, text: str, what: str | None = None) -> Token:
        if not self.at(text):
            raise self.fail(what or f"'{text}'")
        self.i += 1
        return self.tokens[self.i - 1]

    def take_kind(self, kind: str, what: str) -> Token:
        if self.tok.kind != kind:
            raise self.fail(what)
        self.i += 1
        return self.tokens[self.i - 1]

    def name(self, what: str) -> str:
        return self.take_kind("ident", what).text

    def full_name(self, what: str) -> str:
        """A dotted name, optionally fully qualified (`.pkg.Type`)."""
        parts = ["." if self.at(".") else ""]
        if self.at("."):
            self.i += 1
        parts.append(self.name(what))
        while self.at("."):
            self.i += 1
            parts.append("." + self.name("a name after '.'"))
        return "".join(parts)

    def string(self, what: str) -> str:
        value = self.take_kind("string", what).text[1:-1]
        while self.tok.kind == "string":  # adjacent strings are concatenated
            value += self.tok.text[1:-1]
            self.i += 1
        return value

    def end_statement(self, after: str) -> None:
        self.take(";", f"';' after {after}")

    # --- file -----------------------------------------------------------------------------

    def file(self) -> ProtoFile:
        if self.at("syntax", "edition") and self.peek().text == "=":
            self.version()
        while self.tok.kind != "end":
            self.top_statement()
        return self.out

    def version(self) -> None:
        keyword = self.tok
        self.i += 1
        self.take("=")
        value_token = self.tok
        value = self.string(f"the {keyword.text} as a quoted string")
        if keyword.text == "syntax":
            if value not in SYNTAXES:
                raise ProtoSyntaxError(f"unknown syntax \"{value}\" (use \"proto2\" or \"proto3\", or an edition)", value_token.line, value_token.column)
            self.out.syntax = value
        else:
            if value not in EDITIONS:
                raise ProtoSyntaxError(f"unknown edition \"{value}\" (known: {', '.join(EDITIONS)})", value_token.line, value_token.column)
            self.out.edition = value
        self.end_statement(f"the {keyword.text}")

    def top_statement(self) -> None:
        token = self.tok
        if self.at(";"):
            self.i += 1
        elif self.at("import"):
            self.i += 1
            if self.at("weak", "public") and self.peek().kind == "string":
                self.i += 1
            path = self.string("the imported file as a quoted string")
            self.out.imports.append((path, token.line, token.column))
            self.end_statement("the import")
        elif self.at("package"):
            self.i += 1
            self.out.package = self.full_name("the package name")
            self.end_statement("the package")
        elif self.at("option"):
            self.option_statement()
        elif self.at("message"):
            self.i += 1
            self.message_body(f"message '{self.name('the message name')}'", token)
        elif self.at("enum"):
            self.i += 1
            self.enum_body(self.name("the enum name"), token)
        elif self.at("service"):
            self.i += 1
            name = self.name("the service name")
            self.service_body(name, token)
            self.out.services.append(name)
        elif self.at("extend"):
            self.i += 1
            self.message_body(f"extend '{self.full_name('the extended message')}'", token, extend=True)
        elif self.at("syntax", "edition") and self.peek().text == "=":
            raise ProtoSyntaxError(f"`{token.text}` must be the first statement of the file", token.line, token.column)
        else:
            raise self.fail("a top-level statement (syntax, edition, package, import, option, message, enum, service, extend)")

    # --- options --------------------------------------------------------------------------

    def option_name(self) -> None:
        while True:
            if self.at("("):
                self.i += 1
                self.full_name("an extension name")
                self.take(")")
            else:
                self.name("an option name")
            if not self.at("."):
                return
            self.i += 1

    def constant(self) -> None:
        if self.at("{"):
            self.aggregate()
        elif self.at("-", "+"):
            self.i += 1
            if self.tok.kind not in ("number", "ident"):
                raise self.fail("a number after the sign")
            self.i += 1
        elif self.tok.kind == "string":
            self.string("a value")
        elif self.tok.kind == "number":
            self.i += 1
        elif self.tok.kind == "ident":
            self.full_name("a value")
        else:
            raise self.fail("a value (a number, a string, a name or a {...} message)")

    def aggregate(self) -> None:
        """A message value in text format (`{ get: "/v1/pets" body: "*" }`): balanced braces."""
        opening = self.take("{")
        depth = 1
        while depth:
            if self.tok.kind == "end":
                raise ProtoSyntaxError(f"'}}' missing: the value opened at line {opening.line} is not closed", self.tok.line, self.tok.column)
            depth += {"{": 1, "}": -1}.get(self.tok.text, 0) if self.tok.kind == "symbol" else 0
            self.i += 1

    def option_statement(self) -> None:
        self.take("option")
        self.option_name()
        self.take("=", "'=' after the option name")
        self.constant()
        self.end_statement("the option")

    def field_options(self) -> None:
        if not self.at("["):
            return
        self.i += 1
        while True:
            self.option_name()
            self.take("=", "'=' after the option name")
            self.constant()
            if self.at("]"):
                self.i += 1
                return
            self.take(",", "',' or ']' in the field options")

    # --- blocks ---------------------------------------------------------------------------

    def block(self, what: str, opened: Token, element: Callable[[], None]) -> None:
        self.take("{", f"'{{' to open {what}")
        while not self.at("}"):
            if self.tok.kind == "end":
                raise ProtoSyntaxError(f"'}}' missing: {what} (line {opened.line}) is not closed", self.tok.line, self.tok.column)
            if self.at(";"):
                self.i += 1
            elif self.at("option"):
                self.option_statement()
            else:
                element()
        self.i += 1

    def message_body(self, what: str, opened: Token, extend: bool = False) -> None:
        self.block(what, opened, self.field if extend else self.message_element)

    def message_element(self) -> None:
        token = self.tok
        if self.at("message") and self.peek().kind == "ident" and self.peek(2).text == "{":
            self.i += 1
            self.message_body(f"message '{self.name('the message name')}'", token)
        elif self.at("enum") and self.peek().kind == "ident" and self.peek(2).text == "{":
            self.i += 1
            self.enum_body(self.name("the enum name"), token)
        elif self.at("extend") and self.peek().kind == "ident" or self.at("extend") and self.peek().text == ".":
            self.i += 1
            self.message_body(f"extend '{self.full_name('the extended message')}'", token, extend=True)
        elif self.at("oneof") and self.peek().kind == "ident" and self.peek(2).text == "{":
            self.i += 1
            self.block(f"oneof '{self.name('the oneof name')}'", token, self.field)
        elif self.at("reserved") and self.peek().text != "=":
            self.i += 1
            self.reserved()
        elif self.at("extensions") and self.peek().kind == "number":
            self.i += 1
            self.ranges()
            self.field_options()
            self.end_statement("the extension ranges")
        else:
            self.field()

    def field(self) -> None:
        if self.at(*_LABELS) and self.peek().text not in ("=", "."):
            self.i += 1
        if self.at("map") and self.peek().text == "<":
            self.i += 2
            self.name("the map's key type")
            self.take(",", "',' between the map's key and value types")
            self.full_name("the map's value type")
            self.take(">", "'>' after the map's value type")
        elif self.at("group") and self.peek().kind == "ident" and self.peek(2).text == "=":
            opened = self.tok
            self.i += 1
            name = self.name("the group name")
            self.take("=")
            self.take_kind("number", "the field number")
            self.field_options()
            self.message_body(f"group '{name}'", opened)
            return
        else:
            self.full_name("a field type (or option, message, enum, oneof, reserved)")
        name = self.name("the field name")
        self.take("=", f"'=' after field '{name}'")
        self.take_kind("number", f"the number of field '{name}'")
        self.field_options()
        self.end_statement(f"field '{name}'")

    def ranges(self) -> None:
        while True:
            self.take_kind("number", "a field number")
            if self.at("to"):
                self.i += 1
                if self.at("max"):
                    self.i += 1
                else:
                    self.take_kind("number", "a field number or max")
            if not self.at(","):
                return
            self.i += 1

    def reserved(self) -> None:
        if self.tok.kind == "number":
            self.ranges()
        else:
            while True:
                if self.tok.kind == "string":
                    self.string("a reserved name")
                else:
                    self.name("a reserved field number or name")
                if not self.at(","):
                    break
                self.i += 1
        self.end_statement("the reserved fields")

    def enum_body(self, name: str, opened: Token) -> None:
        def value() -> None:
            if self.at("reserved") and self.peek().text != "=":
                self.i += 1
                self.reserved()
                return
            label = self.name("an enum value name")
            self.take("=", f"'=' after enum value '{label}'")
            if self.at("-"):
                self.i += 1
            self.take_kind("number", f"the number of enum value '{label}'")
            self.field_options()
            self.end_statement(f"enum value '{label}'")

        self.block(f"enum '{name}'", opened, value)

    def service_body(self, name: str, opened: Token) -> None:
        def rpc() -> None:
            self.take("rpc", "'rpc' (or option) in the service")
            method = self.name("the method name")
            self.message_type(f"method '{method}'")
            self.take("returns", f"'returns' after the request of method '{method}'")
            self.message_type(f"method '{method}'")
            if self.at("{"):
                self.block(f"method '{method}'", self.tok, self.only_options)
            else:
                self.end_statement(f"method '{method}'")

        self.block(f"service '{name}'", opened, rpc)

    def only_options(self) -> None:
        raise self.fail("an option or '}'")

    def message_type(self, what: str) -> None:
        self.take("(", f"'(' in {what}")
        if self.at("stream") and self.peek().text != ")":
            self.i += 1
        self.full_name("a message type")
        self.take(")", f"')' in {what}")
