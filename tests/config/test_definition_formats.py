"""Definition files as teams really have them: one real-world-shaped file per rule and format.

Each file sits in a minimal spec (its `file:` on line 17, column 19) and the test asserts
what `validate` would print, or the format the model records for an accepted file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apic_access.config.errors import SpecError
from apic_access.config.spec import load_spec

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
            title: Definition
            file: {file}
"""
AT = "spec.yaml:17:19: apis.petstore.versions.v1-0.definitions.openapi.file: "
REFERENCED = "; referenced at spec.yaml:17:19"


def at(where: str) -> str:
    """The start of a problem at `where` (FILE:LINE:COL) in the definition file."""
    return f"{where}: apis.petstore.versions.v1-0.definitions.openapi.file: "


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def spec_with(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.format(file=name), encoding="utf-8")
    return spec


def problems(spec: Path) -> list[str]:
    with pytest.raises(SpecError) as exc:
        load_spec(spec)
    return [str(p) for p in exc.value.problems]


def accepted(spec: Path) -> tuple[str | None, str | None, list[str]]:
    """(format, version, warnings) of a file `validate` accepts."""
    loaded = load_spec(spec)
    d = loaded.spec.apis["petstore"].versions["v1-0"].definitions["openapi"]
    return d.specification_name, d.specification_version, [str(w) for w in loaded.warnings]


# --- OpenAPI 2.0 (Swagger), as Azure's REST API specs and TypeSpec emit it ---------------

AZURE_SWAGGER = {
    "swagger": "2.0",
    "info": {"title": "WidgetManagementClient", "version": "2024-05-01"},
    "host": "management.azure.com",
    "schemes": ["https"],
    "consumes": ["application/json"],
    "produces": ["application/json"],
    "security": [{"azure_auth": ["user_impersonation"]}],
    "securityDefinitions": {
        "azure_auth": {
            "type": "oauth2",
            "authorizationUrl": "https://login.microsoftonline.com/common/oauth2/authorize",
            "flow": "implicit",
            "scopes": {"user_impersonation": "impersonate your user account"},
        }
    },
    "paths": {
        "/subscriptions/{subscriptionId}/providers/Contoso.Widgets/widgets": {
            "get": {
                "operationId": "Widgets_ListBySubscription",
                "tags": ["Widgets"],
                "parameters": [{"$ref": "#/parameters/SubscriptionIdParameter"}, {"$ref": "#/parameters/ApiVersionParameter"}],
                "responses": {
                    "200": {"description": "OK", "schema": {"$ref": "#/definitions/WidgetListResult"}},
                    "default": {"description": "Error", "schema": {"$ref": "#/definitions/ErrorResponse"}},
                },
                "x-ms-pageable": {"nextLinkName": "nextLink"},
                "x-ms-examples": {
                    "Widgets_ListBySubscription": {"$ref": "./examples/Widgets_ListBySubscription.json"},
                    "Widgets_ListBySubscription_Empty": {"$ref": "./examples/Widgets_ListBySubscription_Empty.json"},
                },
            }
        }
    },
    "definitions": {
        "Widget": {
            "type": "object",
            "properties": {"id": {"type": "string", "readOnly": True}, "name": {"type": "string", "readOnly": True}, "color": {"type": "string"}},
            "x-ms-azure-resource": True,
        },
        "WidgetListResult": {
            "type": "object",
            "properties": {"value": {"type": "array", "items": {"$ref": "#/definitions/Widget"}}, "nextLink": {"type": "string"}},
        },
        "ErrorResponse": {"type": "object", "properties": {"error": {"type": "object", "properties": {"code": {"type": "string"}}}}},
    },
    "parameters": {
        "SubscriptionIdParameter": {"name": "subscriptionId", "in": "path", "required": True, "type": "string"},
        "ApiVersionParameter": {"name": "api-version", "in": "query", "required": True, "type": "string", "x-ms-parameter-location": "client"},
    },
}


def test_swagger_with_x_ms_examples_links_is_accepted_with_a_warning(tmp_path: Path) -> None:
    assert accepted(spec_with(tmp_path, "widgets.json", json.dumps(AZURE_SWAGGER, indent=2))) == (
        "openapi",
        "2.0",
        [
            at("widgets.json:68:21") + "warning: 'widgets.json' links to other files inside vendor extensions "
            "($ref './examples/Widgets_ListBySubscription.json' at "
            "paths./subscriptions/{subscriptionId}/providers/Contoso.Widgets/widgets.get.x-ms-examples.Widgets_ListBySubscription.$ref, and 1 more): "
            "ARM imports the file alone and keeps these as plain data, so what they point to is not imported; "
            "nothing to fix unless the portal should show it, then put it in the file" + REFERENCED
        ],
    )


