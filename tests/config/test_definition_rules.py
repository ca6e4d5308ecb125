"""Definition files: the edges of each rule added for real-world files (duplicate keys,
GraphQL SDL validation, WADL and RAML references, formats recognised by content), one test
per edge, asserting the whole message `validate` prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.config.test_definition_formats import AT, REFERENCED, accepted, at, problems
from tests.config.test_definition_formats import SPEC as SPEC_OF_ONE_FILE

SPEC = SPEC_OF_ONE_FILE + "{extra}"  # the spec, and what a test adds after it
OPENAPI = {"openapi": "3.0.3", "info": {"title": "Petstore", "version": "1.0"}, "paths": {}}



@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def spec_with(tmp_path: Path, name: str, content: str, extra: str = "") -> Path:
    (tmp_path / name).write_text(content, encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.format(file=name, extra=extra), encoding="utf-8")
    return spec




# --- duplicate keys ----------------------------------------------------------------------


def test_a_yaml_key_overriding_a_merged_one_is_not_a_duplicate(tmp_path: Path) -> None:
    # `<<: *base` then `description:`: YAML's override, as shared response blocks use it
    text = (
        "openapi: 3.0.3\ninfo: {title: Petstore, version: '1.0'}\npaths:\n  /pets:\n    get:\n      responses:\n"
        "        '200': &ok\n          description: OK\n        '201':\n          <<: *ok\n          description: Created\n"
    )
    assert accepted(spec_with(tmp_path, "petstore.yaml", text)) == ("openapi", "3.0.3", [])


def test_a_yaml_key_written_twice_beside_a_merge_is_a_duplicate(tmp_path: Path) -> None:
    text = (
        "openapi: 3.0.3\ninfo: {title: Petstore, version: '1.0'}\npaths:\n  /pets:\n    get:\n      responses:\n"
        "        '200': &ok\n          description: OK\n        '201':\n          <<: *ok\n          description: Created\n          description: Made\n"
    )
    assert problems(spec_with(tmp_path, "petstore.yaml", text)) == [
        at("petstore.yaml:12:11") + "'petstore.yaml' has the key 'description' twice in paths./pets.get.responses.201, at line 11, column 11 "
        "and at line 12, column 11: readers keep one of the two values and silently drop the other, so what ARM imports is not what the file says: "
        "remove one, or merge the two" + REFERENCED
    ]


def test_json_duplicates_past_ten_are_counted(tmp_path: Path) -> None:
    lines = ",\n".join(f'    "p{i}": {{"type": "string"}},\n    "p{i}": {{"type": "integer"}}' for i in range(12))
    text = '{"openapi": "3.0.3", "info": {"title": "Petstore", "version": "1.0"}, "paths": {},\n  "x-props": {\n' + lines + "\n  }\n}\n"
    found = problems(spec_with(tmp_path, "petstore.json", text))
    assert len(found) == 10
    assert found[0] == (
        at("petstore.json:4:5") + "'petstore.json' has the key 'p0' twice in x-props, at line 3, column 5 and at line 4, column 5: "
        "readers keep one of the two values and silently drop the other, so what ARM imports is not what the file says: remove one, or merge the two" + REFERENCED
    )
    assert found[9].endswith("remove one, or merge the two (2 more duplicate keys after this one)" + REFERENCED)


def test_a_json_duplicate_key_written_with_escapes_is_named_as_written(tmp_path: Path) -> None:
    # json.dumps escapes an emoji as a surrogate pair, which libyaml (reading the positions) refuses
    text = json.dumps({"openapi": "3.0.3", "info": {"title": "Pets \U0001f436", "version": "1.0"}, "paths": {}}, indent=2)
    text = text.replace('"paths": {}', '"paths": {},\n  "x-tags": {"\\ud83d\\udc36": 1, "\\ud83d\\udc31": 2, "\\ud83d\\udc36": 3}')
    assert problems(spec_with(tmp_path, "petstore.json", text)) == [
        at("petstore.json:8:52") + "'petstore.json' has the key '\U0001f436' twice in x-tags, at line 8, column 14 and at line 8, column 52: "
        "readers keep one of the two values and silently drop the other, so what ARM imports is not what the file says: remove one, or merge the two" + REFERENCED
    ]


# --- formats recognised by their content -------------------------------------------------


def test_an_introspection_result_saved_as_graphql_is_named(tmp_path: Path) -> None:
    text = json.dumps({"__schema": {"queryType": {"name": "Query"}, "types": []}})
    (message,) = problems(spec_with(tmp_path, "schema.graphql", text))
    assert message.startswith(AT + "'schema.graphql' is a GraphQL introspection result (JSON, `__schema`), not a schema in SDL: ")
    assert message.endswith(" < schema.graphql > schema.graphql`, and point `file` at schema.graphql")


def test_yaml_in_a_json_file_says_what_it_looks_like(tmp_path: Path) -> None:
    assert problems(spec_with(tmp_path, "petstore.json", "openapi: 3.0.3\ninfo: {title: Petstore, version: '1.0'}\npaths: {}\n")) == [
        at("petstore.json:1:1") + "'petstore.json' is not valid JSON: Expecting value (it looks like OpenAPI 3.0.3 in YAML): fix the syntax" + REFERENCED
    ]


def test_openapi_saved_as_proto_is_refused_as_what_it_is(tmp_path: Path) -> None:
    assert problems(spec_with(tmp_path, "pets.proto", json.dumps(OPENAPI))) == [
        AT + "'pets.proto' is not protobuf, as its extension says: it looks like OpenAPI 3.0.3 in JSON: point `file` at the API's protobuf file"
    ]


def test_a_postman_collection_given_as_other_is_accepted(tmp_path: Path) -> None:
    text = json.dumps({"info": {"name": "Orders", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": []})
    assert accepted(spec_with(tmp_path, "orders.json", text, "            specification: {name: other}\n")) == ("other", None, [])


def test_an_asyncapi_1_file_said_to_be_asyncapi_still_gets_the_conversion(tmp_path: Path) -> None:
    text = "asyncapi: 1.0.0\ninfo: {title: Events, version: '1'}\ntopics: {}\n"
    (message,) = problems(spec_with(tmp_path, "events.yaml", text, "            specification: {name: asyncapi, version: 1.0.0}\n"))
    assert message == (
        AT + "'events.yaml' is AsyncAPI 1.0.0, a major version before 2.0 that API Center's tools do not read (its `topics` became `channels`): "
        "convert it with the AsyncAPI CLI (npm package @asyncapi/cli): `asyncapi convert events.yaml -o asyncapi.yaml -t 2.6.0`, and point `file` at the result"
    )


# --- GraphQL -----------------------------------------------------------------------------


def test_a_declared_directive_is_still_checked(tmp_path: Path) -> None:
    # undeclared directives belong to the server; one the file declares must be used where it says
    text = "directive @auth(role: String!) on FIELD_DEFINITION\n\ntype Query @auth(role: \"admin\") {\n  pets: [String]\n}\n"
    assert problems(spec_with(tmp_path, "schema.graphql", text)) == [
        at("schema.graphql:3:12") + "'schema.graphql' is not a valid GraphQL schema: Directive '@auth' may not be used on object: fix the schema" + REFERENCED
    ]


def test_extending_a_type_the_file_never_defines(tmp_path: Path) -> None:
    text = "type Query {\n  pets: [Pet]\n}\n\ntype Pet {\n  name: String\n}\n\nextend type Owner {\n  pets: [Pet]\n}\n"
    assert problems(spec_with(tmp_path, "schema.graphql", text)) == [
        at("schema.graphql:9:13") + "'schema.graphql' is not a valid GraphQL schema: Cannot extend type 'Owner' because it is not defined: "
        "define the type in this file (`type` rather than `extend type`), or point `file` at the whole schema" + REFERENCED
    ]


# --- WADL and RAML -----------------------------------------------------------------------

WADL = """\
<?xml version="1.0"?>
<application xmlns="http://wadl.dev.java.net/2009/02">
  <resources base="https://orders.contoso.com/">
    <resource path="orders">
      <method href="common.wadl#listMethod"/>
    </resource>
  </resources>
