"""Definition files (`definitions.NAME.file`): one test per rule, asserting the whole message.

Every spec here is SPEC below with the definition's `file:` value on line 17, column 19,
so each problem reads `spec.yaml:17:19: apis.petstore.versions.v1-0.definitions.openapi.file: ...`;
a problem at a place in the definition file reads `petstore.yaml:LINE:COL: apis...file: ...;
referenced at spec.yaml:17:19`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

import apic_access.config.definition_files as definition_files
from apic_access.cli import main
from apic_access.config.errors import SpecError
from apic_access.config.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]

SPEC = """\
specVersion: 1
apiCenter:
  name: contoso-apis-${{stack}}
  resourceGroup: rg-contoso-apis
  location: eastus
apis:
  petstore:
    title: Petstore
    kind: rest
    versions:
      v1-0:
        title: v1.0
        lifecycleStage: production
        definitions:
          openapi:
            title: OpenAPI
            file: {file}
{extra}"""
AT = "spec.yaml:17:19: apis.petstore.versions.v1-0.definitions.openapi.file: "
REFERENCED = "; referenced at spec.yaml:17:19"


def at(where: str) -> str:
    """The start of a problem at `where` (FILE:LINE:COL) in the definition file."""
    return f"{where}: apis.petstore.versions.v1-0.definitions.openapi.file: "

OPENAPI = """\
openapi: 3.0.3
info:
  title: Petstore
  version: "1.0"
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: The pets
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # problems name files relative to the working directory; specs read files in their project
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Pulumi.yaml").write_text("name: test\n", encoding="utf-8")


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def spec(tmp_path: Path, file: str, extra: str = "") -> Path:
    return write(tmp_path, "spec.yaml", SPEC.format(file=file, extra=extra))


def problems(path: Path) -> list[str]:
    with pytest.raises(SpecError) as exc:
        load_spec(path)
    return [str(p) for p in exc.value.problems]


def definition(path: Path):  # type: ignore[no-untyped-def]
    return load_spec(path).spec.apis["petstore"].versions["v1-0"].definitions["openapi"]


# --- one test per rule -------------------------------------------------------------------


def test_file_not_found(tmp_path: Path) -> None:
    assert problems(spec(tmp_path, "apis/petstore.yaml")) == [
        AT + "file 'apis/petstore.yaml' not found (looked for apis/petstore.yaml): the path is relative to the spec file it is written in; "
        "fix the path or add the file"
    ]


def test_file_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "apis").mkdir()
    assert problems(spec(tmp_path, "apis")) == [AT + "'apis' is a directory: name the specification file itself"]


def test_file_is_empty(tmp_path: Path) -> None:
    write(tmp_path, "petstore.yaml", "\n  \n")
    assert problems(spec(tmp_path, "petstore.yaml")) == [AT + "'petstore.yaml' is empty: put the API's specification in it"]


def test_file_too_large(tmp_path: Path) -> None:
    write(tmp_path, "petstore.yaml", OPENAPI + "#" * (3 * 1024 * 1024))
    assert problems(spec(tmp_path, "petstore.yaml")) == [
        AT + f"'petstore.yaml' is {len(OPENAPI) + 3 * 1024 * 1024:,} bytes, more than the 3,145,728 (3 MiB) ARM imports inline: "
        "make it smaller, for example by moving examples out of it"
    ]


def test_file_not_utf8(tmp_path: Path) -> None:
    write(tmp_path, "petstore.yaml", OPENAPI.encode() + b"# caf\xe9\n")
    assert problems(spec(tmp_path, "petstore.yaml")) == [
        AT + f"'petstore.yaml' is not UTF-8 text (invalid continuation byte at byte {len(OPENAPI) + 5}): save it as UTF-8"
    ]


def test_json_does_not_parse(tmp_path: Path) -> None:
    write(tmp_path, "petstore.json", '{"openapi": "3.0.3",\n  "info": {"title": "Petstore",}\n}\n')
    assert problems(spec(tmp_path, "petstore.json")) == [
        at("petstore.json:2:32") + "'petstore.json' is not valid JSON: Expecting property name enclosed in double quotes: fix the syntax" + REFERENCED
    ]


