"""GraphQL: a schema in SDL, validated as a schema with graphql-core (the reference
implementation's rules), every error at its line and column.

What is checked, and what is deliberately not:
- the SDL rules (`specified_sdl_rules`): a type or field defined twice, `extend type` of a
  type the file never defines, an unknown type, a directive used where it may not be...
- then the schema itself (`validate_schema`): a Query root type, interfaces implemented in
  full, ... A file without `type Query` is refused: the GraphQL specification requires the
  query root operation type ("The query root operation type must be provided", section
  3.3.1), no GraphQL server starts without one, and there is no operation for a client, or
  the portal, to show. The files that lack one are Apollo Federation subgraphs and shared
  type libraries, and neither is the API clients call: the supergraph's API schema is.
- not refused: a directive the file uses without declaring it. Real schemas rely on
  directives their server or gateway defines (`@key` and `@external` of Apollo Federation,
  `@aws_subscribe` and `@aws_cognito_user_pools` of AWS AppSync, `@auth` of many servers),
  and they mean nothing to a client. Directives the file does declare are checked fully.
- AWS AppSync's scalars (`AWSDateTime`, `AWSJSON`...) are built into AppSync, and AppSync
  schemas use them without declaring them: they count as declared.
- a GraphQL introspection result (JSON) is recognised and refused with how to print it as SDL.
"""

from __future__ import annotations

from typing import Any

from .common import FILE, Finding, error, short

# AWS AppSync's built-in scalars: https://docs.aws.amazon.com/appsync/latest/devguide/scalars.html
APPSYNC_SCALARS = ("AWSDate", "AWSTime", "AWSDateTime", "AWSTimestamp", "AWSEmail", "AWSJSON", "AWSURL", "AWSPhone", "AWSIPAddress")
# SDL errors reported one by one, up to this many
MAX_ERRORS = 10

_INTROSPECTION_TO_SDL = (
    "python -c \"import json, sys; from graphql import build_client_schema, print_schema; "
    "d = json.load(sys.stdin); print(print_schema(build_client_schema(d.get('data', d))))\""
)


def introspection() -> Finding:
    """A GraphQL introspection result: refused, with how to print it as SDL."""
    return error(
        "is a GraphQL introspection result (JSON, `__schema`), not a schema in SDL: API Center imports GraphQL as SDL "
        f"(`type Query {{ ... }}`); print it as SDL, for example with graphql-core: `{_INTROSPECTION_TO_SDL} < {FILE} > schema.graphql`, "
        "and point `file` at schema.graphql"
    )


def is_introspection(document: Any) -> bool:
    if not isinstance(document, dict):
        return False
    data = document.get("data")
    return isinstance(document.get("__schema"), dict) or (isinstance(data, dict) and isinstance(data.get("__schema"), dict))


def check(text: str) -> list[Finding]:
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
        return [error(f"is not valid GraphQL: {message}: fix the syntax", at)]
    except (GraphQLError, RecursionError) as exc:
        return [error(f"is not valid GraphQL: {short(str(exc))}: fix the syntax")]
    schema_parts = (SchemaDefinitionNode, TypeDefinitionNode, SchemaExtensionNode, TypeExtensionNode)
    if any(isinstance(d, schema_parts) for d in document.definitions):
        return _schema_findings(document, text)
    executable = []
    for d in document.definitions:
        if isinstance(d, OperationDefinitionNode):
            executable.append(f"{d.operation.value} {d.name.value}" if d.name else f"an unnamed {d.operation.value}")
        elif isinstance(d, FragmentDefinitionNode):
            executable.append(f"fragment {d.name.value}")
    shown = ", ".join(executable[:3]) + (f", and {len(executable) - 3} more" if len(executable) > 3 else "")
    what = f"a GraphQL query document ({shown}), not a schema" if executable else "GraphQL with no type definitions, not a schema"
    return [
        error(
            f"is {what}: an API definition is the schema (SDL: `type Query {{ ... }}` and the types it returns); "
            "point `file` at the schema, for example one your GraphQL server exports"
        )
    ]


def _schema_findings(document: Any, text: str) -> list[Finding]:
    from graphql import GraphQLError, build_ast_schema, parse, validate_schema
    from graphql.language import DocumentNode, TypeDefinitionNode
    from graphql.validation.rules.known_directives import KnownDirectivesRule
    from graphql.validation.specified_rules import specified_sdl_rules
    from graphql.validation.validate import validate_sdl

    class DeclaredDirectivesRule(KnownDirectivesRule):
        """KnownDirectivesRule for the directives the file (or GraphQL) declares: one it
        never declares belongs to the server or gateway (see the module's note)."""

        def enter_directive(self, node: Any, *args: Any) -> None:
            if node.name.value in self.locations_map:
                super().enter_directive(node, *args)

    defined = {d.name.value for d in document.definitions if isinstance(d, TypeDefinitionNode)}
    appsync = [name for name in APPSYNC_SCALARS if name not in defined and name in text]
    if appsync:
        builtin = parse("\n".join(f"scalar {name}" for name in appsync), no_location=True)
        document = DocumentNode(definitions=(*document.definitions, *builtin.definitions), loc=document.loc)
    rules = [DeclaredDirectivesRule if rule is KnownDirectivesRule else rule for rule in specified_sdl_rules]
    errors = validate_sdl(document, rules=rules)
    if not errors:
        try:
            schema = build_ast_schema(document, assume_valid_sdl=True)
        except (GraphQLError, TypeError) as exc:  # what the SDL rules let through, worded by the builder
            return [error(f"is not a valid GraphQL schema: {short(str(exc))}: fix the schema")]
        errors = validate_schema(schema)
    federated = "@key" in text or "specs.apollo.dev/federation" in text
    findings = [_finding(e, federated) for e in errors[:MAX_ERRORS]]
    if len(errors) > MAX_ERRORS:
        last = findings[-1]
        findings[-1] = Finding(last.before, last.after + f" ({len(errors) - MAX_ERRORS} more after this one)", at=last.at)
    return findings


def _finding(e: Any, federated: bool) -> Finding:
    message = e.message.rstrip(".")
    locations = e.locations or []
    at = (locations[-1].line, locations[-1].column) if locations else None
    if len(locations) > 1:
        message += " (" + " and ".join(f"line {loc.line}, column {loc.column}" for loc in locations) + ")"
    fix = "fix the schema"
    if message.startswith("Query root type must be provided"):
        fix = (
            "a GraphQL API's schema has `type Query` with the operations clients can run (the specification requires it); "
            "if this file is a subgraph or a library of shared types, point `file` at the schema the API serves"
        )
    elif message.startswith("Cannot extend type") and federated:
        fix = (
            "this looks like an Apollo Federation subgraph, which extends types other subgraphs define; "
            "point `file` at the API schema the router serves (the composed supergraph's), or define the type in this file"
        )
    elif message.startswith("Cannot extend type"):
        fix = "define the type in this file (`type` rather than `extend type`), or point `file` at the whole schema"
    return error(f"is not a valid GraphQL schema: {message}: {fix}", at)
