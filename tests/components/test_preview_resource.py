"""PreviewResource: our provider for authConfigs, securityRequirements and portals, driven through
Pulumi's own dynamic-provider host (`python -m pulumi.dynamic`, a separate process, as `pulumi up`
runs it) against the loopback fake of ARM, with credentials from a managed-identity endpoint."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from apic_access.azure import arm
from apic_access.components.preview_resource import PreviewResourceProvider, not_kept, spec_path_of

ROOT = Path(__file__).resolve().parents[2]
SERVICE = arm.service_id("sub-1", "rg-apis", "contoso-apis")
AUTH_CONFIG_ID = f"{SERVICE}/workspaces/default/authConfigs/petstore-key"
BINDING_ID = f"{SERVICE}/workspaces/default/apis/petstore/versions/v1-0/securityRequirements/petstore-key"
URN = "urn:pulumi:dev::apic-access::apic-access:index:AuthConfig$pulumi-python:dynamic/apicenter:PreviewResource::petstore-key"
VAULT_URI = "https://kv-contoso-dev.vault.azure.net/secrets/petstore-api-key"


def auth_config_props(**overrides: Any) -> dict[str, Any]:
    props = arm.auth_config_properties(
        title="Petstore API key", description=None, scheme="apiKey", api_key={"in": "header", "name": "x-api-key", "secret": VAULT_URI}
    )
    return {
        "resourceId": AUTH_CONFIG_ID,
        "apiVersion": "2024-03-15-preview",
        "properties": props,
        "writeOnly": sorted(arm.AUTH_CONFIG_WRITE_ONLY),
        "specPaths": arm.auth_config_spec_paths("petstore-key", entra_app=False),
        "adopt": False,
        "what": "auth config 'petstore-key'",
        **overrides,
    }


class Host:
    """Pulumi's dynamic-provider process, spoken to over gRPC as the engine does."""

    def __init__(
        self,
        env: dict[str, str],
        provider: PreviewResourceProvider | None = None,
        config: dict[str, str] | None = None,
        *,
        python: str = sys.executable,
        cwd: Path = ROOT,
    ):
        # in the checkout by default (the project folder is the repository); elsewhere, only what `python` has installed
        env = {**env, "PYTHONPATH": str(ROOT)} if cwd == ROOT else {k: v for k, v in env.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        self.process = subprocess.Popen(
            [python, "-m", "pulumi.dynamic"],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert self.process.stdout is not None
        port = int(self.process.stdout.readline())
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self.provider = serialize_provider(provider or PreviewResourceProvider())  # what the program writes into the inputs
        args = struct_pb2.Struct()
        args.update(config or {})  # the stack config, as the engine passes it
        self.stub.Configure(provider_pb2.ConfigureRequest(args=args))

    def _struct(self, props: dict[str, Any], provider: str | None = None) -> struct_pb2.Struct:
        # a loop of its own, never set as the thread's: Pulumi's SDK in later tests relies on the current one
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(rpc.serialize_properties({**props, "__provider": provider or self.provider}, {}))
        finally:
            loop.close()

    @staticmethod
    def _plain(struct: struct_pb2.Struct) -> dict[str, Any]:
        out = rpc.deserialize_properties(struct)
        out.pop("__provider", None)
        return dict(out)

    def create(self, props: dict[str, Any], provider: str | None = None) -> tuple[str, dict[str, Any]]:
        reply = self.stub.Create(provider_pb2.CreateRequest(urn=URN, properties=self._struct(props, provider)))
        return reply.id, self._plain(reply.properties)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any], provider: str | None = None) -> dict[str, Any]:
        reply = self.stub.Update(provider_pb2.UpdateRequest(id=id_, urn=URN, olds=self._struct(olds, provider), news=self._struct(news, provider)))
        return self._plain(reply.properties)

    def read(self, id_: str, props: dict[str, Any], provider: str | None = None) -> tuple[str, dict[str, Any]]:
        reply = self.stub.Read(provider_pb2.ReadRequest(id=id_, urn=URN, properties=self._struct(props, provider)))
        return reply.id, self._plain(reply.properties)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any], provider: str | None = None) -> provider_pb2.DiffResponse:
        return self.stub.Diff(provider_pb2.DiffRequest(id=id_, urn=URN, olds=self._struct(olds, provider), news=self._struct(news, provider)))

    def delete(self, id_: str, props: dict[str, Any], provider: str | None = None) -> None:
        self.stub.Delete(provider_pb2.DeleteRequest(id=id_, urn=URN, properties=self._struct(props, provider)))

    def close(self) -> None:
        self.channel.close()
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def host(fake_azure: Any) -> Iterator[Host]:
    h = Host(dict(os.environ))  # the fake's endpoint and managed identity, as the engine passes its environment on
    try:
        yield h
    finally:
        h.close()