@pytest.mark.parametrize(
    ("where", "home", "line_col"),
    [
        (["paths", "/subscriptions/{subscriptionId}/providers/Contoso.Widgets/widgets", "get", "parameters", 0], "`parameters`", "43:21"),
        (["paths", "/subscriptions/{subscriptionId}/providers/Contoso.Widgets/widgets", "get", "responses", "default"], "`responses`", "57:21"),
        (["definitions", "WidgetListResult", "properties", "value", "items"], "`definitions`", "93:21"),
    ],
)
def test_swagger_link_to_another_file_is_refused_with_the_swagger_fix(tmp_path: Path, where: list[str | int], home: str, line_col: str) -> None:
    doc = json.loads(json.dumps(AZURE_SWAGGER))
    node = doc
    for key in where:
        node = node[key]
    node.clear()
    node["$ref"] = "../../common-types/resource-management/v5/types.json#/x"
    del doc["paths"]["/subscriptions/{subscriptionId}/providers/Contoso.Widgets/widgets"]["get"]["x-ms-examples"]
    path = ".".join(str(k) if isinstance(k, str) else f"[{k}]" for k in where).replace(".[", "[")
    # indented as Azure's REST API specs are
    assert problems(spec_with(tmp_path, "widgets.json", json.dumps(doc, indent=2))) == [
        at(f"widgets.json:{line_col}") + f"'widgets.json' refers outside itself ($ref '../../common-types/resource-management/v5/types.json#/x' at {path}.$ref): "
        f"ARM imports the file alone, so move what it points to into the file (under {home})" + REFERENCED
    ]


# --- OpenAPI 3 ---------------------------------------------------------------------------

OPENAPI_31 = """\
openapi: 3.1.0
info:
  title: Webhook Example
  version: 1.0.0
  license:
    name: MIT
    identifier: MIT
jsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base
webhooks:
  newPet:
    post:
      requestBody:
        description: Information about a new pet in the system
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/Pet"
      responses:
        "200":
          description: Return a 200 status to indicate that the data was received successfully
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer, format: int64}
        name: {type: string}
        tag: {type: [string, "null"]}
"""


def test_openapi_31_with_webhooks_is_accepted(tmp_path: Path) -> None:
    assert accepted(spec_with(tmp_path, "webhooks.yaml", OPENAPI_31)) == ("openapi", "3.1.0", [])


def test_a_schema_property_named_x_is_not_an_extension(tmp_path: Path) -> None:
    # under `properties`, `x-request-id` is a property the author named, not a vendor extension
    text = OPENAPI_31.replace("        tag: {type: [string, \"null\"]}\n", "        x-request-id: {$ref: common.yaml#/RequestId}\n")
    assert problems(spec_with(tmp_path, "webhooks.yaml", text)) == [
        at("webhooks.yaml:29:30") + "'webhooks.yaml' refers outside itself ($ref 'common.yaml#/RequestId' at components.schemas.Pet.properties.x-request-id.$ref): "
        "ARM imports the file alone, so move what it points to into the file (under `components`)" + REFERENCED
    ]


# --- AsyncAPI ----------------------------------------------------------------------------

ASYNCAPI_2 = """\
asyncapi: 2.6.0
info:
  title: Account Service
  version: 1.0.0
  description: This service is in charge of processing user signups
servers:
  production:
    url: broker.contoso.com:9092
    protocol: kafka
channels:
  user/signedup:
    subscribe:
      operationId: onUserSignedUp
      message:
        $ref: '#/components/messages/UserSignedUp'
components:
  messages:
    UserSignedUp:
      payload:
        type: object
        properties:
          displayName: {type: string, description: Name of the user}
          email: {type: string, format: email}
"""

ASYNCAPI_3 = """\
asyncapi: 3.0.0
info:
  title: Account Service
  version: 1.0.0
servers:
  production:
    host: broker.contoso.com:9092
    protocol: kafka
channels:
  userSignedup:
    address: user/signedup
    messages:
      UserSignedUp:
        $ref: '#/components/messages/UserSignedUp'
operations:
  sendUserSignedup:
    action: send
    channel:
      $ref: '#/channels/userSignedup'
    messages:
      - $ref: '#/channels/userSignedup/messages/UserSignedUp'
components:
  messages:
    UserSignedUp:
      payload:
        type: object
        properties:
          displayName: {type: string}
          email: {type: string, format: email}
      examples:
        - payload: {displayName: Alice, email: alice@contoso.com}
"""


