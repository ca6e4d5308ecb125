"""DefinitionImport: the provider against a fake ARM server (real HTTP on 127.0.0.1), and
the resource as the offline plan shows it."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dill
import pytest
from pulumi.dynamic.dynamic import serialize_provider

from apic_access.azure import arm
from apic_access.components.definition_import import IMPORT_API_VERSION, DefinitionImportError, DefinitionImportProvider
from apic_access.recorder import DYNAMIC_PROVIDER, PLACEHOLDER_SUBSCRIPTION, Recording, record

from .conftest import write_spec

DEFINITION_ID = arm.definition_id("sub-1", "rg-apis", "contoso-apis", "petstore", "v1-0", "openapi")
CONTENT = 'openapi: 3.0.1\ninfo: {title: Petstore, version: "1.0"}\npaths: {}\n'
HASH = hashlib.sha256(CONTENT.encode()).hexdigest()
IMPORT_PATH = f"{DEFINITION_ID}/importSpecification?api-version={IMPORT_API_VERSION}"
EXPORT_PATH = f"{DEFINITION_ID}/exportSpecification?api-version={IMPORT_API_VERSION}"
EXPORTED = (200, {}, {"format": "inline", "value": CONTENT})  # ARM's answer to exportSpecification


@pytest.fixture
def props(tmp_path: Path) -> dict[str, Any]:
    """The inputs as the program passes them: the file's path and hash, never its text."""
    (tmp_path / "petstore.yaml").write_text(CONTENT, encoding="utf-8")
    return {
        "definitionId": DEFINITION_ID,
        "specificationName": "openapi",
        "specificationVersion": "3.0.1",
        "file": str(tmp_path / "petstore.yaml"),
        "contentHash": HASH,
        "__provider": "serialized",
    }


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeArm:
    """Plays scripted responses, one per request, and records what it was sent.

    A response is (status, headers, body); "{base}" in a header is the server's URL.
    """

    base: str = ""
    script: list[tuple[int, dict[str, str], Any]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)

    def play(self, *responses: tuple[int, dict[str, str], Any]) -> FakeArm:
        self.script.extend(responses)
        return self


@pytest.fixture
def fake_arm() -> Iterator[FakeArm]:
    arm_ = FakeArm()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            arm_.requests.append(Request(self.command, self.path, dict(self.headers.items()), json.loads(raw) if raw else None))
            status, headers, body = arm_.script.pop(0) if arm_.script else (500, {}, {"error": {"code": "Unscripted", "message": "no response left"}})
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value.format(base=arm_.base))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer  # noqa: N815 - http.server's method names

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    arm_.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield arm_
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class Sleeps:
    """Stands in for time.sleep: records each wait, waits for none."""

    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def provider(fake: FakeArm, sleeps: Sleeps, **kwargs: Any) -> DefinitionImportProvider:
    return DefinitionImportProvider(token=lambda: "test-token", endpoint=fake.base, sleep=sleeps, backoff=0.01, poll_interval=0.02, **kwargs)


# --- the provider against ARM -----------------------------------------------------------


def test_create_posts_the_file_inline_and_keeps_only_its_hashes(fake_arm: FakeArm, props: dict[str, Any]) -> None:
    fake_arm.play((200, {}, None), (200, {}, {"format": "inline", "value": CONTENT.replace("{", "{ ")}))  # Azure may return other bytes
    result = provider(fake_arm, Sleeps()).create(dict(props))

    request, export = fake_arm.requests
    assert (request.method, request.path) == ("POST", IMPORT_PATH)
    assert request.headers["Authorization"] == "Bearer test-token"
    assert request.body == {"format": "inline", "value": CONTENT, "specification": {"name": "openapi", "version": "3.0.1"}}
    assert (export.method, export.path, export.body) == ("POST", EXPORT_PATH, None)
    assert result.id == DEFINITION_ID
    assert result.outs == {
        "definitionId": DEFINITION_ID,
        "specificationName": "openapi",
        "specificationVersion": "3.0.1",
        "contentHash": HASH,
        "exportHash": hashlib.sha256(CONTENT.replace("{", "{ ").encode()).hexdigest(),
    }


def test_the_text_given_by_a_program_of_an_earlier_release_is_still_imported(fake_arm: FakeArm, props: dict[str, Any]) -> None:
    fake_arm.play((200, {}, None), EXPORTED)
    old = {k: v for k, v in props.items() if k != "file"} | {"content": CONTENT}
    provider(fake_arm, Sleeps()).create(old)
    assert fake_arm.requests[0].body["value"] == CONTENT


