"""The ARM contract's replacement facts: every type the program registers is covered, every
fact names its source, and the lookups answer as `diff` needs."""

from __future__ import annotations

from pathlib import Path

from apic_access.recorder import record
from components import arm

ROOT = Path(__file__).resolve().parents[2]
NO_FORCE_NEW = {"azuread:index/applicationRegistration:ApplicationRegistration"}  # every property updates in place


def test_every_registered_type_has_its_replacement_facts() -> None:
    types = {r.type for spec, stack in (("dev.yaml", "dev"), ("prod.yaml", "prod")) for r in record(ROOT / "config" / spec, stack=stack).resources if r.custom}
    assert types - NO_FORCE_NEW <= set(arm.FORCE_NEW), types - NO_FORCE_NEW - set(arm.FORCE_NEW)
    for facts in arm.FORCE_NEW.values():
        assert facts and all(path and len(source) > 20 for path, source in facts)


def test_forces_replacement_by_path() -> None:
    service = "azure-native:apicenter:Service"
    assert arm.forces_replacement(service, "location") and "x-ms-mutability" in str(arm.forces_replacement(service, "location"))
    assert arm.forces_replacement(service, "tags.env") is None
    assert arm.forces_replacement("azure-native:authorization:RoleAssignment", "principalId")
    assert arm.forces_replacement("azure-native:resources:Resource", "properties.title") is None
    assert arm.forces_replacement("azuread:index/applicationPassword:ApplicationPassword", "rotateWhenChanged.window")  # below a fact's path


def test_replacement_order() -> None:
    assert arm.deletes_first("azure-native:apicenter:Api", False) is False
    assert arm.deletes_first("azure-native:authorization:RoleAssignment", True) is True
    assert arm.deletes_first("azuread:index/applicationOwner:ApplicationOwner", False) is True
