"""gRPC: a protobuf file (proto2, proto3 or editions) with its services, read by
config/definitions/proto.py. Refused when it imports anything but Google's well-known types
(`google/protobuf/*`), which every protobuf compiler ships: ARM imports the file alone."""

from __future__ import annotations

from .common import Finding, error, first_and_more
from .proto import ProtoSyntaxError
from .proto import parse as parse_proto


def check(text: str) -> list[Finding]:
    try:
        proto = parse_proto(text)
    except ProtoSyntaxError as exc:
        return [error(f"is not valid protobuf: {exc.message}: fix the syntax", (exc.line, exc.column))]
    except RecursionError:
        return [error("is not valid protobuf: nesting is too deep: fix the syntax")]
    outside = [(path, line, column) for path, line, column in proto.imports if not path.startswith("google/protobuf/")]
    if outside:
        path, line, column = outside[0]
        more = first_and_more(outside)
        return [
            error(
                f"refers outside itself (import \"{path}\"{more}): ARM imports the file alone, so copy what it uses "
                "from the imported file into this one and remove the import (only Google's well-known types, google/protobuf/*, may stay)",
                (line, column),
            )
        ]
    if not proto.services:
        return [error("defines no service: a gRPC API is its services; add the `service` with its `rpc` methods (a file of messages alone is not an API)")]
    return []