def test_a_file_changed_after_the_plan_is_not_imported(fake_arm: FakeArm, props: dict[str, Any]) -> None:
    Path(props["file"]).write_text(CONTENT + "# edited\n", encoding="utf-8")
    with pytest.raises(DefinitionImportError) as exc:
        provider(fake_arm, Sleeps()).create(dict(props))
    edited = hashlib.sha256((CONTENT + "# edited\n").encode()).hexdigest()
    assert str(exc.value) == (
        f"importing the specification into {DEFINITION_ID}: {props['file']} changed after the plan was made "
        f"(sha256 {edited[:12]}, planned {HASH[:12]}); run `pulumi up` again"
    )
    Path(props["file"]).unlink()
    with pytest.raises(DefinitionImportError, match=r"cannot read .*petstore.yaml \(No such file or directory\); run `pulumi up` where the spec and its definition files are"):
        provider(fake_arm, Sleeps()).create(dict(props))
    assert fake_arm.requests == []


def test_a_format_without_version_sends_the_name_only(fake_arm: FakeArm, props: dict[str, Any]) -> None:
    fake_arm.play((200, {}, None), EXPORTED)
    provider(fake_arm, Sleeps()).create({**props, "specificationName": "graphql", "specificationVersion": None})
    assert fake_arm.requests[0].body["specification"] == {"name": "graphql"}


def test_202_is_followed_through_location_until_done(fake_arm: FakeArm, props: dict[str, Any]) -> None:
    fake_arm.play(
        (202, {"Location": "{base}/operationResults/op-1", "Retry-After": "3"}, None),
        (202, {"Location": "{base}/operationResults/op-1"}, None),
        (200, {}, None),
        EXPORTED,
    )
    sleeps = Sleeps()
    provider(fake_arm, sleeps).create(dict(props))

    assert [(r.method, r.path) for r in fake_arm.requests] == [
        ("POST", IMPORT_PATH),
        ("GET", "/operationResults/op-1"),
        ("GET", "/operationResults/op-1"),
        ("POST", EXPORT_PATH),
    ]
    assert all(r.headers["Authorization"] == "Bearer test-token" for r in fake_arm.requests)
    assert sleeps.waits == [3.0, 0.02]  # Retry-After first, then the poll interval


def test_202_with_azure_async_operation_polls_the_status(fake_arm: FakeArm, props: dict[str, Any]) -> None:
    fake_arm.play(
        (202, {"Azure-AsyncOperation": "{base}/operations/op-2", "Location": "{base}/operationResults/op-2"}, None),
        (200, {"Retry-After": "1"}, {"status": "InProgress"}),
        (200, {}, {"status": "Succeeded"}),
        # the export keeps its result at the Location (final-state-via: location)
        (202, {"Azure-AsyncOperation": "{base}/operations/op-3", "Location": "{base}/operationResults/op-3"}, None),
        (200, {}, {"status": "Succeeded"}),
        EXPORTED,
    )
    sleeps = Sleeps()
    result = provider(fake_arm, sleeps).update(DEFINITION_ID, dict(props), dict(props))
    assert [(r.method, urlsplit(r.path).path) for r in fake_arm.requests] == [
        ("POST", urlsplit(IMPORT_PATH).path),
        ("GET", "/operations/op-2"),
        ("GET", "/operations/op-2"),
        ("POST", urlsplit(EXPORT_PATH).path),
        ("GET", "/operations/op-3"),
        ("GET", "/operationResults/op-3"),
    ]
    assert sleeps.waits == [0.02, 1.0, 0.02]
    assert result.outs["exportHash"] == HASH


def test_a_failed_async_operation_raises_with_arm_error_text(fake_arm: FakeArm, props: dict[str, Any]) -> None:
    fake_arm.play(
        (202, {"Azure-AsyncOperation": "{base}/operations/op-3"}, None),
        (200, {}, {"status": "Failed", "error": {"code": "SpecificationParseError", "message": "Line 3: unexpected token."}}),
    )
    with pytest.raises(DefinitionImportError) as exc:
        provider(fake_arm, Sleeps()).create(dict(props))
    assert str(exc.value) == f"importing the specification into {DEFINITION_ID}: the operation failed: SpecificationParseError: Line 3: unexpected token."


def test_429_waits_as_told_then_succeeds(fake_arm: FakeArm, props: dict[str, Any]) -> None:
    fake_arm.play((429, {"Retry-After": "7"}, {"error": {"code": "TooManyRequests", "message": "Slow down."}}), (200, {}, None), EXPORTED)
    sleeps = Sleeps()
    provider(fake_arm, sleeps).create(dict(props))
    assert [r.method for r in fake_arm.requests] == ["POST", "POST", "POST"]
    assert sleeps.waits == [7.0]


