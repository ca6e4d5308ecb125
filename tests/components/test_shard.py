"""Sharding: inventory stacks own disjoint slices; together with the platform stack they
plan exactly what one unsharded stack plans."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pytest

from apic_access.recorder import Recording, record
from components.shard import Shard, ShardError

DEV = Path(__file__).resolve().parents[2] / "config" / "dev.yaml"


def resources(rec: Recording) -> set[tuple[str, str, str]]:
    return {(r.type, r.name, json.dumps(r.inputs, sort_keys=True)) for r in rec.resources if r.custom and r.type != "pulumi:pulumi:StackReference"}


def plan(shard: str | None, platform: str | None = None) -> Recording:
    config = {}
    if shard:
        config["apic-access:shard"] = shard
    if platform:
        config["apic-access:platformStack"] = platform
    return record(DEV, stack="dev", config=config)


def test_shards_are_disjoint_and_add_up_to_the_whole() -> None:
    whole = resources(plan(None))
    platform = resources(plan("platform"))
    petstore = resources(plan("prefix:petstore", "contoso/apic-access/platform"))
    partner = resources(plan("prefix:partner", "contoso/apic-access/platform"))
    assert not (petstore & partner) and not (platform & petstore) and not (platform & partner)
    assert petstore | partner == whole - platform
    assert platform | petstore | partner == whole
    assert {t for t, _, _ in platform} >= {"azure-native:apicenter:Service", "azure-native:keyvault:Vault", "azuread:index/applicationRegistration:ApplicationRegistration"}
    assert all(name.startswith("petstore") for _, name, _ in petstore)


def test_inventory_shard_reads_the_platform_stack() -> None:
    rec = plan("tag:none-tagged", "contoso/apic-access/platform")
    (ref,) = rec.by_type("pulumi:pulumi:StackReference")
    assert ref.inputs["name"] == "contoso/apic-access/platform"
    assert rec.outputs["platformApiCenterId"].endswith("/services/contoso-apis-dev")
    assert resources(rec) == set()  # no API carries that tag


@pytest.mark.parametrize("text", ["tag:", "everything", "prefix"])
def test_bad_shard_setting(text: str) -> None:
    with pytest.raises(ShardError) as err:
        Shard.parse(text)
    assert str(err.value) == (
        f"apic-access:shard is '{text}': use `platform`, `tag:NAME` (APIs whose `tags` include NAME) or `prefix:NAME` (APIs whose key starts with NAME)"
    )
    with pytest.raises(pulumi.RunError):
        plan(text)
