"""What verify and export share: the subscription, who the caller is, Entra lookups through Graph."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from apic_access import live as live_mod
from tests.conftest import CALLER, data_plane_token


def test_subscription_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARM_SUBSCRIPTION_ID", raising=False)
    with pytest.raises(live_mod.UsageError, match="--subscription ID, set ARM_SUBSCRIPTION_ID, or `pulumi config set azure-native:subscriptionId ID --stack qa`"):
        live_mod.subscription_of(None, "qa")
    (tmp_path / "Pulumi.qa.yaml").write_text("config:\n  azure-native:subscriptionId: from-stack\n")
    assert live_mod.subscription_of(None, "qa") == "from-stack"
    monkeypatch.setenv("ARM_SUBSCRIPTION_ID", "from-env")
    assert live_mod.subscription_of(None, "qa") == "from-env"
    assert live_mod.subscription_of("given", "qa") == "given"


def test_token_claims_and_filter_quoting() -> None:
    assert live_mod.token_claims(data_plane_token(CALLER))["oid"] == CALLER
    assert live_mod.token_claims("opaque-token") == {}
    assert live_mod.quoted("O'Brien's group") == "'O''Brien''s group'"


def test_lookups_through_graph(fake_azure: Any) -> None:
    fake_azure.entra("users", "a11ce000-0000-4000-8000-000000000001", "Alice", userPrincipalName="alice@contoso.com")
    for i in range(3):  # more than a page
        fake_azure.entra("groups", f"00000000-0000-4000-8000-00000000000{i}", "Twins" if i < 2 else "O'Brien's group")
    fake_azure.entra("servicePrincipals", CALLER, "deploy-pipeline", appId="9a9a9a9a-0000-4000-8000-000000000004")
    live = live_mod.Live.connect("11111111-2222-4333-8444-555555555555")

    assert live.tenant == fake_azure.tenant
    assert live.caller() == CALLER  # from the data-plane token's oid
    assert live.lookup("users", "alice@contoso.com") == "a11ce000-0000-4000-8000-000000000001"
    assert live.lookup("users", "nobody@contoso.com") is None
    assert live.lookup("groups", "O'Brien's group") == "00000000-0000-4000-8000-000000000002"
    assert live.lookup("groups", "Twins") is None  # two groups by that name: ambiguous
    assert live.lookup("servicePrincipals", "9a9a9a9a-0000-4000-8000-000000000004") == CALLER  # a client id
    assert live.lookup("servicePrincipals", "deploy-pipeline") == CALLER
    assert live.describe([CALLER, "a11ce000-0000-4000-8000-000000000001"]) == {
        CALLER: "service principal deploy-pipeline",
        "a11ce000-0000-4000-8000-000000000001": "user alice@contoso.com",
    }
    answer = live.invoke("azuread:index/getUsers:getUsers", {"userPrincipalNames": ["alice@contoso.com", "nobody@contoso.com"], "ignoreMissing": True})
    assert answer == {"userPrincipalNames": ["alice@contoso.com"], "objectIds": ["a11ce000-0000-4000-8000-000000000001"]}
    missing = live.invoke("azuread:index/getUser:getUser", {"userPrincipalName": "nobody@contoso.com"})
    assert missing is not None and live.missing[missing["objectId"]] == ("users", "nobody@contoso.com")


def test_a_failed_sign_in_is_one_short_message_kept_whole() -> None:
    from azure.core.exceptions import ClientAuthenticationError

    from apic_access.azure.client import NoCredentials, TokenSource

    class Failing:
        def __init__(self, text: str) -> None:
            self.text = text

        def get_token(self, *scopes: str) -> Any:
            raise ClientAuthenticationError(self.text)

    chain = (
        "DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted credentials:\n\tEnvironmentCredential: "
        "EnvironmentCredential authentication unavailable. Environment variables are not fully configured.\nVisit "
        "https://aka.ms/azsdk/python/identity/environmentcredential/troubleshoot to troubleshoot this issue.\n\tAzureCliCredential: Azure CLI not found on path"
    )
    with pytest.raises(NoCredentials) as caught:
        TokenSource("https://management.azure.com/.default", credential=Failing(chain))()
    assert str(caught.value) == (
        "cannot sign in to Azure: no sign-in method found credentials (environment variables, workload identity, managed identity, Azure CLI, "
        "Azure PowerShell, Azure Developer CLI); sign in with `az login`, or set ARM_CLIENT_ID, ARM_TENANT_ID and ARM_CLIENT_SECRET "
        "(or ARM_USE_OIDC / ARM_USE_MSI) as for Pulumi's azure-native provider"
    )
    secret = "ClientSecretCredential.get_token failed: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent is the client secret value. Trace ID: 1"
    with pytest.raises(NoCredentials) as caught:
        TokenSource("https://management.azure.com/.default", credential=Failing(secret))()
    assert str(caught.value).startswith(
        "cannot sign in to Azure: ClientAuthenticationError: ClientSecretCredential.get_token failed: AADSTS7000215: Invalid client secret provided; sign in with"
    )
    assert logging.getLogger("azure.identity").getEffectiveLevel() >= logging.ERROR  # its attempt-by-attempt warnings stay quiet