def test_400_raises_with_arm_error_text_without_retrying(fake_arm: FakeArm, props: dict[str, Any]) -> None:
    error = {
        "code": "InvalidSpecification",
        "message": "The specification is not valid OpenAPI.",
        "details": [{"code": "Schema", "message": "paths is required"}],
    }
    fake_arm.play((400, {}, {"error": error}))
    with pytest.raises(DefinitionImportError) as exc:
        provider(fake_arm, Sleeps()).create(dict(props))
    assert str(exc.value) == (
        f"importing the specification into {DEFINITION_ID}: InvalidSpecification: The specification is not valid OpenAPI. "
        "(Schema: paths is required) (HTTP 400)"
    )
    assert len(fake_arm.requests) == 1


def test_persistent_503_gives_up_after_max_attempts(fake_arm: FakeArm, props: dict[str, Any]) -> None:
    fake_arm.play(*[(503, {}, {"error": {"code": "ServiceUnavailable", "message": "Try again later."}})] * 10)
    sleeps = Sleeps()
    with pytest.raises(DefinitionImportError) as exc:
        provider(fake_arm, sleeps, max_attempts=4).create(dict(props))
    assert str(exc.value) == f"importing the specification into {DEFINITION_ID}: ServiceUnavailable: Try again later. (HTTP 503, gave up after 4 attempts)"
    assert len(fake_arm.requests) == 4
    assert sleeps.waits == [0.01, 0.02, 0.04]  # exponential backoff between the attempts


def test_unreachable_arm_gives_up_after_max_attempts(props: dict[str, Any]) -> None:
    sleeps = Sleeps()
    unreachable = DefinitionImportProvider(token=lambda: "t", endpoint="http://127.0.0.1:9", sleep=sleeps, backoff=0.01, max_attempts=2)
    with pytest.raises(DefinitionImportError, match="cannot reach ARM at http://127.0.0.1:9 .*gave up after 2 attempts"):
        unreachable.create(dict(props))
    assert sleeps.waits == [0.01]


def test_endpoint_comes_from_the_environment(fake_arm: FakeArm, monkeypatch: pytest.MonkeyPatch, props: dict[str, Any]) -> None:
    monkeypatch.setenv("APIC_ACCESS_ARM_ENDPOINT", fake_arm.base)
    fake_arm.play((200, {}, None), EXPORTED)
    DefinitionImportProvider(token=lambda: "t").create(dict(props))
    assert fake_arm.requests[0].path == IMPORT_PATH


def test_provider_survives_pulumi_serialization(fake_arm: FakeArm, props: dict[str, Any]) -> None:
    # what the dynamic-provider process does: dill.loads the string the program wrote, then create
    p = DefinitionImportProvider(token=functools.partial(str, "pickled-token"), endpoint=fake_arm.base, poll_interval=0.01)
    loaded = dill.loads(base64.b64decode(serialize_provider(p)))
    assert type(loaded) is DefinitionImportProvider
    fake_arm.play((200, {}, None), EXPORTED)
    loaded.create(dict(props))
    assert fake_arm.requests[0].headers["Authorization"] == "Bearer pickled-token"


def test_serialized_default_provider_is_small_and_stable() -> None:
    one, two = serialize_provider(DefinitionImportProvider()), serialize_provider(DefinitionImportProvider())
    assert one == two and len(one) < 1000  # by reference to this module, not the code


@pytest.mark.parametrize(
    ("change", "changes", "replaces"),
    [
        ({}, False, []),
        ({"content": "changed, but not the hash", "__provider": "other"}, False, []),
        ({"file": "/elsewhere/petstore.yaml"}, False, []),  # another checkout: the same file
        ({"contentHash": "0" * 64}, True, []),
        ({"specificationVersion": "3.1.0"}, True, []),
        ({"definitionId": DEFINITION_ID.replace("v1-0", "v2-0")}, True, ["definitionId"]),
    ],
)
def test_diff_imports_again_only_for_a_new_hash_definition_or_format(change: dict[str, Any], changes: bool, replaces: list[str], props: dict[str, Any]) -> None:
    olds = {k: v for k, v in props.items() if k not in ("file", "__provider")}  # the state's outputs: no path, no content
    result = DefinitionImportProvider().diff(DEFINITION_ID, olds, {**props, **change})
    assert (result.changes, result.replaces) == (changes, replaces)