def failure(exc: pytest.ExceptionInfo[grpc.RpcError]) -> str:
    return str(exc.value.details())  # type: ignore[attr-defined] # a grpc.Call


# --- through the host ---------------------------------------------------------------------------


def test_create_checks_existence_puts_only_properties_and_reads_back(host: Host, fake_azure: Any) -> None:
    id_, outs = host.create(auth_config_props())

    assert id_ == AUTH_CONFIG_ID
    calls = [(c.method, c.path, c.query.get("api-version")) for c in fake_azure.arm_calls()]
    assert calls == [
        ("GET", AUTH_CONFIG_ID, "2024-03-15-preview"),  # existence check, at the spec's api-version
        ("PUT", AUTH_CONFIG_ID, "2024-03-15-preview"),
        ("GET", AUTH_CONFIG_ID, "2024-03-15-preview"),  # read-back
    ]
    (put,) = fake_azure.arm_calls("PUT")
    assert put.body == {"properties": auth_config_props()["properties"]}  # no location, nothing we did not write
    assert put.authorization == "Bearer fake-arm-token"  # from the managed-identity endpoint
    assert fake_azure.stored(AUTH_CONFIG_ID)["properties"]["apiKey"]["value"] == VAULT_URI
    assert outs["properties"] == auth_config_props()["properties"]  # the state: the Key Vault URI, no value


def test_api_version_named_by_the_spec_is_used_on_every_call(host: Host, fake_azure: Any) -> None:
    props = auth_config_props(apiVersion="2025-01-01-preview")
    id_, outs = host.create(props)
    host.read(id_, outs)
    host.update(id_, outs, auth_config_props(apiVersion="2025-01-01-preview", properties={**props["properties"], "title": "Renamed"}))
    host.delete(id_, outs)
    versions = {c.query.get("api-version") for c in fake_azure.arm_calls()}
    assert versions == {"2025-01-01-preview"}
    assert [c.method for c in fake_azure.arm_calls()] == ["GET", "PUT", "GET", "GET", "PUT", "GET", "DELETE"]


def test_long_running_put_and_delete_are_followed_to_the_end(host: Host, fake_azure: Any) -> None:
    fake_azure.lro = True
    id_, outs = host.create(auth_config_props())
    host.delete(id_, outs)
    polls = [c for c in fake_azure.calls if c.path.startswith("/operations/")]
    assert len(polls) == 4  # two polls per operation: InProgress, then Succeeded
    assert fake_azure.stored(AUTH_CONFIG_ID) is None


def test_throttling_is_retried_as_azure_asks(host: Host, fake_azure: Any) -> None:
    fake_azure.throttle = 2
    id_, _ = host.create(auth_config_props())
    assert id_ == AUTH_CONFIG_ID
    assert fake_azure.stored(AUTH_CONFIG_ID) is not None


def test_create_over_an_existing_resource_is_refused(host: Host, fake_azure: Any) -> None:
    fake_azure.put(AUTH_CONFIG_ID, {"title": "Made in the portal", "securityScheme": "apiKey"})
    with pytest.raises(grpc.RpcError) as exc:
        host.create(auth_config_props())
    assert "auth config 'petstore-key' already exists in Azure" in failure(exc)
    assert "set `adopt: true` on authConfigs.petstore-key" in failure(exc)
    assert fake_azure.arm_calls("PUT") == []
    assert fake_azure.stored(AUTH_CONFIG_ID)["properties"]["title"] == "Made in the portal"  # untouched