def test_asyncapi_2_is_accepted(tmp_path: Path) -> None:
    assert accepted(spec_with(tmp_path, "events.yaml", ASYNCAPI_2)) == ("asyncapi", "2.6.0", [])


def test_asyncapi_3_is_accepted(tmp_path: Path) -> None:
    assert accepted(spec_with(tmp_path, "events.yaml", ASYNCAPI_3)) == ("asyncapi", "3.0.0", [])


def test_multi_file_asyncapi_is_refused(tmp_path: Path) -> None:
    text = ASYNCAPI_2.replace("$ref: '#/components/messages/UserSignedUp'", "$ref: '../common/messages/user-signed-up.yaml'")
    assert problems(spec_with(tmp_path, "events.yaml", text)) == [
        at("events.yaml:15:15") + "'events.yaml' refers outside itself ($ref '../common/messages/user-signed-up.yaml' at channels.user/signedup.subscribe.message.$ref): "
        "ARM imports the file alone, so move what it points to into the file (under `components`)" + REFERENCED
    ]


def test_asyncapi_is_validated_against_its_versions_schema(tmp_path: Path) -> None:
    text = ASYNCAPI_3.replace("action: send", "action: publish")  # 2.x wording, not 3.0's
    assert problems(spec_with(tmp_path, "events.yaml", text)) == [
        at("events.yaml:17:13") + "'events.yaml' is not valid AsyncAPI 3.0.0: 'publish' is not one of ['send', 'receive'] (at operations.sendUserSignedup.action): "
        "fix the specification (the portal needs a valid one)" + REFERENCED
    ]


def test_asyncapi_reference_to_nothing_is_refused(tmp_path: Path) -> None:
    text = ASYNCAPI_2.replace("'#/components/messages/UserSignedUp'", "'#/components/messages/UserSignedIn'")
    assert problems(spec_with(tmp_path, "events.yaml", text)) == [
        at("events.yaml:15:15") + "'events.yaml' is not valid AsyncAPI 2.6.0: $ref '#/components/messages/UserSignedIn' (at channels.user/signedup.subscribe.message.$ref) "
        "points to nothing: add what it names under `components` or fix the reference" + REFERENCED
    ]


def test_asyncapi_version_without_a_schema(tmp_path: Path) -> None:
    (message,) = problems(spec_with(tmp_path, "events.yaml", ASYNCAPI_2.replace("asyncapi: 2.6.0", "asyncapi: '2.7'")))
    assert message == at("events.yaml:1:11") + "'events.yaml' says AsyncAPI 2.7, which cannot be checked: use one of 2.0.0, 2.1.0, 2.2.0, 2.3.0, 2.4.0, 2.5.0, 2.6.0, 3.0.0, 3.1.0 (the exact version, as a string)" + REFERENCED


# --- GraphQL -----------------------------------------------------------------------------

GRAPHQL_SCHEMA = '''\
"""A pet store."""
schema { query: Query mutation: Mutation }

scalar DateTime

type Query {
  pets(first: Int = 10, after: String): PetConnection!
  pet(id: ID!): Pet
}

type Mutation { adoptPet(id: ID!): Pet }

type PetConnection { edges: [Pet!]! cursor: String }

type Pet @key(fields: "id") {
  id: ID!
  name: String!
  born: DateTime
}
'''

GRAPHQL_QUERY = """\
query ListPets($first: Int) {
  pets(first: $first) { edges { ...PetFields } }
}

fragment PetFields on Pet { id name }
"""


def test_graphql_schema_is_accepted(tmp_path: Path) -> None:
    assert accepted(spec_with(tmp_path, "schema.graphql", GRAPHQL_SCHEMA)) == ("graphql", None, [])


def test_graphql_query_is_refused(tmp_path: Path) -> None:
    assert problems(spec_with(tmp_path, "pets.graphql", GRAPHQL_QUERY)) == [
        AT + "'pets.graphql' is a GraphQL query document (query ListPets, fragment PetFields), not a schema: "
        "an API definition is the schema (SDL: `type Query { ... }` and the types it returns); "
        "point `file` at the schema, for example one your GraphQL server exports"
    ]


def test_graphql_syntax_error_has_its_line(tmp_path: Path) -> None:
    assert problems(spec_with(tmp_path, "schema.graphql", GRAPHQL_SCHEMA.replace("type Mutation {", "type Mutation"))) == [
        at("schema.graphql:11:15") + "'schema.graphql' is not valid GraphQL: Unexpected Name 'adoptPet': fix the syntax" + REFERENCED
    ]