def test_yaml_does_not_parse(tmp_path: Path) -> None:
    write(tmp_path, "petstore.yaml", "openapi: 3.0.3\ninfo:\n  title: [Petstore\n")
    assert problems(spec(tmp_path, "petstore.yaml")) == [
        at("petstore.yaml:4:1") + "'petstore.yaml' is not valid YAML: did not find expected ',' or ']': fix the syntax" + REFERENCED
    ]


def test_yaml_aliases_that_expand_past_the_budget_are_refused_before_parsing(tmp_path: Path) -> None:
    # "billion laughs" in a pull request's definition file: ten lines that stand for 9**10 values,
    # which validating would walk for hours; the spec's own alias budget refuses it at once
    bomb = ["  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    bomb += [f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    write(tmp_path, "petstore.yaml", OPENAPI + "x-bomb:\n" + "\n".join(bomb) + "\n")
    line = OPENAPI.count("\n") + 8  # the a6 line: its sixth *a5 (column 37) crosses 4,000,000
    assert problems(spec(tmp_path, "petstore.yaml")) == [
        at(f"petstore.yaml:{line}:37")
        + "'petstore.yaml' is refused: alias *a5 expands the document past 4,000,000 values: anchors and aliases are allowed, "
        "but not nested so that a few lines stand for millions of values; write the values out" + REFERENCED
    ]


def test_yaml_with_modest_aliases_is_accepted(tmp_path: Path) -> None:
    write(tmp_path, "petstore.yaml", OPENAPI + "x-shared: &shared {a: 1}\nx-again: *shared\n")
    load_spec(spec(tmp_path, "petstore.yaml"))  # raises SpecError on any problem


def test_wsdl_does_not_parse(tmp_path: Path) -> None:
    write(tmp_path, "orders.wsdl", '<definitions xmlns="http://schemas.xmlsoap.org/wsdl/">\n  <types>\n</definitions>\n')
    assert problems(spec(tmp_path, "orders.wsdl")) == [at("orders.wsdl:3:3") + "'orders.wsdl' is not well-formed XML: mismatched tag: fix the syntax" + REFERENCED]


def test_format_not_detected(tmp_path: Path) -> None:
    write(tmp_path, "petstore.yaml", "title: Petstore\npaths: {}\n")
    assert problems(spec(tmp_path, "petstore.yaml")) == [
        AT + "cannot tell the format of 'petstore.yaml': it has no `openapi`, `swagger` or `asyncapi` key and is not a .graphql, .gql, .wsdl, .wadl, "
        ".proto or .raml file; add `specification: {name: ..., version: ...}` to the definition"
    ]


def test_given_format_contradicts_the_file(tmp_path: Path) -> None:
    write(tmp_path, "petstore.yaml", OPENAPI)
    path = spec(tmp_path, "petstore.yaml", "            specification: {name: asyncapi, version: 2.6.0}\n")
    assert problems(path) == [
        AT + "'petstore.yaml' is OpenAPI 3.0.3 but `specification.name` says 'asyncapi': fix `specification.name`, or remove `specification` "
        "(the format is detected from the file)"
    ]


def test_given_openapi_but_not_a_mapping(tmp_path: Path) -> None:
    write(tmp_path, "petstore.txt", "just some text\n")
    path = spec(tmp_path, "petstore.txt", "            specification: {name: openapi}\n")
    assert problems(path) == [AT + "'petstore.txt' is not a mapping of keys, so it cannot be OpenAPI: check that it is the right file"]


def test_given_openapi_but_no_version_key(tmp_path: Path) -> None:
    write(tmp_path, "petstore.yaml", "info:\n  title: Petstore\npaths: {}\n")
    path = spec(tmp_path, "petstore.yaml", "            specification: {name: openapi, version: 3.0.3}\n")
    assert problems(path) == [
        AT + "'petstore.yaml' has no `openapi` (or `swagger`) key stating its OpenAPI version: add it at the top of the file, for example `openapi: 3.0.3`"
    ]


def test_openapi_not_valid(tmp_path: Path) -> None:
    write(tmp_path, "petstore.yaml", OPENAPI.replace('  version: "1.0"\n', ""))
    assert problems(spec(tmp_path, "petstore.yaml")) == [
        at("petstore.yaml:2:1") + "'petstore.yaml' is not valid OpenAPI 3.0.3: 'version' is a required property (at info): "
        'fix the specification (the portal\'s "Try this API" needs a valid one)' + REFERENCED
    ]


def test_openapi_not_valid_reports_the_deepest_alternative(tmp_path: Path) -> None:
    broken = OPENAPI.replace(
        "      operationId: listPets\n", "      operationId: listPets\n      parameters:\n        - {name: q, in: body, schema: {type: string}}\n"
    )
    write(tmp_path, "petstore.yaml", broken)
    assert problems(spec(tmp_path, "petstore.yaml")) == [
        at("petstore.yaml:10:25") + "'petstore.yaml' is not valid OpenAPI 3.0.3: 'body' is not one of ['path', 'query', 'header', 'cookie'] "
        '(at paths./pets.get.parameters[0].in): fix the specification (the portal\'s "Try this API" needs a valid one)' + REFERENCED
    ]


def test_openapi_ref_to_nowhere(tmp_path: Path) -> None:
    broken = OPENAPI.replace(
        "          description: The pets\n",
        '          description: The pets\n          content:\n            application/json:\n              schema: {$ref: "#/components/schemas/Pet"}\n',
    )
    write(tmp_path, "petstore.yaml", broken)
    assert problems(spec(tmp_path, "petstore.yaml")) == [
        at("petstore.yaml:14:30") + "'petstore.yaml' is not valid OpenAPI 3.0.3: '/components/schemas/Pet' does not exist: "
        'fix the specification (the portal\'s "Try this API" needs a valid one)' + REFERENCED
    ]


def test_openapi_refers_outside_the_file(tmp_path: Path) -> None:
    write(tmp_path, "pet.yaml", "type: object\n")
    broken = OPENAPI.replace(
        "          description: The pets\n",
        "          description: The pets\n          content:\n            application/json:\n              schema: {$ref: pet.yaml}\n",
    )
    write(tmp_path, "petstore.yaml", broken)
    assert problems(spec(tmp_path, "petstore.yaml")) == [
        at("petstore.yaml:14:30") + "'petstore.yaml' refers outside itself ($ref 'pet.yaml' at paths./pets.get.responses.200.content.application/json.schema.$ref): "
        "ARM imports the file alone, so move what it points to into the file (under `components`)" + REFERENCED
    ]


def test_openapi_version_cannot_be_checked(tmp_path: Path) -> None:
    write(tmp_path, "petstore.yaml", OPENAPI.replace("openapi: 3.0.3", "openapi: 4.0.0"))
    assert problems(spec(tmp_path, "petstore.yaml")) == [at("petstore.yaml:1:10") + "'petstore.yaml' says OpenAPI 4.0.0, which cannot be checked: use OpenAPI 2.0, 3.0, 3.1 or 3.2" + REFERENCED]


def test_file_of_an_existing_definition_is_a_warning(tmp_path: Path) -> None:
    loaded = load_spec(spec(tmp_path, "not-read.yaml", "            existing: true\n"))
    assert [str(w) for w in loaded.warnings] == [
        AT + "warning: is not imported: the definition has `existing: true`, so this stack does not change it; remove `file`, "
        "or remove `existing: true` to let this stack own the definition"
    ]
    assert loaded.spec.apis["petstore"].versions["v1-0"].definitions["openapi"].content_hash is None


def test_every_definition_file_is_reported_in_one_run(tmp_path: Path) -> None:
    text = SPEC.format(file="one.yaml", extra="          asyncapi:\n            title: Events\n            file: two.yaml\n")
    assert problems(write(tmp_path, "spec.yaml", text)) == [
        AT + "file 'one.yaml' not found (looked for one.yaml): the path is relative to the spec file it is written in; fix the path or add the file",
        "spec.yaml:20:19: apis.petstore.versions.v1-0.definitions.asyncapi.file: file 'two.yaml' not found (looked for two.yaml): "
        "the path is relative to the spec file it is written in; fix the path or add the file",
    ]


# --- what a valid file gives the model ---------------------------------------------------


def test_openapi_yaml_is_detected_and_hashed(tmp_path: Path) -> None:
    file = write(tmp_path, "apis/petstore.yaml", OPENAPI)
    d = definition(spec(tmp_path, "apis/petstore.yaml"))
    assert (d.file, d.specification_name, d.specification_version) == (str(file.resolve()), "openapi", "3.0.3")
    assert d.content_hash == hashlib.sha256(file.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("petstore.json", '{"swagger": "2.0", "info": {"title": "P", "version": "1"}, "paths": {}}', ("openapi", "2.0")),
        ("petstore.yml", "swagger: 2.0\ninfo: {title: P, version: '1'}\npaths: {}\n", ("openapi", "2.0")),
        ("events.yaml", "asyncapi: 2.6.0\ninfo: {title: Events, version: '1'}\nchannels: {}\n", ("asyncapi", "2.6.0")),
        ("schema.graphql", "type Query { pets: [String] }\n", ("graphql", None)),
        ("schema.gql", "type Query { pets: [String] }\n", ("graphql", None)),
        ("pets.proto", 'syntax = "proto3";\nservice Pets {}\n', ("grpc", None)),
        ("orders.wsdl", '<definitions xmlns="http://schemas.xmlsoap.org/wsdl/"/>\n', ("wsdl", "1.1")),
        ("orders.xml", '<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"/>\n', ("wsdl", "1.1")),
    ],
)
def test_formats_are_detected(tmp_path: Path, name: str, content: str, expected: tuple[str, str | None]) -> None:
    write(tmp_path, name, content)
    d = definition(spec(tmp_path, name))
    assert (d.specification_name, d.specification_version) == expected


