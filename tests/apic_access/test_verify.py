"""`apic-access verify` against the stateful fake: each check, each output format, the exit codes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from apic_access import verify as verify_mod
from apic_access.cli import main
from tests.apic_access.conftest import (
    API_KEY_VALUE,
    CLIENT_SECRET_VALUE,
    DATA_READER,
    KEY_BINDING,
    OAUTH_BINDING,
    SERVICE_ID,
    SUB,
    VAULT_ID,
    WS,
    HandMade,
)
from tests.conftest import CREDENTIAL_ACCESS_READER, SECRETS_USER


def run(capsys: pytest.CaptureFixture[str], handmade: HandMade, *extra: str) -> tuple[int, str, str]:
    code = main(["verify", str(handmade.spec), "--subscription", SUB, *extra])
    out, err = capsys.readouterr()
    return code, out, err


def report(handmade: HandMade, **kwargs: Any) -> verify_mod.Report:
    return verify_mod.verify(handmade.spec, stack="dev", subscription=SUB, **kwargs)


def problems(r: verify_mod.Report) -> list[str]:
    return [f"{f.group}: {f.message}" for f in r.findings if f.status == "problem"]


def test_all_good_exits_0_and_proves_credentials_end_to_end(handmade: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, handmade)

    assert code == 0, out + err
    assert "all good" in out
    assert "PROBLEM" not in out
    # the table groups lines by binding
    assert "binding orders/v1-0/shop-key\n" in out
    assert "Azure API Center Credential Access Reader: user alice@contoso.com" in out
    assert "Key Vault Secrets User: the API center's system identity" in out
    assert "Azure API Center Data Reader: group All Engineers" in out
    assert ":getCredentials works for the identity running verify: apiKey, credential returned" in out
    assert "Key Vault secret shop-key exists in vault kv-shop" in out
    assert "deployment prod has a runtime URI" in out
    # verify is read-only
    assert handmade.fake.arm_calls("PUT") == [] and handmade.fake.arm_calls("DELETE") == []


def test_a_field_the_service_dropped_is_named_by_spec_path_and_wire_field(handmade: HandMade) -> None:
    stored = handmade.fake.stored(f"{WS}/authConfigs/shop-key")
    del stored["properties"]["apiKey"]["name"]  # the service ignored it
    handmade.fake.stored(f"{WS}/authConfigs/partner-oauth")["properties"]["oauth2"]["tokenUrl"] = "https://idp.example.com/other"

    r = report(handmade)

    found = problems(r)
    assert len(found) == 2, found
    dropped = next(p for p in found if "apiKey.name" in p)
    assert dropped.startswith("auth config shop-key: authConfigs.shop-key.apiKey.name: wrote `apiKey.name` = 'x-api-key', Azure did not keep it")
    assert "extraProperties" in dropped and "apiCenter.previewApiVersions.authConfigs" in dropped
    changed = next(p for p in found if "tokenUrl" in p)
    assert "authConfigs.partner-oauth.oauth2.tokenUrl" in changed and "Azure has 'https://idp.example.com/other'" in changed
    assert verify_mod.exit_code(r) == 1


def test_missing_credential_access_reader_and_secrets_user_assignments(handmade: HandMade) -> None:
    (alice,) = [a for a in handmade.grant(KEY_BINDING, CREDENTIAL_ACCESS_READER) if handmade.fake.stored(a)["properties"]["principalType"] == "User"]
    handmade.remove(alice)
    for a in handmade.grant(VAULT_ID, SECRETS_USER):
        handmade.remove(a)

    r = report(handmade)

    found = problems(r)
    assert any(
        p.startswith("binding orders/v1-0/shop-key: Azure API Center Credential Access Reader for user alice@contoso.com (a11ce000-") and "is missing" in p
        for p in found
    ), found
    assert any(p.startswith("vault: Key Vault Secrets User for the API center's system identity") and "is missing" in p for p in found), found
    # with the vault unreadable by the API center, the data plane cannot resolve the key either
    assert any(p.startswith("binding orders/v1-0/shop-key: :getCredentials") and "KeyVaultAccessDenied" in p for p in found), found
    assert len(found) == 3


def test_a_reader_the_spec_does_not_name_is_a_problem_with_the_fix(handmade: HandMade) -> None:
    extra = handmade.fake.assign(KEY_BINDING, CREDENTIAL_ACCESS_READER, "b0b00000-0000-4000-8000-000000000009", "User")

    r = report(handmade)

    assert problems(r) == [
        "binding orders/v1-0/shop-key: user bob@contoso.com (b0b00000-0000-4000-8000-000000000009) can read the credentials of binding orders/v1-0/shop-key "
        "through Azure API Center Credential Access Reader at binding orders/v1-0/shop-key, which the spec does not grant: add user bob@contoso.com "
        f"to an access entry, or remove the assignment: az role assignment delete --ids {extra}"
    ]
    assert verify_mod.exit_code(r) == 1


def test_an_extra_portal_reader_is_shown_but_not_counted(handmade: HandMade) -> None:
    handmade.fake.assign(SERVICE_ID, DATA_READER, "b0b00000-0000-4000-8000-000000000009", "User")

    r = report(handmade)

    extras = [f.message for f in r.findings if f.status == "extra"]
    assert extras == ["Azure API Center Data Reader also held by user bob@contoso.com (b0b00000-0000-4000-8000-000000000009), not in the spec"]
    assert verify_mod.exit_code(r) == 0


def test_a_deleted_binding_and_portal_are_missing_resources(handmade: HandMade) -> None:
    handmade.remove(OAUTH_BINDING)
    handmade.remove(f"{SERVICE_ID}/portals/default")

    found = problems(report(handmade))

    assert any(p.startswith("binding orders/v1-0/partner-oauth: binding 'partner-oauth' of orders/v1-0 does not exist in Azure") for p in found), found
    assert any(p.startswith("portal: the API Center portal does not exist in Azure") for p in found), found
    # the grant on the deleted binding went with it
    assert any("Credential Access Reader for group API Testers" in p and "is missing" in p for p in found), found


def test_403_then_200_is_rbac_propagating_and_waits_a_bounded_time(handmade: HandMade) -> None:
    handmade.fake.forbid = 2
    slept: list[float] = []

    r = report(handmade, sleep=slept.append, waits=(5.0, 10.0, 20.0))

    assert slept == [5.0, 10.0]
    assert problems(r) == []
    assert any("credential returned" in f.message for f in r.findings)


def test_403_for_good_is_a_problem_after_the_bounded_backoff(handmade: HandMade) -> None:
    handmade.fake.forbid = 1000
    slept: list[float] = []

    r = report(handmade, sleep=slept.append, waits=(5.0, 10.0))

    assert slept == [5.0, 10.0]  # never more than the bound
    (found,) = problems(r)
    assert found.startswith("binding orders/v1-0/shop-key: :getCredentials was refused (403) 3 times over 15 s")
    assert "take minutes" in found and "Credential Access Reader" in found
    calls = [c for c in handmade.fake.calls if c.path.endswith(":getCredentials")]
    assert len(calls) == 3


def test_default_backoff_is_bounded() -> None:
    assert 60 <= sum(verify_mod.RBAC_WAITS) <= 600


def test_a_referenced_vault_secret_that_does_not_exist(handmade: HandMade) -> None:
    handmade.remove(f"{VAULT_ID}/secrets/partner-secret")

    found = problems(report(handmade))

    assert found == ["auth config partner-oauth: Key Vault secret partner-secret does not exist in vault kv-shop: create it in vault kv-shop (the spec marks it existing)"]


def test_the_secret_value_appears_in_no_output_format(handmade: HandMade, capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    # the pipeline may try both bindings: it reads the API key and the client secret
    handmade.fake.assign(OAUTH_BINDING, CREDENTIAL_ACCESS_READER, handmade.fake.caller, "ServicePrincipal")
    spec = handmade.spec.read_text().replace("groups: [API Testers]", "groups: [API Testers]\n            servicePrincipals: [deploy-pipeline]")
    handmade.spec.write_text(spec)
    for fmt in ("table", "json", "markdown"):
        code, out, err = run(capsys, handmade, "--format", fmt)
        assert code == 0, out + err
        assert out.count("credential returned") == 2
        for value in (API_KEY_VALUE, CLIENT_SECRET_VALUE):
            assert value not in out and value not in err
        written = tmp_path / f"report.{fmt}"
        run(capsys, handmade, "--format", fmt, "-o", str(written))
        assert API_KEY_VALUE not in written.read_text() and CLIENT_SECRET_VALUE not in written.read_text()
    assert len([c for c in handmade.fake.calls if c.path.endswith(":getCredentials")]) == 12  # 6 runs, 2 bindings: the values were there to leak


def test_json_and_markdown_formats(handmade: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    handmade.remove(OAUTH_BINDING)
    code, out, _ = run(capsys, handmade, "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["ok"] is False and data["problems"] >= 2 and data["subscription"] == SUB
    groups = {g["name"]: g["findings"] for g in data["groups"]}
    assert any(f["status"] == "problem" and f["check"] == "resource" for f in groups["binding orders/v1-0/partner-oauth"])

    code, out, _ = run(capsys, handmade, "--format", "markdown")
    assert code == 1
    assert out.startswith("### apic-access verify: ❌")
    assert "| ❌ | binding orders/v1-0/partner-oauth | resource |" in out


def test_no_subscription_is_a_usage_error(handmade: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["verify", str(handmade.spec)])
    _, err = capsys.readouterr()
    assert code == 2
    assert "--subscription" in err and "ARM_SUBSCRIPTION_ID" in err and "azure-native:subscriptionId" in err


def test_subscription_from_the_stack_config(handmade: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    (handmade.spec.parent / "Pulumi.dev.yaml").write_text(f"config:\n  azure-native:subscriptionId: {SUB}\n  apic-access:spec: {handmade.spec.name}\n")
    code = main(["verify"])
    out, err = capsys.readouterr()
    assert code == 0, out + err


def test_no_credentials_exits_3_with_the_fix(handmade: HandMade, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_HEADER", "wrong")  # the managed-identity endpoint refuses
    code, out, err = run(capsys, handmade)
    assert (code, out) == (3, "")
    assert err.startswith("apic-access verify: cannot sign in to Azure: ")
    assert err.endswith("; sign in with `az login`, or set ARM_CLIENT_ID, ARM_TENANT_ID and ARM_CLIENT_SECRET (or ARM_USE_OIDC / ARM_USE_MSI) as for Pulumi's azure-native provider\n")
    assert err.count("\n") == 1  # one message, not azure-identity's list of attempts


def test_spec_problems_exit_1_before_any_call(handmade: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    handmade.spec.write_text(handmade.spec.read_text().replace("authConfig: shop-key", "authConfig: shop-keys"))
    code, out, _ = run(capsys, handmade)
    assert code == 1
    assert "unknown auth config 'shop-keys'" in out
    assert handmade.fake.arm_calls() == []


def test_a_missing_portal_reader_grant(handmade: HandMade) -> None:
    for a in handmade.grant(SERVICE_ID, DATA_READER):
        handmade.remove(a)

    found = problems(report(handmade))

    assert len(found) == 1 and found[0].startswith("portal: Azure API Center Data Reader for group All Engineers (e0e0e0e0-"), found


def test_a_principal_entra_does_not_know_is_named(handmade: HandMade) -> None:
    handmade.spec.write_text(handmade.spec.read_text().replace("users: [alice@contoso.com]", "users: [alice@contoso.com, nobody@contoso.com]"))

    found = problems(report(handmade))

    assert found == ["binding orders/v1-0/shop-key: Entra has no user 'nobody@contoso.com' (or more than one): fix the name in the spec, or use its object id"]


def test_without_the_subscription_read_the_tenant_comes_from_the_service(handmade: HandMade, monkeypatch: pytest.MonkeyPatch) -> None:
    """A service that does not answer GET /subscriptions/<id>: the portal's tenant still matches."""
    answer = handmade.fake.answer

    def no_subscription_read(method: str, raw_path: str, body: Any, headers: dict[str, str]) -> Any:
        if method == "GET" and raw_path.split("?")[0].rstrip("/") == f"/subscriptions/{SUB}":
            return 404, {}, {"error": {"code": "SubscriptionNotFound", "message": "no"}}
        return answer(method, raw_path, body, headers)

    monkeypatch.setattr(handmade.fake, "answer", no_subscription_read)

    r = report(handmade)

    assert problems(r) == []


