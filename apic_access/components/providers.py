"""Explicit azure-native providers for resources that live in another subscription.

An explicit provider does not read the stack's `azure-native:*` config (only its own arguments
and the ARM_* environment), so the settings the default provider would use are passed on: the
same identity signs in, only the subscription differs.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_azure_native as azure_native

# azure-native config keys (camelCase, as in Pulumi.<stack>.yaml) -> Provider arguments
_PLAIN = {
    "clientId": "client_id",
    "tenantId": "tenant_id",
    "environment": "environment",
    "location": "location",
    "metadataHost": "metadata_host",
    "msiEndpoint": "msi_endpoint",
    "clientCertificatePath": "client_certificate_path",
    "oidcRequestUrl": "oidc_request_url",
    "oidcTokenFilePath": "oidc_token_file_path",
    "partnerId": "partner_id",
}
_SECRET = {
    "clientSecret": "client_secret",
    "clientCertificatePassword": "client_certificate_password",
    "oidcToken": "oidc_token",
    "oidcRequestToken": "oidc_request_token",
}
_FLAGS = {
    "useMsi": "use_msi",
    "useOidc": "use_oidc",
    "useDefaultAzureCredential": "use_default_azure_credential",
    "disableInstanceDiscovery": "disable_instance_discovery",
    "disablePulumiPartnerId": "disable_pulumi_partner_id",
}

def in_subscription(subscription_id: str, parent: pulumi.Resource) -> azure_native.Provider:
    """A provider for `subscription_id` that signs in as the default provider does."""
    config = pulumi.Config("azure-native")
    args: dict[str, Any] = {"subscription_id": subscription_id}
    for key, arg in _PLAIN.items():
        if config.get(key):
            args[arg] = config.get(key)
    for key, arg in _SECRET.items():
        secret = config.get_secret(key)
        if secret is not None:
            args[arg] = secret
    for key, arg in _FLAGS.items():
        flag = config.get_bool(key)
        if flag is not None:
            args[arg] = flag
    return azure_native.Provider(f"subscription-{subscription_id.lower()}", opts=pulumi.ResourceOptions(parent=parent), **args)
