"""A corpus of definition files shaped like real public ones (tests/config/definitions/), each
with the verdict `validate` gives it: the format recorded for an accepted file, the whole
message for a refused one.

The files are small re-writings of the kinds teams import: the Swagger Petstore, an Azure
REST API spec, the AsyncAPI streetlights example in 1.2 and 2.6, a countries GraphQL schema
and its introspection result, an Apollo Federation subgraph, an AWS AppSync schema, proto2,
WSDL 2.0, WADL with and without included grammars, RAML 0.8 and 1.0, a Postman collection,
and files that are not what their name says.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from apic_access.config.errors import SpecError
from apic_access.config.spec import load_spec
from tests.config.test_definition_formats import AT, REFERENCED, SPEC, at

CORPUS = Path(__file__).resolve().parent / "definitions"




def verdict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> tuple[str, ...] | list[str]:
    """("accepted", format, version, warnings...) or the problems `validate` prints."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(CORPUS / name, tmp_path / name)
    (tmp_path / "spec.yaml").write_text(SPEC.format(file=name), encoding="utf-8")
    try:
        loaded = load_spec(tmp_path / "spec.yaml")
    except SpecError as exc:
        return [str(p) for p in exc.problems]
    d = loaded.spec.apis["petstore"].versions["v1-0"].definitions["openapi"]
    return ("accepted", str(d.specification_name), str(d.specification_version), *[str(w) for w in loaded.warnings])