def test_adopt_takes_over_an_existing_resource(host: Host, fake_azure: Any) -> None:
    fake_azure.put(AUTH_CONFIG_ID, {"title": "Made in the portal", "securityScheme": "apiKey"})
    host.create(auth_config_props(adopt=True))
    assert fake_azure.stored(AUTH_CONFIG_ID)["properties"]["title"] == "Petstore API key"


def test_a_field_azure_drops_fails_the_create_naming_it(host: Host, fake_azure: Any) -> None:
    fake_azure.drop["authConfigs"] = ["apiKey.name"]
    with pytest.raises(grpc.RpcError) as exc:
        host.create(auth_config_props())
    message = failure(exc)
    assert "auth config 'petstore-key': Azure did not keep 1 field at api-version 2024-03-15-preview" in message
    assert "authConfigs.petstore-key.apiKey.name: sent `apiKey.name` = 'x-api-key', Azure did not return it" in message
    assert "`extraProperties`" in message and "`apiCenter.previewApiVersions.authConfigs`" in message
    assert fake_azure.stored(AUTH_CONFIG_ID) is None  # the half-made resource was removed again


def test_identical_inputs_are_no_change_and_a_new_id_replaces(host: Host) -> None:
    props = auth_config_props()
    id_, outs = host.create(props)
    assert host.diff(id_, outs, props).changes == provider_pb2.DiffResponse.DIFF_NONE
    title = host.diff(id_, outs, auth_config_props(properties={**props["properties"], "title": "New"}))
    assert (title.changes, list(title.replaces)) == (provider_pb2.DiffResponse.DIFF_SOME, [])
    moved = host.diff(id_, outs, auth_config_props(resourceId=AUTH_CONFIG_ID.replace("petstore-key", "petstore-key2")))
    assert list(moved.replaces) == ["resourceId"] and moved.deleteBeforeReplace
    assert host.diff(id_, outs, {**props, "what": "another label", "adopt": True}).changes == provider_pb2.DiffResponse.DIFF_NONE


def test_delete_of_a_resource_already_gone_is_success(host: Host, fake_azure: Any) -> None:
    host.delete(BINDING_ID, {**auth_config_props(resourceId=BINDING_ID, properties={"authConfigResourceId": "/authConfigs/petstore-key"})})
    assert [(c.method, c.path) for c in fake_azure.arm_calls()] == [("DELETE", BINDING_ID)]


def test_refresh_reports_drift_and_a_deleted_resource(host: Host, fake_azure: Any) -> None:
    id_, outs = host.create(auth_config_props())
    fake_azure.stored(AUTH_CONFIG_ID)["properties"]["apiKey"]["name"] = "x-changed-in-portal"
    _, refreshed = host.read(id_, outs)
    assert refreshed["properties"]["apiKey"] == {"in": "header", "name": "x-changed-in-portal", "value": VAULT_URI}
    assert host.diff(id_, refreshed, auth_config_props()).changes == provider_pb2.DiffResponse.DIFF_SOME  # `pulumi up` puts it back
    del fake_azure.resources[AUTH_CONFIG_ID.lower()]
    gone_id, _ = host.read(id_, outs)
    assert gone_id == ""


def test_binding_and_portal_shapes_round_trip(host: Host, fake_azure: Any) -> None:
    binding = {
        "resourceId": BINDING_ID,
        "apiVersion": "2024-03-15-preview",
        "properties": arm.security_requirement_properties("petstore-key"),
        "writeOnly": [],
        "specPaths": arm.binding_spec_paths("petstore", "v1-0", "petstore-key"),
        "adopt": False,
        "what": "binding 'petstore-key' of petstore/v1-0",
    }
    host.create(binding)
    portal_id = arm.portal_id("sub-1", "rg-apis", "contoso-apis")
    portal = arm.portal_properties(title="Contoso APIs", enabled=True, anonymous=False, client_id="2c1d0e4f-1111-2222-3333-444455556666", tenant_id="t-1")
    host.create({**binding, "resourceId": portal_id, "apiVersion": "2024-06-01-preview", "properties": portal, "specPaths": arm.PORTAL_SPEC_PATHS})
    assert fake_azure.stored(BINDING_ID)["properties"] == {"authConfigResourceId": "/authConfigs/petstore-key"}
    assert {c.query["api-version"] for c in fake_azure.arm_calls() if c.path == portal_id} == {"2024-06-01-preview"}
    fake_azure.drop["securityRequirements"] = ["authConfigResourceId"]
    with pytest.raises(grpc.RpcError) as exc:
        host.create({**binding, "resourceId": BINDING_ID.replace("petstore-key", "other")})
    assert "apis.petstore.versions.v1-0.access[petstore-key].authConfig: sent `authConfigResourceId`" in failure(exc)


