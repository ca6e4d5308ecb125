"""Upgrades: a resource written by an earlier release is read, diffed, updated and deleted by
this one. Pulumi keeps each dynamic resource's provider pickled in the state (by module path and
class name) and unpickles it with whatever release is installed when it refreshes or deletes;
tests/components/golden/ holds those pickles as the released programs wrote them. Everything
runs through Pulumi's own dynamic-provider host against the stateful loopback ARM."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dill
import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from apic_access import migrate
from apic_access.azure import arm
from apic_access.components.definition_import import DefinitionImportProvider
from apic_access.components.dynamic import ArmProvider
from apic_access.components.preview_resource import PreviewResourceProvider
from tests.ci.test_install import installed, wheel  # noqa: F401 - the fixtures: a wheel in a fresh virtualenv

from .test_preview_resource import AUTH_CONFIG_ID, Host, auth_config_props, failure

GOLDEN = Path(__file__).parent / "golden"
MAIN_PREVIEW = (GOLDEN / "main-ef62a8d-PreviewResourceProvider.b64").read_text().strip()
MAIN_IMPORT = (GOLDEN / "main-ef62a8d-DefinitionImportProvider.b64").read_text().strip()
FIRST_IMPORT = (GOLDEN / "first-release-8b6e663-DefinitionImportProvider.b64").read_text().strip()

DEFINITION_ID = arm.definition_id("sub-1", "rg-apis", "contoso-apis", "petstore", "v1-0", "openapi")
CONTENT = 'openapi: 3.0.1\ninfo: {title: Petstore, version: "1.0"}\npaths: {}\n'
HASH = hashlib.sha256(CONTENT.encode()).hexdigest()
# a definition import's outputs as the released programs left them: hashes, no exportHash yet
RELEASED_IMPORT_OUTS = {"definitionId": DEFINITION_ID, "specificationName": "openapi", "specificationVersion": "3.0.1", "contentHash": HASH}


@pytest.fixture
def host(fake_azure: Any) -> Iterator[Host]:
    h = Host(dict(os.environ))
    try:
        yield h
    finally:
        h.close()


def imported_definition(fake_azure: Any) -> None:
    """A definition whose file a released program imported."""
    fake_azure.put(DEFINITION_ID, {"title": "OpenAPI", "specification": {"name": "openapi", "version": "3.0.1"}})
    fake_azure.specifications[DEFINITION_ID.lower()] = CONTENT


def new_import_inputs(tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "petstore.yaml").write_text(CONTENT, encoding="utf-8")
    return {**RELEASED_IMPORT_OUTS, "file": str(tmp_path / "petstore.yaml")}


# --- the pickles themselves -------------------------------------------------------------------


@pytest.mark.parametrize(("golden", "cls"), [(MAIN_PREVIEW, PreviewResourceProvider), (MAIN_IMPORT, DefinitionImportProvider)])
def test_released_pickles_load_as_todays_classes_with_every_attribute(golden: str, cls: type) -> None:
    loaded = dill.loads(base64.b64decode(golden))
    assert type(loaded) is cls
    assert set(vars(loaded)) == set(ArmProvider.STATE_DEFAULTS)  # attributes added since have their defaults


def test_every_provider_attribute_has_a_default_for_older_pickles() -> None:
    """A release that adds an attribute without a default would break every older state."""
    for cls in (PreviewResourceProvider, DefinitionImportProvider):
        assert set(vars(cls())) == set(cls.STATE_DEFAULTS), f"{cls.__name__}: give every new attribute a default in STATE_DEFAULTS"


def test_a_pickle_lacking_a_later_attribute_gets_its_default() -> None:
    provider = PreviewResourceProvider()
    state = provider.__getstate__()
    del state["timeout"], state["poll_interval"]
    fresh = PreviewResourceProvider.__new__(PreviewResourceProvider)
    fresh.__setstate__({**state, "_credential": object()})  # and one an earlier release had (the first release's)
    assert (fresh.timeout, fresh.poll_interval, hasattr(fresh, "_credential")) == (1800.0, 5.0, False)


# --- through the provider host, in the checkout ------------------------------------------------


def test_a_preview_resource_written_by_main_reads_diffs_updates_and_deletes(host: Host, fake_azure: Any) -> None:
    id_, outs = host.create(auth_config_props(), provider=MAIN_PREVIEW)  # as main's program registered it
    _, refreshed = host.read(id_, outs, provider=MAIN_PREVIEW)
    assert refreshed == outs
    assert host.diff(id_, outs, auth_config_props(), provider=MAIN_PREVIEW).changes == provider_pb2.DiffResponse.DIFF_NONE
    renamed = auth_config_props(properties={**outs["properties"], "title": "Renamed"})
    assert host.diff(id_, outs, renamed, provider=MAIN_PREVIEW).changes == provider_pb2.DiffResponse.DIFF_SOME
    outs = host.update(id_, outs, renamed, provider=MAIN_PREVIEW)
    assert fake_azure.stored(AUTH_CONFIG_ID)["properties"]["title"] == "Renamed"
    host.delete(id_, outs, provider=MAIN_PREVIEW)
    assert fake_azure.stored(AUTH_CONFIG_ID) is None


@pytest.mark.parametrize("golden", [MAIN_IMPORT, FIRST_IMPORT], ids=["main", "first-release"])
def test_a_definition_import_written_by_a_release_reads_diffs_updates_and_deletes(host: Host, fake_azure: Any, golden: str, tmp_path: Path) -> None:
    imported_definition(fake_azure)
    _, refreshed = host.read(DEFINITION_ID, RELEASED_IMPORT_OUTS, provider=golden)
    assert refreshed == {**RELEASED_IMPORT_OUTS, "exportHash": HASH}  # unchanged in Azure: nothing to import again
    news = new_import_inputs(tmp_path)
    assert host.diff(DEFINITION_ID, RELEASED_IMPORT_OUTS, news, provider=golden).changes == provider_pb2.DiffResponse.DIFF_NONE
    fake_azure.specifications[DEFINITION_ID.lower()] = "changed in the portal"
    _, refreshed = host.read(DEFINITION_ID, RELEASED_IMPORT_OUTS, provider=golden)
    assert host.diff(DEFINITION_ID, refreshed, news, provider=golden).changes == provider_pb2.DiffResponse.DIFF_SOME
    host.update(DEFINITION_ID, refreshed, news, provider=golden)
    assert fake_azure.specifications[DEFINITION_ID.lower()] == CONTENT
    host.delete(DEFINITION_ID, RELEASED_IMPORT_OUTS, provider=golden)  # nothing to undo, and no error


def test_a_handful_of_operations_with_every_released_provider_ask_for_one_token(host: Host, fake_azure: Any) -> None:
    imported_definition(fake_azure)
    for golden in (MAIN_IMPORT, FIRST_IMPORT):
        host.read(DEFINITION_ID, RELEASED_IMPORT_OUTS, provider=golden)
    id_, outs = host.create(auth_config_props(), provider=MAIN_PREVIEW)
    host.read(id_, outs)
    host.delete(id_, outs, provider=MAIN_PREVIEW)
    assert fake_azure.token_requests() == 1  # four provider objects in one process, one credential


# --- a preview api-version Azure has since retired -----------------------------------------------

OLD_VERSION = "2023-07-01-preview"


def test_a_resource_written_at_a_retired_api_version_is_refreshed_and_destroyed_at_the_current_one(host: Host, fake_azure: Any) -> None:
    id_, outs = host.create(auth_config_props(apiVersion=OLD_VERSION), provider=MAIN_PREVIEW)
    fake_azure.retired.add(OLD_VERSION)
    _, refreshed = host.read(id_, outs, provider=MAIN_PREVIEW)
    assert refreshed["apiVersion"] == arm.PREVIEW_API_VERSIONS["authConfigs"]  # the state moves on to a served version
    assert refreshed["properties"] == outs["properties"]
    host.delete(id_, outs, provider=MAIN_PREVIEW)
    assert fake_azure.stored(AUTH_CONFIG_ID) is None
    versions = [c.query["api-version"] for c in fake_azure.arm_calls() if c.method in ("GET", "DELETE")][-4:]
    assert versions == [OLD_VERSION, "2024-03-15-preview", OLD_VERSION, "2024-03-15-preview"]


def test_when_no_known_version_is_served_the_error_names_the_fix_and_the_fix_works(fake_azure: Any) -> None:
    h = Host(dict(os.environ))
    try:
        id_, outs = h.create(auth_config_props(apiVersion=OLD_VERSION))
    finally:
        h.close()
    fake_azure.retired.update({OLD_VERSION, "2024-03-15-preview"})
    h = Host(dict(os.environ))
    try:
        with pytest.raises(grpc.RpcError) as exc:
            h.delete(id_, outs)
    finally:
        h.close()
    assert (
        "auth config 'petstore-key' was written at api-version 2023-07-01-preview, which Azure no longer serves "
        "(deleting auth config 'petstore-key': NoRegisteredProviderFound: No registered resource provider found for location 'eastus' "
        "and API version '2023-07-01-preview' for type 'services/authConfigs'. The supported api-versions are "
        "'2024-03-01, 2024-03-15-preview, 2024-06-01-preview'. (HTTP 400)); tried 2023-07-01-preview, 2024-03-15-preview. "
        "Name a version Azure serves for authConfigs (ARM's message lists them) and run the command again: "
        "`pulumi config set --path 'apic-access:previewApiVersions.authConfigs' <api-version>`"
    ) in failure(exc)
    assert fake_azure.stored(AUTH_CONFIG_ID) is not None

    # `pulumi config set --path 'apic-access:previewApiVersions.authConfigs' 2024-06-01-preview`: the engine passes it on as JSON
    h = Host(dict(os.environ), config={"apic-access:previewApiVersions": '{"authConfigs": "2024-06-01-preview"}'})
    try:
        h.delete(id_, outs)
    finally:
        h.close()
    assert fake_azure.stored(AUTH_CONFIG_ID) is None
    assert fake_azure.arm_calls("DELETE")[-1].query["api-version"] == "2024-06-01-preview"


# --- installed as a wheel, outside any checkout ----------------------------------------------------


def test_released_pickles_from_a_wheel_outside_a_checkout(installed: Path, fake_azure: Any, tmp_path: Path) -> None:  # noqa: F811 - the fixture
    project = tmp_path / "project"  # a team's Pulumi project: the spec, no copy of this repository
    project.mkdir()
    imported_definition(fake_azure)
    h = Host(dict(os.environ), python=str(installed / "bin" / "python"), cwd=project)
    try:
        id_, outs = h.create(auth_config_props(), provider=MAIN_PREVIEW)
        assert h.diff(id_, outs, auth_config_props(), provider=MAIN_PREVIEW).changes == provider_pb2.DiffResponse.DIFF_NONE
        h.delete(id_, outs, provider=MAIN_PREVIEW)
        _, refreshed = h.read(DEFINITION_ID, RELEASED_IMPORT_OUTS, provider=MAIN_IMPORT)
        assert refreshed["exportHash"] == HASH

        # the first release's pickle names `components.definition_import`, which only its checkout has
        with pytest.raises(grpc.RpcError) as exc:
            h.read(DEFINITION_ID, RELEASED_IMPORT_OUTS, provider=FIRST_IMPORT)
        assert "No module named 'components'" in failure(exc)
        # `apic-access migrate-state`, the documented first step for a first-release stack, moves it to the lasting path
        state = {"deployment": {"resources": [{
            "urn": "urn:pulumi:dev::apic-access::pulumi-python:dynamic/apicenter:DefinitionImport::petstore/v1-0/openapi/import",
            "type": migrate.DEFINITION_IMPORT,
            "inputs": {**RELEASED_IMPORT_OUTS, "content": CONTENT, "__provider": FIRST_IMPORT},
            "outputs": {**RELEASED_IMPORT_OUTS, "__provider": FIRST_IMPORT},
        }]}}
        migrated, dropped = migrate.migrate(state)
        (resource,) = migrated["deployment"]["resources"]
        assert dropped == [] and resource["outputs"]["__provider"] == resource["inputs"]["__provider"] != FIRST_IMPORT
        assert {k: v for k, v in resource["outputs"].items() if k != "__provider"} == RELEASED_IMPORT_OUTS
        _, refreshed = h.read(DEFINITION_ID, RELEASED_IMPORT_OUTS, provider=resource["outputs"]["__provider"])
        assert refreshed["contentHash"] == HASH
        h.delete(DEFINITION_ID, RELEASED_IMPORT_OUTS, provider=resource["outputs"]["__provider"])
    finally:
        h.close()
    assert fake_azure.token_requests() <= 2