# --- the resource in the offline plan ---------------------------------------------------

SPEC = """\
specVersion: 1
apiCenter:
  name: contoso-apis-${stack}
  resourceGroup: rg-contoso-apis-${stack}
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
            file: apis/petstore.yaml
          notes:
            title: Notes
"""
PETSTORE = """\
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
IMPORT_TYPE = "pulumi-python:dynamic/apicenter:DefinitionImport"


def plan(tmp_path: Path, petstore: str) -> Recording:
    (tmp_path / "apis").mkdir(exist_ok=True)
    (tmp_path / "apis" / "petstore.yaml").write_text(petstore, encoding="utf-8")
    return record(write_spec(tmp_path, SPEC), stack="dev")


def test_plan_imports_the_file_after_its_definition(tmp_path: Path) -> None:
    rec = plan(tmp_path, PETSTORE)
    [imp] = rec.by_type(IMPORT_TYPE)
    definitions = {r.name: r for r in rec.by_type("azure-native:apicenter:ApiDefinition")}

    assert imp.name == "petstore/v1-0/openapi/import"
    assert imp.custom and imp.parent.endswith("apic-access:index:Inventory::inventory")
    assert definitions["petstore/v1-0/openapi"].urn in imp.dependencies
    assert imp.inputs == {
        "definitionId": arm.definition_id(PLACEHOLDER_SUBSCRIPTION, "rg-contoso-apis-dev", "contoso-apis-dev", "petstore", "v1-0", "openapi"),
        "specificationName": "openapi",
        "specificationVersion": "3.0.3",
        "contentHash": hashlib.sha256(PETSTORE.encode()).hexdigest(),
        "file": "petstore.yaml",  # the provider reads it when it imports; the plan shows its name, the state never its text
        "__provider": DYNAMIC_PROVIDER,
    }
    assert "notes" in {r.name.split("/")[-1] for r in definitions.values()}  # a definition without a file gets no import


def test_one_byte_changes_only_the_import(tmp_path: Path) -> None:
    before = {r.urn: r for r in plan(tmp_path, PETSTORE).resources}
    after = {r.urn: r for r in plan(tmp_path, PETSTORE.replace("The pets", "The petz")).resources}

    assert before.keys() == after.keys()
    changed = {urn for urn in before if before[urn].inputs != after[urn].inputs or before[urn].dependencies != after[urn].dependencies}
    [urn] = changed
    assert before[urn].type == IMPORT_TYPE
    diff = {k for k in before[urn].inputs if before[urn].inputs[k] != after[urn].inputs[k]}
    assert diff == {"contentHash"}


# --- credentials: the ones Pulumi's azure-native provider uses ---------------------------

ARM_VARIABLES = (
    "ARM_CLIENT_ID",
    "ARM_CLIENT_SECRET",
    "ARM_TENANT_ID",
    "ARM_USE_MSI",
    "ARM_CLIENT_CERTIFICATE_PATH",
    "ARM_OIDC_TOKEN",
    "ARM_OIDC_TOKEN_FILE_PATH",
)


@pytest.mark.parametrize(
    ("env", "config", "expected"),
    [
        ({}, {}, "DefaultAzureCredential"),
        ({"ARM_CLIENT_ID": "c", "ARM_CLIENT_SECRET": "s", "ARM_TENANT_ID": "t"}, {}, "ClientSecretCredential"),
        ({}, {"azure-native:clientId": "c", "azure-native:clientSecret": "s", "azure-native:tenantId": "t"}, "ClientSecretCredential"),
        ({"ARM_CLIENT_ID": "c", "ARM_TENANT_ID": "t", "ARM_OIDC_TOKEN": "jwt"}, {}, "ClientAssertionCredential"),
        ({"ARM_CLIENT_ID": "c", "ARM_TENANT_ID": "t", "ARM_USE_OIDC": "true"}, {}, "ClientAssertionCredential"),  # GitHub Actions
        ({"ARM_USE_MSI": "true"}, {}, "ManagedIdentityCredential"),
    ],
)
def test_credential_follows_pulumi_azure_settings(env: dict[str, str], config: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from apic_access.components.definition_import import pulumi_credential

    for name in ARM_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert type(pulumi_credential(config)).__name__ == expected


# --- refresh: what changed outside Pulumi (against the stateful fake ARM) ------------------------


@pytest.fixture
def imported(fake_azure: Any, props: dict[str, Any]) -> tuple[DefinitionImportProvider, dict[str, Any]]:
    """A definition (made by azure-native) with the file imported by the provider: the state's outputs."""
    fake_azure.put(DEFINITION_ID, {"title": "OpenAPI"})
    p = DefinitionImportProvider(backoff=0.001)
    outs = p.create(dict(props)).outs
    assert fake_azure.specifications[DEFINITION_ID.lower()] == CONTENT
    return p, dict(outs or {})