# --- the pieces, directly -------------------------------------------------------------------------


def test_not_kept_ignores_write_only_fields_added_fields_case_and_order() -> None:
    sent = {"title": "T", "apiKey": {"in": "header", "value": "uri"}, "oauth2": {"supportedScopes": ["a", "b"]}}
    returned = {"title": "T", "apiKey": {"in": "Header"}, "oauth2": {"supportedScopes": ["b", "a"]}, "provisioningState": "Succeeded"}
    assert not_kept(sent, returned, ["apiKey.value"]) == []
    assert not_kept(sent, {**returned, "title": "U"}, ["apiKey.value"]) == [("title", "T", True, "U")]


def test_spec_path_of_uses_the_longest_mapped_prefix() -> None:
    paths = arm.auth_config_spec_paths("k", entra_app=True, extra={"newField": {"deep": 1}})
    assert spec_path_of("oauth2.tokenUrl", paths) == "authConfigs.k.oauth2.entraApp.tokenUrl"
    assert spec_path_of("oauth2.supportedScopes", paths) == "authConfigs.k.oauth2.scopes"
    assert spec_path_of("newField.deep", paths) == "authConfigs.k.extraProperties.newField.deep"


# --- first contact with a tenant: failed creates, conflicts, tokens (issue 21) ---------------------

QUICK = PreviewResourceProvider(backoff=0.001)  # the default provider but for the backoff, so retries take no time


@pytest.fixture
def quick_host(fake_azure: Any) -> Iterator[Host]:
    h = Host(dict(os.environ), QUICK)
    try:
        yield h
    finally:
        h.close()


def auth_configs_in_azure(fake_azure: Any) -> list[str]:
    return [r["id"] for r in fake_azure.resources.values() if r["type"] == "authConfigs"]


def test_a_create_whose_read_back_fails_leaves_no_orphan_and_the_next_create_succeeds(quick_host: Host, fake_azure: Any) -> None:
    fake_azure.reads_fail_after_put[AUTH_CONFIG_ID.lower()] = 5  # the read-back runs out of its five attempts
    with pytest.raises(grpc.RpcError) as exc:
        quick_host.create(auth_config_props())
    assert "reading back auth config 'petstore-key': InternalServerError: Encountered internal server error. (HTTP 500, gave up after 5 attempts)" in failure(exc)
    assert auth_configs_in_azure(fake_azure) == []  # rolled back before the failure was reported
    assert [c.method for c in fake_azure.arm_calls()] == ["GET", "PUT", "GET", "GET", "GET", "GET", "GET", "DELETE"]

    id_, _ = quick_host.create(auth_config_props())  # the next `pulumi up`: no "this stack did not create it"
    assert id_ == AUTH_CONFIG_ID
    assert auth_configs_in_azure(fake_azure) == [AUTH_CONFIG_ID]


