"""Entra lookups: batched, once per name, and never guessing."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pulumi
import pytest

from apic_access.components import directory
from apic_access.components.directory import Directory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def entra(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object]]:
    calls: list[tuple[str, object]] = []
    groups = {"API Testers": ["g-1"], "Twins": ["g-2", "g-3"]}  # two groups share a display name

    def get_groups(display_names: list[str], ignore_missing: bool) -> SimpleNamespace:
        calls.append(("getGroups", tuple(display_names)))
        names = [n for n in display_names for _ in groups.get(n, [])]
        ids = [i for n in display_names for i in groups.get(n, [])]
        return SimpleNamespace(display_names=names, object_ids=ids)

    def get_group(display_name: str) -> SimpleNamespace:
        calls.append(("getGroup", display_name))
        if display_name not in groups or len(groups[display_name]) != 1:
            raise RuntimeError(f"no single group named {display_name!r}")
        return SimpleNamespace(object_id=groups[display_name][0])

    monkeypatch.setattr(directory.azuread, "get_groups", get_groups)
    monkeypatch.setattr(directory.azuread, "get_group", get_group)
    return calls


def test_batch_then_cache(entra: list[tuple[str, object]]) -> None:
    d = Directory()
    d.prefetch([("groups", "API Testers"), ("groups", "API Testers"), ("groups", "0B6F1C52-8D4E-4F7A-9A21-3C5D7E9F1A2B")])
    assert entra == [("getGroups", ("API Testers",))]  # object ids are never looked up
    assert d.object_id("groups", "API Testers") == "g-1"
    assert d.object_id("groups", "0B6F1C52-8D4E-4F7A-9A21-3C5D7E9F1A2B") == "0b6f1c52-8d4e-4f7a-9a21-3c5d7e9f1a2b"
    assert len(entra) == 1


def test_ambiguous_or_missing_names_get_entras_own_answer(entra: list[tuple[str, object]]) -> None:
    d = Directory()
    d.prefetch([("groups", "Twins"), ("groups", "Nobody")])
    with pytest.raises(RuntimeError, match="no single group named 'Twins'"):
        d.object_id("groups", "Twins")
    with pytest.raises(RuntimeError, match="no single group named 'Nobody'"):
        d.object_id("groups", "Nobody")


def test_an_empty_answer_is_an_error_not_a_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import pulumi

    monkeypatch.setattr(directory.azuread, "get_user", lambda user_principal_name: SimpleNamespace(object_id=None))
    with pytest.raises(pulumi.RunError) as err:
        Directory().object_id("users", "ghost@contoso.com")
    assert str(err.value) == "Entra has no user 'ghost@contoso.com': fix the name in the spec, or use its object id"


def test_a_service_principal_guid_may_be_a_client_id(monkeypatch: pytest.MonkeyPatch) -> None:
    client_id, object_id, other = "11111111-2222-3333-4444-555555555555", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "99999999-8888-7777-6666-555555555555"
    asked: list[list[str]] = []

    def get_service_principals(client_ids: list[str], ignore_missing: bool) -> SimpleNamespace:
        asked.append(client_ids)
        known = {client_id: object_id}
        hits = [c for c in client_ids if c in known]
        return SimpleNamespace(client_ids=hits, object_ids=[known[c] for c in hits])

    monkeypatch.setattr(directory.azuread, "get_service_principals", get_service_principals)
    d = Directory()
    d.prefetch([("servicePrincipals", client_id), ("servicePrincipals", other)])
    assert asked == [sorted([client_id, other])]
    assert d.object_id("servicePrincipals", client_id) == object_id  # found as a client id
    assert d.object_id("servicePrincipals", other) == other  # not a client id: an object id
    assert d.object_id("users", client_id) == client_id  # only service principals have client ids
    assert len(asked) == 1


def test_a_batch_entra_refuses_names_the_principal_at_its_spec_position(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two groups share the display name 'API Testers': the provider fails the whole getGroups
    batch, and the single lookup too. The run stops naming that group where the spec lists it."""
    from apic_access import recorder

    answer = recorder._Mocks.call
    duplicate = "more than one group found with display name: 'API Testers'"

    def call(self: Any, args: Any) -> Any:
        names = list(args.args.get("displayNames") or []) + [args.args.get("displayName") or ""]
        if args.token.startswith("azuread:index/getGroup") and "API Testers" in names:
            return {}, [("displayName", duplicate)]
        return answer(self, args)

    monkeypatch.setattr(recorder._Mocks, "call", call)
    spec = ROOT / "config" / "dev.yaml"
    with pytest.raises(pulumi.RunError) as err:
        recorder.record(spec, stack="dev")
    lines = str(err.value).splitlines()
    assert lines[0] == "the spec names principals Entra cannot resolve; nothing was changed:"
    reason = f"Entra cannot resolve group 'API Testers' to one object ({duplicate} (displayName)): use its object id instead of the name"
    assert lines[1:] == [
        f"config/dev.yaml:112:22: apis.petstore.versions.v1-0.access[0].groups[0]: {reason}",
        f"config/dev.yaml:114:22: apis.petstore.versions.v1-0.access[1].groups[0]: {reason}",
    ]


def test_names_are_matched_without_regard_to_case(entra: list[tuple[str, object]]) -> None:
    """Entra matches display names and UPNs case-insensitively: one lookup, one object id."""
    d = Directory()
    d.prefetch([("groups", "API Testers"), ("groups", "api testers")])
    assert entra == [("getGroups", ("API Testers",))]
    assert d.object_id("groups", "Api Testers") == d.object_id("groups", "API Testers") == "g-1"
    assert entra == [("getGroups", ("API Testers",))]  # answered from the cache