# --- WSDL --------------------------------------------------------------------------------

WSDL = """\
<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="http://contoso.com/orders" targetNamespace="http://contoso.com/orders">
  <wsdl:types>
    <xsd:schema targetNamespace="http://contoso.com/orders">
      <xsd:element name="GetOrder"><xsd:complexType><xsd:sequence><xsd:element name="id" type="xsd:string"/></xsd:sequence></xsd:complexType></xsd:element>
      <xsd:element name="Order"><xsd:complexType><xsd:sequence><xsd:element name="total" type="xsd:decimal"/></xsd:sequence></xsd:complexType></xsd:element>
    </xsd:schema>
  </wsdl:types>
  <wsdl:message name="GetOrderRequest"><wsdl:part name="parameters" element="tns:GetOrder"/></wsdl:message>
  <wsdl:message name="GetOrderResponse"><wsdl:part name="parameters" element="tns:Order"/></wsdl:message>
  <wsdl:portType name="Orders">
    <wsdl:operation name="GetOrder"><wsdl:input message="tns:GetOrderRequest"/><wsdl:output message="tns:GetOrderResponse"/></wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="OrdersSoap" type="tns:Orders">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="GetOrder"><soap:operation soapAction="GetOrder"/></wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="OrderService">
    <wsdl:port name="OrdersSoap" binding="tns:OrdersSoap"><soap:address location="https://orders.contoso.com/soap"/></wsdl:port>
  </wsdl:service>
</wsdl:definitions>
"""


def test_wsdl_is_accepted(tmp_path: Path) -> None:
    assert accepted(spec_with(tmp_path, "orders.wsdl", WSDL)) == ("wsdl", "1.1", [])


def test_wsdl_import_is_refused(tmp_path: Path) -> None:
    text = WSDL.replace("  <wsdl:types>\n", '  <wsdl:import namespace="http://contoso.com/common" location="common.wsdl"/>\n  <wsdl:types>\n')
    assert problems(spec_with(tmp_path, "orders.wsdl", text)) == [
        at("orders.wsdl:4:3") + "'orders.wsdl' refers outside itself (<wsdl:import location=\"common.wsdl\">): ARM imports the file alone, "
        "so inline the imported part: copy the imported definitions into this file and remove the reference" + REFERENCED
    ]


def test_xsd_import_with_a_schema_location_is_refused(tmp_path: Path) -> None:
    text = WSDL.replace(
        '    <xsd:schema targetNamespace="http://contoso.com/orders">\n',
        '    <xsd:schema targetNamespace="http://contoso.com/orders">\n'
        '      <xsd:import namespace="http://contoso.com/types"/>\n'
        '      <xsd:include schemaLocation="order-types.xsd"/>\n',
    )
    assert problems(spec_with(tmp_path, "orders.wsdl", text)) == [
        at("orders.wsdl:7:7") + "'orders.wsdl' refers outside itself (<xsd:include schemaLocation=\"order-types.xsd\">): ARM imports the file alone, "
        "so inline the imported part: copy the imported schema into this file's <types> and remove the reference" + REFERENCED
    ]


def test_wsdl_with_a_doctype_is_refused_and_nothing_is_expanded(tmp_path: Path) -> None:
    bomb = '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n' + WSDL.split("\n", 1)[1]
    assert problems(spec_with(tmp_path, "orders.wsdl", bomb)) == [
        AT + "'orders.wsdl' declares a DOCTYPE (a DTD or entities), which definition files may not: remove the <!DOCTYPE ...> declaration: fix the syntax"
    ]


# --- protobuf ----------------------------------------------------------------------------

PROTO_2023 = """\
// Pets API, in the editions syntax.
edition = "2023";

package contoso.pets.v1;

import "google/protobuf/timestamp.proto";
import "google/protobuf/field_mask.proto";

option features.field_presence = IMPLICIT;
option csharp_namespace = "Contoso.Pets.V1";

service PetStore {
  rpc GetPet(GetPetRequest) returns (Pet) {
    option idempotency_level = NO_SIDE_EFFECTS;
  }
  rpc UpdatePet(UpdatePetRequest) returns (Pet);
  rpc WatchPets(WatchPetsRequest) returns (stream Pet);
}

message Pet {
  string name = 1;
  string display_name = 2 [features.field_presence = EXPLICIT];
  google.protobuf.Timestamp born = 3;
  map<string, string> labels = 4;
  enum Kind {
    KIND_UNSPECIFIED = 0;
    DOG = 1;
    CAT = 2;
  }
  Kind kind = 5;
  reserved 6 to 9;
  reserved legacy_id;
}

message GetPetRequest { string name = 1; }
message UpdatePetRequest { Pet pet = 1; google.protobuf.FieldMask update_mask = 2; }
message WatchPetsRequest { string parent = 1; }
"""


