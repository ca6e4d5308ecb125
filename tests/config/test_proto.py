"""config/definitions/proto.py: the protobuf grammar real files use, and the first syntax error with its line."""

from __future__ import annotations

import pytest

from apic_access.config.definitions.proto import ProtoSyntaxError, parse

GOOGLEAPIS_STYLE = """\
syntax = "proto3";

package google.example.library.v1;

import "google/api/annotations.proto";
import public "google/protobuf/empty.proto";

option java_multiple_files = true;
option (google.api.resource_definition) = {
  type: "library.googleapis.com/Shelf"
  pattern: "shelves/{shelf}"
};

// The library service.
service LibraryService {
  option (google.api.default_host) = "library-example.googleapis.com";

  rpc GetBook(GetBookRequest) returns (Book) {
    option (google.api.http) = { get: "/v1/{name=shelves/*/books/*}" additional_bindings { get: "/v1/{name=books/*}" } };
    option (google.api.method_signature) = "name";
  }
  rpc DeleteBook(DeleteBookRequest) returns (google.protobuf.Empty) {}
  rpc StreamBooks(stream Book) returns (stream Book);
}

/* A book. */
message Book {
  string name = 1 [(google.api.field_behavior) = IDENTIFIER];
  repeated string authors = 2;
  map<string, int64> counts = 3;
  oneof edition { int32 year = 4; string label = 5; }
  .google.example.library.v1.Book sequel = 6;
  double price = 7 [default = -1.5e3];
  message Page { string text = 1; }
  enum Format { option allow_alias = true; FORMAT_UNSPECIFIED = 0; PAPER = 1; PAPERBACK = 1; OLD = -1; reserved 10 to max; reserved "EBOOK"; }
  reserved 20, 21 to 25;
  reserved "isbn";
  string package = 8;
}

message GetBookRequest { string name = 1; }
message DeleteBookRequest { string name = 1; }
"""

PROTO2 = """\
syntax = "proto2";
message Legacy {
  required int32 id = 1;
  optional group Detail = 2 { optional string note = 3; }
  extensions 100 to 199 [declaration = { number: 100 full_name: ".x" type: "int32" }];
}
extend Legacy { optional string tag = 100; }
service Old { rpc Get(Legacy) returns (Legacy); }
"""


def test_a_googleapis_style_file_parses() -> None:
    proto = parse(GOOGLEAPIS_STYLE)
    assert (proto.syntax, proto.package, proto.services) == ("proto3", "google.example.library.v1", ["LibraryService"])
    assert proto.imports == [("google/api/annotations.proto", 5, 1), ("google/protobuf/empty.proto", 6, 1)]


def test_proto2_groups_extensions_and_extend_parse() -> None:
    assert parse(PROTO2).services == ["Old"]


def test_editions_are_accepted() -> None:
    assert parse('edition = "2024";\nservice S { rpc A(M) returns (M); }\nmessage M {}\n').edition == "2024"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('syntax = "proto3";\nmessage A {\n  string a = 1;\n', "'}' missing: message 'A' (line 2) is not closed at line 4, column 1"),
        ('syntax = "proto3";\nmessage A {\n  string a = "x";\n}\n', "expected the number of field 'a', found '\"x\"' at line 3, column 14"),
        ('syntax = "proto3";\nservice S {\n  rpc A(M) returns M;\n}\n', "expected '(' in method 'A', found 'M' at line 3, column 20"),
        ('syntax = "proto3";\nmessage A { string a = 1; }\nsyntax = "proto2";\n', "`syntax` must be the first statement of the file at line 3, column 1"),
        ('syntax = "proto5";\n', 'unknown syntax "proto5" (use "proto2" or "proto3", or an edition) at line 1, column 10'),
        ('edition = "2022";\n', 'unknown edition "2022" (known: 2023, 2024) at line 1, column 11'),
        ('syntax = "proto3";\nmessage A { string a = 1; }\n/* never closed\n', "a /* comment is never closed at line 3, column 1"),
        ('syntax = "proto3";\noption go_package = "x;\n', "a string is not closed on its line at line 2, column 21"),
        ('syntax = "proto3";\nmessage A { string a = 1; } #\n', "unexpected character '#' at line 2, column 29"),
        ('syntax = "proto3";\nrpc A(M) returns (M);\n', "expected a top-level statement (syntax, edition, package, import, option, message, enum, service, extend), found 'rpc' at line 2, column 1"),
    ],
)
def test_the_first_syntax_error_is_reported_with_its_line(text: str, error: str) -> None:
    with pytest.raises(ProtoSyntaxError) as exc:
        parse(text)
    assert str(exc.value) == error
