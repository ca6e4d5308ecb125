"""Moving a first-release stack (generic resources:Resource) to the preview-type provider deletes
nothing in Azure: the generic entries leave the state, and the next `pulumi up` (with
apic-access:adopt) creates the new resources by adopting what exists."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from apic_access import migrate
from apic_access.cli import main
from apic_access.recorder import Recording, record

ROOT = Path(__file__).resolve().parents[2]
PREVIEW = "pulumi-python:dynamic/apicenter:PreviewResource"


def first_release_state(rec: Recording) -> dict[str, Any]:
    """The state the first release left for this spec: the same resources, with the preview
    types as azure-native generic resources (their inputs as that release wrote them)."""
    old_urn = {r.urn: r.urn.replace(f"${PREVIEW}::", "$azure-native:resources:Resource::") for r in rec.resources if r.type == PREVIEW}
    resources = []
    for r in rec.resources:
        entry: dict[str, Any] = {"urn": old_urn.get(r.urn, r.urn), "custom": r.custom, "type": r.type, "parent": old_urn.get(r.parent, r.parent)}
        entry["dependencies"] = [old_urn.get(d, d) for d in r.dependencies]
        entry["propertyDependencies"] = {"x": [old_urn.get(d, d) for d in r.dependencies]}
        if r.type == PREVIEW:
            rid = r.inputs["resourceId"]
            parent_path = rid.split("/providers/Microsoft.ApiCenter/", 1)[1].rsplit("/", 2)[0]
            entry.update(
                type=migrate.GENERIC,
                inputs={
                    "resourceGroupName": rid.split("/")[4],
                    "resourceProviderNamespace": "Microsoft.ApiCenter",
                    "parentResourcePath": parent_path,
                    "resourceType": rid.split("/")[-2],
                    "resourceName": rid.split("/")[-1],
                    "apiVersion": r.inputs["apiVersion"],
                    "properties": r.inputs["properties"],
                },
            )
        else:
            entry["inputs"] = r.inputs
        resources.append(entry)
    return {"version": 3, "deployment": {"manifest": {"time": "2026-10-01T00:00:00Z"}, "resources": resources}}


@pytest.fixture(scope="module")
def after() -> Recording:
    """What the new program registers on the migration run (apic-access:adopt=true)."""
    return record(ROOT / "config" / "dev.yaml", stack="dev", config={"apic-access:adopt": "true"})


def test_migration_deletes_nothing_and_adopts_every_preview_resource(after: Recording, tmp_path: Path) -> None:
    before = first_release_state(after)
    source, target = tmp_path / "state.json", tmp_path / "migrated.json"
    source.write_text(json.dumps(before), encoding="utf-8")

    assert main(["migrate-state", str(source), "-o", str(target)]) == 0

    migrated = json.loads(target.read_text(encoding="utf-8"))["deployment"]["resources"]
    in_state = {r["urn"] for r in migrated}
    in_program = {r.urn for r in after.resources}
    assert in_state - in_program == set()  # nothing the state holds is missing from the program: no deletes
    created = in_program - in_state
    assert created == {r.urn for r in after.resources if r.type == PREVIEW}  # only the new provider's resources are created
    assert len(created) == 10  # 4 auth configs, 5 bindings, the portal
    assert all(r.inputs["adopt"] is True for r in after.by_type(PREVIEW))  # ... by adopting what Azure has
    for r in migrated:  # no reference to a dropped entry is left behind
        assert all(d in in_state for d in r.get("dependencies", [])), r["urn"]
        assert all(d in in_state for deps in r.get("propertyDependencies", {}).values() for d in deps), r["urn"]
    untouched = [r for r in before["deployment"]["resources"] if r["type"] != migrate.GENERIC]
    assert [r["inputs"] for r in migrated] == [r["inputs"] for r in untouched]


def test_adopt_is_off_unless_the_stack_asks(tmp_path: Path) -> None:
    rec = record(ROOT / "config" / "dev.yaml", stack="dev")
    assert {r.inputs["adopt"] for r in rec.by_type(PREVIEW)} == {False}


def test_a_state_with_pending_operations_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "state.json"
    source.write_text(json.dumps({"version": 3, "deployment": {"resources": [], "pending_operations": [{"type": "creating"}]}}), encoding="utf-8")
    assert main(["migrate-state", str(source), "-o", str(tmp_path / "out.json")]) == 1
    assert "pending operations" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize(("content", "expected"), [("not json", "not JSON"), ('{"version": 3}', "not a `pulumi stack export` file")])
def test_a_file_that_is_no_export_is_refused(content: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "state.json"
    source.write_text(content, encoding="utf-8")
    assert main(["migrate-state", str(source), "-o", str(tmp_path / "out.json")]) == 1
    assert expected in capsys.readouterr().err
