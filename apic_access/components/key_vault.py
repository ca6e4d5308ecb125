"""The Key Vault (RBAC model) and the secrets whose values come from secret config."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_azure_native as azure_native

from apic_access.azure import arm

from .context import Context, child


class KeyVault(pulumi.ComponentResource):
    """A vault in RBAC mode (or a reference to an existing one) and its `fromConfig` secrets.

    Secret values are read with `require_secret`, so they are encrypted in state and
    masked in every output; `existing: true` secrets are only referenced. Every secret the
    stack writes is kept in Azure on delete (`retain_on_delete`), see `store`.
    """

    def __init__(self, name: str, ctx: Context, depends_on: Sequence[pulumi.Resource | None], opts: pulumi.ResourceOptions | None = None):
        super().__init__("apic-access:index:KeyVault", name, None, opts)
        kv = ctx.spec.key_vault
        assert kv is not None
        self.vault_id = arm.vault_id(ctx.subscription_id, kv.resource_group, kv.name)
        self.uri = kv.uri
        self.vault: azure_native.keyvault.Vault | None = None
        if not kv.existing:
            self.vault = azure_native.keyvault.Vault(
                kv.name,
                vault_name=kv.name,
                resource_group_name=kv.resource_group,
                location=ctx.spec.api_center.location,
                properties=azure_native.keyvault.VaultPropertiesArgs(
                    tenant_id=ctx.tenant_id,
                    sku=azure_native.keyvault.SkuArgs(family=azure_native.keyvault.SkuFamily.A, name=azure_native.keyvault.SkuName(kv.sku)),
                    enable_rbac_authorization=True,
                    enable_soft_delete=True,
                    soft_delete_retention_in_days=kv.soft_delete_retention_days,
                    # ARM rejects `false`: purge protection can only be left unset or turned on
                    enable_purge_protection=True if kv.purge_protection else None,
                    public_network_access=kv.public_network_access,
                ),
                tags=ctx.tags,
                opts=child(self, depends_on=depends_on, protect=ctx.protect()),
            )
        config = pulumi.Config("apic-access")
        self.secrets: dict[str, azure_native.keyvault.Secret] = {}
        for secret in kv.secrets.values():
            if secret.from_config:
                before = ctx.spec.previous_names("keyVault.secrets", secret.name)
                self.secrets[secret.name] = self.store(secret.name, config.require_secret(secret.from_config), ctx, secret.content_type, previous=before)
        self.register_outputs({"vaultUri": self.uri})

    def store(
        self,
        secret_name: str,
        value: pulumi.Input[str],
        ctx: Context,
        content_type: str | None = None,
        parent: pulumi.Resource | None = None,
        previous: list[str] | None = None,
    ) -> azure_native.keyvault.Secret:
        """Write a secret into this vault (also used for Entra client secrets). `previous`: the
        secret's names before a rename (`moved:`); Azure has no rename, so Pulumi replaces it."""
        kv = ctx.spec.key_vault
        assert kv is not None
        secret = azure_native.keyvault.Secret(
            f"{kv.name}/{secret_name}",
            secret_name=secret_name,
            vault_name=kv.name,
            resource_group_name=kv.resource_group,
            properties=azure_native.keyvault.SecretPropertiesArgs(value=pulumi.Output.secret(value), content_type=content_type),
            tags=ctx.tags,
            # Kept in Azure when Pulumi lets go of it (a destroy, or the secret dropped from the
            # spec): azure-native deletes secrets on the vault's data plane, which needs Key Vault
            # Secrets Officer and a reachable vault, and leaves the name soft-deleted so that it
            # cannot be set again. Retained, nothing is lost and nothing blocks; a vault this stack
            # deletes takes its secrets along into soft-delete. docs/permissions.md says how to
            # remove one for good or take it back into a stack.
            opts=child(
                parent or self,
                depends_on=[self.vault],
                additional_secret_outputs=["properties"],
                retain_on_delete=True,
                aliases=[pulumi.Alias(name=f"{kv.name}/{old}") for old in previous or ()] or None,
            ),
        )
        self.secrets[secret_name] = secret
        return secret