def test_given_specification_names_an_undetectable_format(tmp_path: Path) -> None:
    write(tmp_path, "tools.txt", "list_pets: returns the pets\n")
    d = definition(spec(tmp_path, "tools.txt", "            specification: {name: mcp, version: 2025-03-26}\n"))
    assert (d.specification_name, d.specification_version) == ("mcp", "2025-03-26")


def test_path_is_relative_to_the_file_it_is_written_in(tmp_path: Path) -> None:
    file = write(tmp_path, "base/apis/petstore.yaml", OPENAPI)
    write(tmp_path, "base/base.yaml", SPEC.format(file="apis/petstore.yaml", extra=""))
    env = write(tmp_path, "envs/dev.yaml", "specVersion: 1\nextends: ../base/base.yaml\napiCenter:\n  location: westeurope\n")
    assert definition(env).file == str(file.resolve())


def test_a_missing_file_in_a_base_spec_points_at_the_base(tmp_path: Path) -> None:
    write(tmp_path, "base/base.yaml", SPEC.format(file="apis/petstore.yaml", extra=""))
    env = write(tmp_path, "envs/dev.yaml", "specVersion: 1\nextends: ../base/base.yaml\n")
    assert problems(env) == [
        "base/base.yaml:17:19: apis.petstore.versions.v1-0.definitions.openapi.file: file 'apis/petstore.yaml' not found "
        "(looked for base/apis/petstore.yaml): the path is relative to the spec file it is written in; fix the path or add the file"
    ]