</application>
"""


def test_a_wadl_method_in_another_file_is_refused(tmp_path: Path) -> None:
    assert problems(spec_with(tmp_path, "orders.wadl", WADL)) == [
        at("orders.wadl:5:7") + "'orders.wadl' refers outside itself (<method href=\"common.wadl#listMethod\">): ARM imports the file alone, "
        "so inline the imported part: copy the imported definitions into this file and remove the reference" + REFERENCED
    ]


def test_a_wadl_method_of_this_file_is_accepted(tmp_path: Path) -> None:
    text = WADL.replace('<method href="common.wadl#listMethod"/>', '<method href="#list"/>').replace("  </resources>\n", '  </resources>\n  <method id="list" name="GET"/>\n')
    assert accepted(spec_with(tmp_path, "orders.wadl", text)) == ("wadl", None, [])


def test_a_raml_library_is_not_an_api_definition(tmp_path: Path) -> None:
    assert problems(spec_with(tmp_path, "common.raml", "#%RAML 1.0 Library\ntypes:\n  Money: number\n")) == [
        at("common.raml:1:1") + "'common.raml' is a RAML 1.0 Library, a piece that an API definition includes, not an API definition: "
        "point `file` at the RAML file whose first line is `#%RAML 1.0` alone (the one with the API's `title`), with what it uses copied in" + REFERENCED
    ]


def test_raml_uses_of_a_library_is_refused(tmp_path: Path) -> None:
    text = "#%RAML 1.0\ntitle: Notes API\nuses:\n  common: libraries/common.raml\n/notes:\n  get:\n"
    assert problems(spec_with(tmp_path, "notes.raml", text)) == [
        at("notes.raml:4:11") + "'notes.raml' refers outside itself (uses: common: libraries/common.raml): ARM imports the file alone, "
        "so copy what the library declares into this file and remove `uses`" + REFERENCED
    ]


def test_raml_without_a_title(tmp_path: Path) -> None:
    assert problems(spec_with(tmp_path, "notes.raml", "#%RAML 0.8\nbaseUri: https://notes.contoso.com\n/notes:\n  get:\n")) == [
        AT + "'notes.raml' is not valid RAML 0.8: it has no `title`, which every RAML API definition has: add `title: ...` after the first line"
    ]


def test_raml_saved_as_yaml_is_detected(tmp_path: Path) -> None:
    assert accepted(spec_with(tmp_path, "notes.yaml", "#%RAML 1.0\ntitle: Notes API\n/notes:\n  get:\n")) == ("raml", "1.0", [])


def test_a_raml_version_that_does_not_exist(tmp_path: Path) -> None:
    assert problems(spec_with(tmp_path, "notes.raml", "#%RAML 2.0\ntitle: Notes API\n")) == [
        at("notes.raml:1:1") + "'notes.raml' says RAML 2.0, which does not exist: the first line is `#%RAML 1.0` or `#%RAML 0.8`" + REFERENCED
    ]


def test_a_graphql_syntax_error_among_comments_is_not_taken_for_markdown(tmp_path: Path) -> None:
    # `# ...` is a GraphQL comment as much as a Markdown heading
    text = "# The pet store's schema\n# - pets\n\ntype Query {\n  pets: [Pet\n}\n\ntype Pet {\n  name: String\n}\n"
    assert problems(spec_with(tmp_path, "schema.graphql", text)) == [
        at("schema.graphql:6:1") + "'schema.graphql' is not valid GraphQL: Expected ']', found '}': fix the syntax" + REFERENCED
    ]