@pytest.mark.parametrize("status", ["Failed", "Canceled"])
def test_a_long_running_create_that_ends_badly_is_rolled_back(status: str, quick_host: Host, fake_azure: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_azure.lro = True
    real = fake_azure.answer

    def failing_operation(method: str, raw_path: str, body: Any, headers: dict[str, str]) -> Any:
        if raw_path.startswith("/operations/") and raw_path.endswith("-async"):  # the PUT's operation, after the PUT stored it
            return 200, {}, {"status": status, "error": {"code": "InternalError", "message": "The operation ended."}}
        return real(method, raw_path, body, headers)

    monkeypatch.setattr(fake_azure, "answer", failing_operation)
    with pytest.raises(grpc.RpcError) as exc:
        quick_host.create(auth_config_props())
    assert f"creating auth config 'petstore-key': the operation {status.lower()}: InternalError: The operation ended." in failure(exc)
    assert auth_configs_in_azure(fake_azure) == []


def test_when_the_rollback_fails_too_the_error_names_the_command_that_clears_it(quick_host: Host, fake_azure: Any) -> None:
    fake_azure.reads_fail_after_put[AUTH_CONFIG_ID.lower()] = 5
    fake_azure.locked.add(AUTH_CONFIG_ID.lower())
    with pytest.raises(grpc.RpcError) as exc:
        quick_host.create(auth_config_props())
    message = failure(exc)
    assert "auth config 'petstore-key' may be left in Azure, outside this stack, and removing it failed too (removing auth config 'petstore-key' after a failed create: ScopeLocked:" in message
    assert (
        f"The next `pulumi up` refuses it until it is gone: run `az rest --method delete --url '{fake_azure.base}{AUTH_CONFIG_ID}?api-version=2024-03-15-preview'`, then `pulumi up`."
        in message
    )


def test_a_refused_put_is_not_followed_by_a_delete(quick_host: Host, fake_azure: Any) -> None:
    fake_azure.retired.add("2023-01-01-preview")  # 400: ARM refused the PUT, nothing was written
    with pytest.raises(grpc.RpcError) as exc:
        quick_host.create(auth_config_props(apiVersion="2023-01-01-preview"))
    assert "NoRegisteredProviderFound" in failure(exc)
    assert [c.method for c in fake_azure.arm_calls()] == ["GET"]  # the existence check is refused already


def test_content_equal_to_the_spec_is_still_never_taken_over(quick_host: Host, fake_azure: Any) -> None:
    fake_azure.put(AUTH_CONFIG_ID, auth_config_props()["properties"])  # made by hand (or by another stack) from the same spec
    with pytest.raises(grpc.RpcError) as exc:
        quick_host.create(auth_config_props())
    assert "already exists in Azure" in failure(exc) and "this stack did not create it" in failure(exc)
    assert f"`az rest --method delete --url '{fake_azure.base}{AUTH_CONFIG_ID}?api-version=2024-03-15-preview'`" in failure(exc)
    assert fake_azure.arm_calls("PUT") == [] and fake_azure.arm_calls("DELETE") == []


def test_a_binding_whose_first_put_meets_another_operation_is_created(quick_host: Host, fake_azure: Any) -> None:
    binding = auth_config_props(resourceId=BINDING_ID, properties=arm.security_requirement_properties("petstore-key"), writeOnly=[],
                                specPaths=arm.binding_spec_paths("petstore", "v1-0", "petstore-key"), what="binding 'petstore-key' of petstore/v1-0")
    fake_azure.busy[BINDING_ID.lower()] = 1
    id_, outs = quick_host.create(binding)
    assert fake_azure.stored(BINDING_ID)["properties"] == {"authConfigResourceId": "/authConfigs/petstore-key"}
    assert [c.method for c in fake_azure.arm_calls()] == ["GET", "PUT", "PUT", "GET"]
    fake_azure.busy[BINDING_ID.lower()] = 2  # and a DELETE as well
    quick_host.delete(id_, outs)
    assert fake_azure.stored(BINDING_ID) is None


def test_a_handful_of_operations_in_one_provider_process_ask_for_one_token(host: Host, fake_azure: Any) -> None:
    id_, outs = host.create(auth_config_props())
    host.read(id_, outs)
    host.update(id_, outs, auth_config_props(properties={**outs["properties"], "title": "Renamed"}))
    host.create(auth_config_props(resourceId=BINDING_ID, properties=arm.security_requirement_properties("petstore-key"), writeOnly=[]))
    host.delete(BINDING_ID, auth_config_props(resourceId=BINDING_ID))
    host.delete(id_, outs)
    assert len(fake_azure.arm_calls()) == 11  # six operations
    assert fake_azure.token_requests() == 1  # at most two are allowed; one credential, its token kept until near expiry