def test_refresh_of_an_unchanged_import_changes_nothing(imported: tuple[DefinitionImportProvider, dict[str, Any]], props: dict[str, Any]) -> None:
    p, outs = imported
    result = p.read(DEFINITION_ID, outs)
    assert (result.id, result.outs) == (DEFINITION_ID, outs)
    assert p.diff(DEFINITION_ID, result.outs or {}, props).changes is False


def test_refresh_notices_content_imported_by_someone_else_and_the_next_up_imports_again(
    imported: tuple[DefinitionImportProvider, dict[str, Any]], props: dict[str, Any], fake_azure: Any
) -> None:
    p, outs = imported
    fake_azure.specifications[DEFINITION_ID.lower()] = "openapi: 3.0.1\ninfo: {title: Other, version: '9'}\npaths: {}\n"
    result = p.read(DEFINITION_ID, outs)
    other = hashlib.sha256(fake_azure.specifications[DEFINITION_ID.lower()].encode()).hexdigest()
    assert result.outs is not None and result.outs["contentHash"] == f"changed outside Pulumi: Azure returns text with sha256 {other}"
    diff = p.diff(DEFINITION_ID, result.outs, props)
    assert (diff.changes, diff.replaces) == (True, [])  # an update: the import runs again
    p.update(DEFINITION_ID, result.outs, props)
    assert fake_azure.specifications[DEFINITION_ID.lower()] == CONTENT


def test_refresh_notices_a_definition_recreated_without_its_specification(
    imported: tuple[DefinitionImportProvider, dict[str, Any]], props: dict[str, Any], fake_azure: Any
) -> None:
    p, outs = imported
    del fake_azure.resources[DEFINITION_ID.lower()]
    fake_azure.specifications.clear()
    fake_azure.put(DEFINITION_ID, {"title": "OpenAPI"})  # deleted and made again, by hand or by a refresh + up of the definition
    result = p.read(DEFINITION_ID, outs)
    assert result.outs is not None and result.outs["contentHash"] == "missing: the definition has no specification"
    assert p.diff(DEFINITION_ID, result.outs, props).changes is True


def test_refresh_of_a_deleted_definition_drops_the_import(imported: tuple[DefinitionImportProvider, dict[str, Any]], fake_azure: Any) -> None:
    p, outs = imported
    del fake_azure.resources[DEFINITION_ID.lower()]
    assert p.read(DEFINITION_ID, outs).id == ""  # gone: the next `pulumi up` creates the definition, then imports


def test_refresh_of_a_state_written_before_export_hashes(fake_azure: Any, props: dict[str, Any]) -> None:
    """Outputs as main wrote them before issue 21: no exportHash. The file's hash stands in."""
    fake_azure.put(DEFINITION_ID, {"title": "OpenAPI", "specification": {"name": "openapi", "version": "3.0.1"}})
    fake_azure.specifications[DEFINITION_ID.lower()] = CONTENT
    old = {"definitionId": DEFINITION_ID, "specificationName": "openapi", "specificationVersion": "3.0.1", "contentHash": HASH}
    p = DefinitionImportProvider(backoff=0.001)
    result = p.read(DEFINITION_ID, old)
    assert result.outs == {**old, "exportHash": HASH}
    assert p.diff(DEFINITION_ID, result.outs, props).changes is False


def test_an_export_by_link_is_downloaded_without_our_token(fake_arm: FakeArm, props: dict[str, Any]) -> None:
    """exportSpecification may answer with a link (a storage URL signed on its own): the text is
    fetched from it, and the bearer token for ARM never goes there."""
    fake_arm.play((200, {}, None), (200, {}, {"format": "link", "value": f"{fake_arm.base}/exports/petstore.yaml?sig=abc"}), (200, {}, CONTENT))
    result = provider(fake_arm, Sleeps()).create(dict(props))
    download = fake_arm.requests[2]
    assert (download.method, download.path) == ("GET", "/exports/petstore.yaml?sig=abc")
    assert "Authorization" not in download.headers
    assert result.outs is not None and result.outs["exportHash"] == hashlib.sha256(json.dumps(CONTENT).encode()).hexdigest()  # the bytes served
