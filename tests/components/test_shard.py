"""Sharding: inventory stacks own disjoint slices; together with the platform stack they
plan exactly what one unsharded stack plans. Every stack is planned under its own stack
name, as `pulumi up` runs it, and all of them name the same API center."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pulumi
import pytest

from apic_access.components.shard import Shard, ShardError
from apic_access.recorder import Recording, record

CONFIG = Path(__file__).resolve().parents[2] / "config"
PLATFORM = "contoso/apic-access/platform"


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dev spec as a sharded setup writes it: fixed names, no ${stack}."""
    folder = tmp_path_factory.mktemp("sharded")
    shutil.copytree(CONFIG / "apis", folder / "apis")
    path = folder / "sharded.yaml"
    path.write_text((CONFIG / "dev.yaml").read_text(encoding="utf-8").replace("${stack}", "shared"), encoding="utf-8")
    return path


def resources(rec: Recording) -> set[tuple[str, str, str]]:
    return {(r.type, r.name, json.dumps(r.inputs, sort_keys=True)) for r in rec.resources if r.custom and r.type != "pulumi:pulumi:StackReference"}


def plan(spec: Path, stack: str, shard: str | None, platform: str | None = None) -> Recording:
    config = {}
    if shard:
        config["apic-access:shard"] = shard
    if platform:
        config["apic-access:platformStack"] = platform
    return record(spec, stack=stack, config=config)


def test_shards_are_disjoint_and_add_up_to_the_whole(spec: Path) -> None:
    whole_rec = plan(spec, "dev", None)
    platform_rec = plan(spec, "platform", "platform")
    petstore_rec = plan(spec, "inv-petstore", "prefix:petstore", PLATFORM)
    partner_rec = plan(spec, "inv-partner", "prefix:partner", PLATFORM)
    whole, platform, petstore, partner = (resources(r) for r in (whole_rec, platform_rec, petstore_rec, partner_rec))
    assert not (petstore & partner) and not (platform & petstore) and not (platform & partner)
    assert petstore | partner == whole - platform
    assert platform | petstore | partner == whole
    assert {t for t, _, _ in platform} >= {"azure-native:apicenter:Service", "azure-native:keyvault:Vault", "azuread:index/applicationRegistration:ApplicationRegistration"}
    assert all(name.startswith("petstore") for _, name, _ in petstore)
    # every stack names the same API center, and each shard checked it against the platform's
    ids = {r.outputs["apiCenterId"] for r in (whole_rec, platform_rec, petstore_rec, partner_rec)}
    assert len(ids) == 1 and next(iter(ids)).endswith("/services/contoso-apis-shared")
    assert petstore_rec.outputs["platformApiCenterId"] == partner_rec.outputs["platformApiCenterId"] == platform_rec.outputs["apiCenterId"]


def test_inventory_shard_reads_the_platform_stack(spec: Path) -> None:
    rec = plan(spec, "inv-9", "tag:none-tagged", PLATFORM)
    (ref,) = rec.by_type("pulumi:pulumi:StackReference")
    assert ref.inputs["name"] == PLATFORM
    assert rec.outputs["platformApiCenterId"].endswith("/services/contoso-apis-shared")
    assert resources(rec) == set()  # no API carries that tag


def test_names_that_depend_on_the_stack_name_stop_a_shard_offline_too() -> None:
    """The platform guard, fed the platform stack's outputs as that stack would have them."""
    with pytest.raises(pulumi.RunError) as err:
        plan(CONFIG / "dev.yaml", "inv-3", "prefix:petstore", PLATFORM)
    assert "manages /subscriptions/" in str(err.value) and "services/contoso-apis-platform, but this spec names" in str(err.value)
    assert "services/contoso-apis-inv-3" in str(err.value)


@pytest.mark.parametrize("text", ["tag:", "everything", "prefix"])
def test_bad_shard_setting(text: str, spec: Path) -> None:
    with pytest.raises(ShardError) as err:
        Shard.parse(text)
    assert str(err.value) == (
        f"apic-access:shard is '{text}': use `platform`, `tag:NAME` (APIs whose `tags` include NAME) or `prefix:NAME` (APIs whose key starts with NAME)"
    )
    with pytest.raises(pulumi.RunError):
        plan(spec, "dev", text)