def test_one_byte_changes_the_hash(tmp_path: Path) -> None:
    file = write(tmp_path, "petstore.yaml", OPENAPI)
    path = spec(tmp_path, "petstore.yaml")
    before = definition(path).content_hash
    file.write_text(OPENAPI.replace("The pets", "The petz"), encoding="utf-8")
    assert definition(path).content_hash != before


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_example_definition_files_are_valid(stack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    loaded = load_spec(ROOT / "config" / f"{stack}.yaml", stack=stack)
    files = {d.file for a in loaded.spec.apis.values() for v in a.versions.values() for d in v.definitions.values() if d.file}
    assert files and all(Path(f).parent == ROOT / "config" / "apis" for f in files)
    assert not [w for w in loaded.warnings if ".file" in w.path]


def test_size_limit_is_three_mib() -> None:
    assert definition_files.MAX_BYTES == 3 * 1024 * 1024


# --- read and checked once ---------------------------------------------------------------

FIVE_VERSIONS = "specVersion: 1\napiCenter:\n  name: apis-${stack}\n  resourceGroup: rg-apis\n  location: eastus\napis:\n  petstore:\n    title: Petstore\n    kind: rest\n    versions:\n" + "".join(
    f"      v{i}-0:\n        title: v{i}\n        lifecycleStage: production\n        definitions:\n          openapi: {{title: OpenAPI, file: {{file}}}}\n" for i in range(1, 6)
)


def spy_on_reads_and_checks(monkeypatch: pytest.MonkeyPatch, file: Path) -> tuple[list[Path], list[str]]:
    """Every read of `file` from disk, and every check (judge) of any definition content."""
    reads: list[Path] = []
    judged: list[str] = []
    read_bytes, judge = Path.read_bytes, definition_files.judge

    def counting_read(self: Path) -> bytes:
        if self.resolve() == file.resolve():
            reads.append(self)
        return read_bytes(self)

    def counting_judge(text: str, suffix: str, given: str | None):  # type: ignore[no-untyped-def]
        judged.append(suffix)
        return judge(text, suffix, given)

    monkeypatch.setattr(Path, "read_bytes", counting_read)
    monkeypatch.setattr(definition_files, "judge", counting_judge)
    monkeypatch.setattr(definition_files, "_VERDICTS", {})  # nothing judged by earlier tests
    return reads, judged


def test_a_file_five_versions_reference_is_read_and_checked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = write(tmp_path, "petstore.yaml", OPENAPI)
    path = write(tmp_path, "spec.yaml", FIVE_VERSIONS.replace("{file}", "petstore.yaml"))
    expected = hashlib.sha256(file.read_bytes()).hexdigest()
    reads, judged = spy_on_reads_and_checks(monkeypatch, file)
    loaded = load_spec(path)
    hashes = {d.content_hash for v in loaded.spec.apis["petstore"].versions.values() for d in v.definitions.values()}
    assert (hashes, len(reads), len(judged)) == ({expected}, 1, 1)


def test_a_file_with_a_warning_is_still_checked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a warning sends the spec through the position-keeping path after the fast one: both ask
    linked = OPENAPI.replace("      operationId: listPets\n", "      operationId: listPets\n      x-examples: {one: {$ref: examples/one.json}}\n")
    file = write(tmp_path, "petstore.yaml", linked)
    path = write(tmp_path, "spec.yaml", FIVE_VERSIONS.replace("{file}", "petstore.yaml"))
    reads, judged = spy_on_reads_and_checks(monkeypatch, file)
    assert len(load_spec(path).warnings) == 5
    assert (len(reads), len(judged)) == (1, 1)


def test_the_same_content_in_two_files_is_checked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a/petstore.yaml", OPENAPI)
    file = write(tmp_path, "b/petstore.yaml", OPENAPI)
    text = FIVE_VERSIONS.replace("{file}", "a/petstore.yaml", 1).replace("{file}", "b/petstore.yaml")
    _, judged = spy_on_reads_and_checks(monkeypatch, file)
    load_spec(write(tmp_path, "spec.yaml", text))
    assert len(judged) == 1


# --- where in the definition file ----------------------------------------------------------

ORDERS = """\
openapi: 3.0.3
info:
  title: Orders
  version: "1.0"
servers:
  - url: https://api.contoso.com/orders/v1
paths:
  /orders:
    get:
      operationId: listOrders
      parameters:
        - name: status
          in: query
          schema:
            type: string
            enum: [open, shipped]
      responses:
        "200":
          description: The orders
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: "#/components/schemas/Order"
  /orders/{orderId}:
    get:
      operationId: getOrder
      parameters:
        - name: orderId
          in: path
          required: true
          schema:
            type: string
      responses:
        "200":
          description: The order
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Order"
components:
  schemas:
    Order:
      type: object
      properties:
        id:
          type: string
"""


def project_with_orders(tmp_path: Path, orders: str) -> Path:
    """config/dev.yaml naming config/apis/orders.yaml, as the example project lays files out."""
    write(tmp_path, "config/apis/orders.yaml", orders)
    return write(tmp_path, "config/dev.yaml", SPEC.format(file="apis/orders.yaml", extra=""))


def test_validate_names_the_definition_files_line_and_the_spec_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a path parameter that is not required: OpenAPI 3 says a path parameter must be
    project_with_orders(tmp_path, ORDERS.replace("          in: path\n          required: true\n", "          in: path\n          required: false\n"))
    assert main(["validate", "config/dev.yaml"]) == 1
    out, err = capsys.readouterr()
    assert out == (
        "config/apis/orders.yaml:32:21: apis.petstore.versions.v1-0.definitions.openapi.file: 'apis/orders.yaml' is not valid OpenAPI 3.0.3: "
        "False is not one of [True] (at paths./orders/{orderId}.get.parameters[0].required): "
        'fix the specification (the portal\'s "Try this API" needs a valid one); referenced at config/dev.yaml:17:19\n'
    )
    assert err == "config/dev.yaml: 1 error\n"


def test_github_annotation_is_on_the_definition_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project_with_orders(tmp_path, ORDERS.replace("          in: query\n", "          in: body\n"))
    assert main(["validate", "--format", "github", "config/dev.yaml"]) == 1
    out, _ = capsys.readouterr()
    assert out == (
        "::error file=config/apis/orders.yaml,line=13,col=15,title=apis.petstore.versions.v1-0.definitions.openapi.file::"
        "'apis/orders.yaml' is not valid OpenAPI 3.0.3: 'body' is not one of ['path', 'query', 'header', 'cookie'] "
        '(at paths./orders.get.parameters[0].in): fix the specification (the portal\'s "Try this API" needs a valid one); '
        "referenced at config/dev.yaml:17:19\n"
    )


def test_a_problem_in_a_file_a_base_spec_names_is_referenced_at_the_base(tmp_path: Path) -> None:
    write(tmp_path, "base/apis/petstore.yaml", OPENAPI.replace('  version: "1.0"\n', ""))
    write(tmp_path, "base/base.yaml", SPEC.format(file="apis/petstore.yaml", extra=""))
    env = write(tmp_path, "envs/dev.yaml", "specVersion: 1\nextends: ../base/base.yaml\n")
    assert problems(env) == [
        "base/apis/petstore.yaml:2:1: apis.petstore.versions.v1-0.definitions.openapi.file: 'apis/petstore.yaml' is not valid OpenAPI 3.0.3: "
        "'version' is a required property (at info): fix the specification (the portal's \"Try this API\" needs a valid one); "
        "referenced at base/base.yaml:17:19"
    ]


def test_swagger_yaml_with_numeric_response_codes(tmp_path: Path) -> None:
    # `200:` unquoted is a number to YAML, the response code "200" to OpenAPI (and in the JSON ARM reads)
    swagger = "swagger: '2.0'\ninfo:\n  title: Petstore\n  version: '1.0'\npaths:\n  /pets:\n    get:\n      responses:\n        200:\n          description: The pets\n"
    write(tmp_path, "petstore.yaml", swagger)
    assert definition(spec(tmp_path, "petstore.yaml")).specification_version == "2.0"
    write(tmp_path, "petstore.yaml", swagger + "          schema:\n            type: arrray\n")
    assert problems(spec(tmp_path, "petstore.yaml")) == [
        at("petstore.yaml:12:19") + "'petstore.yaml' is not valid OpenAPI 2.0: 'arrray' is not one of "
        "['array', 'boolean', 'integer', 'null', 'number', 'object', 'string', 'file'] (at paths./pets.get.responses.200.schema.type): "
        'fix the specification (the portal\'s "Try this API" needs a valid one)' + REFERENCED
    ]


def test_openapi_3_json_error_is_located(tmp_path: Path) -> None:
    document = yaml.safe_load(ORDERS.replace("          in: query\n", "          in: body\n"))
    write(tmp_path, "orders.json", json.dumps(document, indent=2))
    assert problems(spec(tmp_path, "orders.json")) == [
        at("orders.json:19:19") + "'orders.json' is not valid OpenAPI 3.0.3: 'body' is not one of ['path', 'query', 'header', 'cookie'] "
        '(at paths./orders.get.parameters[0].in): fix the specification (the portal\'s "Try this API" needs a valid one)' + REFERENCED
    ]