def test_proto_edition_2023_is_accepted(tmp_path: Path) -> None:
    assert accepted(spec_with(tmp_path, "pets.proto", PROTO_2023)) == ("grpc", None, [])


def test_proto_without_a_service_is_refused(tmp_path: Path) -> None:
    messages_only = PROTO_2023[: PROTO_2023.index("service PetStore")] + PROTO_2023[PROTO_2023.index("message Pet {") :]
    assert problems(spec_with(tmp_path, "pets.proto", messages_only)) == [
        AT + "'pets.proto' defines no service: a gRPC API is its services; add the `service` with its `rpc` methods (a file of messages alone is not an API)"
    ]


def test_proto_import_of_another_file_is_refused(tmp_path: Path) -> None:
    text = PROTO_2023.replace('import "google/protobuf/field_mask.proto";\n', 'import "google/protobuf/field_mask.proto";\nimport "contoso/common/v1/money.proto";\n')
    assert problems(spec_with(tmp_path, "pets.proto", text)) == [
        at("pets.proto:8:1") + "'pets.proto' refers outside itself (import \"contoso/common/v1/money.proto\"): ARM imports the file alone, so copy what it uses "
        "from the imported file into this one and remove the import (only Google's well-known types, google/protobuf/*, may stay)" + REFERENCED
    ]


def test_proto_syntax_error_has_its_line(tmp_path: Path) -> None:
    text = PROTO_2023.replace("  string name = 1;\n  string display_name", "  string name = 1\n  string display_name")
    assert problems(spec_with(tmp_path, "pets.proto", text)) == [
        at("pets.proto:22:3") + "'pets.proto' is not valid protobuf: expected ';' after field 'name', found 'string': fix the syntax" + REFERENCED
    ]


def test_each_vendored_asyncapi_schema_is_the_official_one_for_its_version() -> None:
    from apic_access.config.definitions import ASYNCAPI_SCHEMAS, asyncapi_versions

    assert asyncapi_versions() == ["2.0.0", "2.1.0", "2.2.0", "2.3.0", "2.4.0", "2.5.0", "2.6.0", "3.0.0", "3.1.0"]
    for version in asyncapi_versions():
        schema = json.loads((ASYNCAPI_SCHEMAS / f"{version}.json").read_text(encoding="utf-8"))
        declared = schema["properties"]["asyncapi"]
        assert schema["$id"] == f"http://asyncapi.com/definitions/{version}/asyncapi.json"
        assert declared.get("const", (declared.get("enum") or [None])[0]) == version
    assert "Apache License" in (ASYNCAPI_SCHEMAS / "LICENSE").read_text(encoding="utf-8")


def test_a_problem_deep_in_a_large_azure_swagger_is_located(tmp_path: Path) -> None:
    # near ARM's 3 MiB inline limit, as Azure's REST API specs for a large resource provider are
    doc = json.loads(json.dumps(AZURE_SWAGGER))
    widgets = doc["paths"].pop("/subscriptions/{subscriptionId}/providers/Contoso.Widgets/widgets")
    del widgets["get"]["x-ms-examples"]
    for i in range(1700):
        doc["paths"][f"/subscriptions/{{subscriptionId}}/providers/Contoso.Widgets/widgets{i}"] = json.loads(json.dumps(widgets))
        doc["definitions"][f"Widget{i}"] = {"type": "object", "properties": {f"p{k}": {"type": "string", "description": f"Property {k}."} for k in range(8)}}
    last = doc["paths"]["/subscriptions/{subscriptionId}/providers/Contoso.Widgets/widgets1699"]["get"]
    last["parameters"][1] = {"$ref": "../common/v5/types.json#/parameters/ApiVersionParameter"}
    text = json.dumps(doc, indent=2)
    assert 2 * 2**20 < len(text) < 3 * 2**20
    line = text.splitlines().index('            "$ref": "../common/v5/types.json#/parameters/ApiVersionParameter"') + 1
    assert problems(spec_with(tmp_path, "widgets.json", text)) == [
        at(f"widgets.json:{line}:21") + "'widgets.json' refers outside itself ($ref '../common/v5/types.json#/parameters/ApiVersionParameter' "
        "at paths./subscriptions/{subscriptionId}/providers/Contoso.Widgets/widgets1699.get.parameters[1].$ref): ARM imports the file alone, "
        "so move what it points to into the file (under `parameters`)" + REFERENCED
    ]