ACCEPTED = {
    "petstore-3.0.yaml": ("openapi", "3.0.3"),
    # OpenAPI 3.1 allows a document with webhooks and no paths
    "webhooks-3.1.yaml": ("openapi", "3.1.0"),
    "streetlights-asyncapi-2.6.yaml": ("asyncapi", "2.6.0"),
    "countries.graphql": ("graphql", "None"),
    # AppSync's scalars and directives are AppSync's own: used without being declared
    "appsync-todos.graphql": ("graphql", "None"),
    "addressbook-proto2.proto": ("grpc", "None"),
    "greeter-wsdl-2.0.wsdl": ("wsdl", "2.0"),
    "yahoo-search-inline.wadl": ("wadl", "None"),
    "notes-api-1.0.raml": ("raml", "1.0"),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    assert verdict(tmp_path, monkeypatch, name) == ("accepted", *ACCEPTED[name])


def test_every_corpus_file_has_a_verdict_here() -> None:
    assert sorted(p.name for p in CORPUS.iterdir()) == sorted([*ACCEPTED, *REFUSED])


REFUSED = {
    # Azure REST API specs link the shared common-types files: the operations would import
    # without their api-version parameter and error shape (x-ms-paths, x-ms-parameterized-host
    # and the x-ms-examples links are vendor extensions, plain data to ARM)
    "azure-widgets-2024-05-01.json": [
        at("azure-widgets-2024-05-01.json:27:21")
        + "'azure-widgets-2024-05-01.json' refers outside itself ($ref '../../../../common-types/data-plane/v1/types.json#/parameters/ApiVersionParamet…' "
        "at paths./widgets/{widgetName}.get.parameters[1].$ref, and 1 more): ARM imports the file alone, so move what it points to into the file "
        "(under `parameters`)" + REFERENCED
    ],
    "petstore-3.0-duplicate-get.yaml": [
        at("petstore-3.0-duplicate-get.yaml:42:5")
        + "'petstore-3.0-duplicate-get.yaml' has the key 'get' twice in paths./pets, at line 11, column 5 and at line 42, column 5: "
        "readers keep one of the two values and silently drop the other, so what ARM imports is not what the file says: "
        "remove one, or merge the two" + REFERENCED
    ],
    "orders-duplicate-path.json": [
        at("orders-duplicate-path.json:16:5")
        + "'orders-duplicate-path.json' has the key '/orders' twice in paths, at line 6, column 5 and at line 16, column 5: "
        "readers keep one of the two values and silently drop the other, so what ARM imports is not what the file says: "
        "remove one, or merge the two" + REFERENCED
    ],
    "petstore-swagger-1.2.json": [
        AT + "'petstore-swagger-1.2.json' is Swagger 1.2 (a resource listing: its API declarations are separate files), which ARM does not import: "
        "API Center reads OpenAPI 2.0 and later; convert it, for example with the npm package api-spec-converter: "
        "`api-spec-converter --from=swagger_1 --to=openapi_3 --syntax=yaml petstore-swagger-1.2.json > openapi.yaml`, and point `file` at the result"
    ],
    "streetlights-asyncapi-1.2.yaml": [
        AT + "'streetlights-asyncapi-1.2.yaml' is AsyncAPI 1.2.0, a major version before 2.0 that API Center's tools do not read "
        "(its `topics` became `channels`): convert it with the AsyncAPI CLI (npm package @asyncapi/cli): "
        "`asyncapi convert streetlights-asyncapi-1.2.yaml -o asyncapi.yaml -t 2.6.0`, and point `file` at the result"
    ],
    "countries-duplicate-field.graphql": [
        at("countries-duplicate-field.graphql:22:3")
        + "'countries-duplicate-field.graphql' is not a valid GraphQL schema: Field 'Country.capital' can only be defined once "
        "(line 20, column 3 and line 22, column 3): fix the schema" + REFERENCED
    ],
    "countries-introspection.json": [
        AT + "'countries-introspection.json' is a GraphQL introspection result (JSON, `__schema`), not a schema in SDL: "
        "API Center imports GraphQL as SDL (`type Query { ... }`); print it as SDL, for example with graphql-core: "
        "`python -c \"import json, sys; from graphql import build_client_schema, print_schema; d = json.load(sys.stdin); "
        "print(print_schema(build_client_schema(d.get('data', d))))\" < countries-introspection.json > schema.graphql`, "
        "and point `file` at schema.graphql"
    ],
    "reviews-subgraph.graphql": [
        at(f"reviews-subgraph.graphql:{line}")
        + f"'reviews-subgraph.graphql' is not a valid GraphQL schema: {message}" + REFERENCED
        for line, message in [
            ("2:13", "Cannot extend type 'Query' because it is not defined: this looks like an Apollo Federation subgraph, which extends types "
             "other subgraphs define; point `file` at the API schema the router serves (the composed supergraph's), or define the type in this file"),
            ("9:11", "Unknown type 'User': fix the schema"),
            ("10:12", "Unknown type 'Product': fix the schema"),
            ("13:13", "Cannot extend type 'User' because it is not defined: this looks like an Apollo Federation subgraph, which extends types "
             "other subgraphs define; point `file` at the API schema the router serves (the composed supergraph's), or define the type in this file"),
            ("19:13", "Cannot extend type 'Product' because it is not defined: this looks like an Apollo Federation subgraph, which extends types "
             "other subgraphs define; point `file` at the API schema the router serves (the composed supergraph's), or define the type in this file"),
        ]
    ],
    "shared-types.graphql": [
        AT + "'shared-types.graphql' is not a valid GraphQL schema: Query root type must be provided: a GraphQL API's schema has `type Query` "
        "with the operations clients can run (the specification requires it); if this file is a subgraph or a library of shared types, "
        "point `file` at the schema the API serves"
    ],
    "yahoo-search.wadl": [
        at("yahoo-search.wadl:8:5")
        + "'yahoo-search.wadl' refers outside itself (<include href=\"NewsSearchResponse.xsd\">, and 1 more): ARM imports the file alone, "
        "so inline the imported part: copy the imported schema into this file's <grammars> and remove the reference" + REFERENCED
    ],
    "order-types.wsdl": [
        AT + "'order-types.wsdl' is not WSDL: its root element is <schema> (namespace http://www.w3.org/2001/XMLSchema), where WSDL has "
        "<definitions> of WSDL 1.1 or <description> of WSDL 2.0: point `file` at the WSDL file"
    ],
    "jukebox-0.8.raml": [
        at("jukebox-0.8.raml:6:11")
        + "'jukebox-0.8.raml' refers outside itself (!include jukebox-include-song.schema, and 4 more): ARM imports the file alone, "
        "so put each included file's content in place of its `!include`" + REFERENCED
    ],
    "README.raml": [
        AT + "'README.raml' is not RAML: its first line is not `#%RAML 1.0` or `#%RAML 0.8`, and it looks like Markdown (a README, say): "
        "point `file` at the API's RAML file"
    ],
    "CHANGELOG.yaml": [
        AT + "'CHANGELOG.yaml' is not an API definition: it looks like Markdown (a README, say): "
        "point `file` at the API's OpenAPI, AsyncAPI, GraphQL SDL, WSDL, WADL, protobuf or RAML file"
    ],
    "orders.postman_collection.json": [
        AT + "'orders.postman_collection.json' is a Postman collection v2.1.0: a set of saved requests, not an API definition that API Center imports; "
        "convert it to OpenAPI, for example with the npm package postman-to-openapi: `p2o orders.postman_collection.json -f openapi.yaml`, "
        "and point `file` at the result (check it: a collection only shows the requests someone saved)"
    ],
    "empty.yaml": [AT + "'empty.yaml' is empty: put the API's specification in it"],
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    assert verdict(tmp_path, monkeypatch, name) == REFUSED[name]
