"""Safe to run every day: identical plans, order-free specs, local changes stay local,
no secret in any output, no assignment broader than asked, protection in prod."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from apic_access import diff, graph, import_ids, plan
from apic_access.recorder import Recording, record

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "config" / "dev.yaml"
SECRETS = {"apic-access:petstoreApiKey": "pk-9f8e7d6c5b4a-PLAINTEXT", "apic-access:partnerClientSecret": "partner-Zz93-PLAINTEXT"}


def variant(tmp_path: Path, change: Any, name: str = "dev.yaml") -> Path:
    """A copy of the dev spec (with its definition files) after `change(tree)`."""
    tree = yaml.safe_load(DEV.read_text(encoding="utf-8"))
    result = change(tree)  # mutates in place, or returns a new tree
    tree = tree if result is None else result
    if (ROOT / "config" / "apis").is_dir() and not (tmp_path / "apis").exists():
        shutil.copytree(ROOT / "config" / "apis", tmp_path / "apis")
    path = tmp_path / name
    path.write_text(yaml.safe_dump(tree, sort_keys=False), encoding="utf-8")
    return path


def reorder(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: reorder(v) for k, v in reversed(list(node.items()))}
    if isinstance(node, list):
        return [reorder(v) for v in reversed(node)]
    return node


def custom(rec: Recording) -> dict[str, Any]:
    return {r.urn: r for r in rec.resources if r.custom}


def test_same_spec_gives_byte_identical_plans() -> None:
    first, second = record(DEV, stack="dev"), record(DEV, stack="dev")
    assert plan.dumps(first) == plan.dumps(second)
    assert plan.to_table(first) == plan.to_table(second)


def test_reordering_every_list_and_map_plans_identically(tmp_path: Path) -> None:
    shuffled = variant(tmp_path, reorder)
    assert plan.dumps(record(shuffled, stack="dev")) == plan.dumps(record(DEV, stack="dev"))


def test_adding_one_principal_adds_one_assignment(tmp_path: Path) -> None:
    def add(tree: Any) -> None:
        tree["apis"]["petstore"]["versions"]["v1-0"]["access"][0]["users"].append("erin@contoso.com")

    d = diff.diff(record(DEV, stack="dev"), record(variant(tmp_path, add), stack="dev"))
    assert [(r.type, r.name) for r in d.added] == [("azure-native:authorization:RoleAssignment", "petstore/v1-0/petstore-key/users/erin@contoso.com")]
    assert d.removed == [] and d.changed == []


def test_removing_one_api_removes_only_its_resources(tmp_path: Path) -> None:
    def drop(tree: Any) -> None:
        del tree["apis"]["partner-orders"]

    d = diff.diff(record(DEV, stack="dev"), record(variant(tmp_path, drop), stack="dev"))
    assert d.added == [] and d.changed == []
    assert d.removed and all(r.name.startswith("partner-orders") for r in d.removed)


def test_no_secret_plaintext_in_any_output(tmp_path: Path) -> None:
    for preview in (True, False):
        rec = record(DEV, stack="dev", config=SECRETS, preview=preview)
        rendered = "".join(
            [
                plan.dumps(rec),
                plan.to_table(rec),
                plan.to_markdown(rec),
                graph.to_dot(rec),
                graph.to_mermaid(rec),
                import_ids.dumps(import_ids.import_plan(rec, "11111111-2222-3333-4444-555555555555")),
                diff.to_markdown(diff.diff(rec, rec)),
                repr(rec.invokes),
            ]
        )
        for value in SECRETS.values():
            assert value not in rendered
        secrets = [r for r in rec.by_type("azure-native:keyvault:Secret")]
        assert secrets and all(s.inputs["properties"]["value"] == "[secret]" for s in secrets)


def test_no_role_assignment_above_a_resource(tmp_path: Path) -> None:
    for spec, stack in ((DEV, "dev"), (ROOT / "config" / "prod.yaml", "prod")):
        for r in record(spec, stack=stack).by_type("azure-native:authorization:RoleAssignment"):
            scope = r.inputs["scope"]
            assert "/providers/" in scope, scope  # never a subscription or a resource group
            assert r.inputs["principalType"] in {"User", "Group", "ServicePrincipal"}


def test_prod_stacks_protect_the_service_vault_and_apps() -> None:
    rec = record(ROOT / "config" / "prod.yaml", stack="prod")
    protected = {r.type for r in rec.resources if r.options.get("protect")}
    assert protected == {
        "azure-native:resources:ResourceGroup",
        "azure-native:apicenter:Service",
        "azure-native:keyvault:Vault",
        "azuread:index/applicationRegistration:ApplicationRegistration",
    }
    assert not any(r.options.get("protect") for r in record(DEV, stack="dev").resources)