def test_a_missing_grant_of_the_caller_is_not_waited_for(handmade: HandMade) -> None:
    (mine,) = [a for a in handmade.grant(KEY_BINDING, CREDENTIAL_ACCESS_READER) if handmade.fake.stored(a)["properties"]["principalType"] == "ServicePrincipal"]
    handmade.remove(mine)
    slept: list[float] = []

    found = problems(report(handmade, sleep=slept.append))

    assert slept == []
    assert any("Credential Access Reader for service principal deploy-pipeline" in p and "is missing" in p for p in found), found
    assert any(":getCredentials was refused (403)" in p and "no Credential Access Reader grant" in p for p in found), found


def test_a_key_vault_reference_azure_returns_is_compared(handmade: HandMade) -> None:
    handmade.fake.write_only = {"secrets": ["value"]}  # this service returns the references
    handmade.fake.stored(f"{WS}/authConfigs/shop-key")["properties"]["apiKey"]["value"] = "https://kv-shop.vault.azure.net/secrets/other"

    found = problems(report(handmade))

    assert any(p.startswith("auth config shop-key: authConfigs.shop-key.apiKey.secret: wrote `apiKey.value` = 'https://kv-shop.vault.azure.net/secrets/shop-key'") for p in found), found


def test_credential_readers_the_spec_names_are_checked_and_not_beyond(handmade: HandMade) -> None:
    bob = "b0b00000-0000-4000-8000-000000000009"
    handmade.spec.write_text(handmade.spec.read_text().replace("  location: westeurope\n", "  location: westeurope\n  credentialReaders:\n    users: [bob@contoso.com]\n", 1))

    # missing in Azure: a problem saying so; Bob cannot read anything yet, so nothing beyond
    assert problems(report(handmade)) == [
        f"credential readers: Azure API Center Credential Access Reader for user bob@contoso.com ({bob}) at Microsoft.ApiCenter/services/shop-apis is missing: run `pulumi up`"
    ]

    handmade.fake.assign(SERVICE_ID, CREDENTIAL_ACCESS_READER, bob, "User")
    r = report(handmade)
    assert problems(r) == []
    assert "credential readers: Azure API Center Credential Access Reader: user bob@contoso.com" in [f"{f.group}: {f.message.split(' (')[0]}" for f in r.findings]
