"""components/key_vault.py: every secret the stack writes stays in Azure when Pulumi lets go of it.

azure-native deletes a secret on the vault's data plane (Key Vault Secrets Officer, a reachable
vault) and leaves the name soft-deleted; kept on delete, a destroy or a secret dropped from the
spec never stops at a 403 and never makes a name unusable.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apic_access import diff, plan
from apic_access.azure import arm
from apic_access.recorder import Recording, record

from .conftest import write_spec

SECRET = "azure-native:keyvault:Secret"

SPEC = """\
specVersion: 1
apiCenter:
  name: apis-${{stack}}
  resourceGroup: rg-apis
  location: eastus
keyVault:
  name: kv-apis-${{stack}}
  existing: {existing}
  secrets:
{secrets}
entraApps:
  orders:
    displayName: Orders
    clientSecret: {{}}
authConfigs:
  key:
    title: Key
    apiKey: {{name: x-api-key, secret: api-key}}
  orders-oauth:
    title: Orders OAuth
    oauth2: {{entraApp: orders, flows: [clientCredentials]}}
"""
BOTH = "    api-key: {fromConfig: apiKey}\n    spare-key: {fromConfig: spareKey}"
ONE = "    api-key: {fromConfig: apiKey}"


def _plan(tmp_path: Path, *, existing: bool = False, secrets: str = BOTH, name: str = "spec.yaml") -> Recording:
    return record(write_spec(tmp_path, SPEC.format(existing=str(existing).lower(), secrets=secrets), name), stack="qa")


@pytest.mark.parametrize("existing", [False, True], ids=["vault-of-the-stack", "existing-vault"])
def test_every_secret_the_stack_writes_is_kept_in_azure_on_delete(tmp_path: Path, existing: bool) -> None:
    rec = _plan(tmp_path, existing=existing)
    secrets = {r.inputs["secretName"]: r.options for r in rec.by_type(SECRET)}
    # the spec's secrets and the Entra app's client secret alike
    assert set(secrets) == {"api-key", "spare-key", "orders-client-secret"}
    assert all(o.get("retainOnDelete") is True for o in secrets.values()), secrets
    # and nothing grants a data-plane delete: there is none to make
    roles = {str(r.inputs["roleDefinitionId"]).rsplit("/", 1)[-1] for r in rec.by_type("azure-native:authorization:RoleAssignment")}
    assert arm.KEY_VAULT_SECRETS_OFFICER not in roles
    assert roles == {arm.KEY_VAULT_SECRETS_USER}


def test_the_plan_says_a_secret_is_kept_in_azure_on_delete(tmp_path: Path) -> None:
    rec = _plan(tmp_path)
    table = plan.to_table(rec).splitlines()
    assert "        + keyvault:Secret                              kv-apis-qa/api-key  (secretName=api-key, kept in Azure on delete)" in table
    assert "| `keyvault:Secret` | `kv-apis-qa/api-key` | secretName=api-key, kept in Azure on delete |" in plan.to_markdown(rec).splitlines()
    resources = {r["name"]: r for r in json.loads(plan.dumps(rec))["resources"]}
    assert resources["kv-apis-qa/api-key"]["onDelete"] == "kept in Azure on delete"
    assert resources["kv-apis-qa/api-key"]["options"]["retainOnDelete"] is True
    assert "onDelete" not in resources["kv-apis-qa"]  # the vault itself is deleted by a destroy


def test_dropping_a_secret_from_the_spec_keeps_it_and_says_how_to_use_or_remove_it(tmp_path: Path) -> None:
    d = diff.diff(_plan(tmp_path), _plan(tmp_path, secrets=ONE, name="head.yaml"))
    (entry,) = d.entries
    assert (entry.action, entry.resource.name) == ("retain", "kv-apis-qa/spare-key")
    assert entry.notes == [
        "dropped from the stack; Pulumi leaves it in Azure (retainOnDelete)",
        "the secret stays in vault kv-apis-qa with its value: to use it again, list it in the spec with `existing: true` "
        "(a `fromConfig` entry of the same name would meet it as already existing); to remove it for good: "
        "az keyvault secret delete --vault-name kv-apis-qa --name spare-key, then "
        "az keyvault secret purge --vault-name kv-apis-qa --name spare-key (refused under purge protection: the name is then free at the end of the retention)",
    ]
    assert d.summary() == "0 to replace, 0 to delete in Azure, 0 to create, 0 to update in place, 1 to drop from the stack but keep in Azure"
