"""Check 2: the resource providers the stack uses are registered in the subscription, and API
Center is offered in the spec's location. azure-native never registers a provider itself."""

from __future__ import annotations

from functools import partial
from typing import Any

from apic_access.azure import arm, tenant

from .context import Context
from .report import ERROR, OK, WARNING


def namespaces(ctx: Context) -> list[str]:
    """The providers whose resource types the stack writes."""
    out = [arm.NAMESPACE]
    if ctx.spec.key_vault:
        out.append(tenant.KEY_VAULT_NAMESPACE)
    if any(ua.name for ua in ctx.spec.api_center.user_assigned):
        out.append(tenant.MANAGED_IDENTITY_NAMESPACE)
    return out


def check(ctx: Context) -> None:
    for namespace in namespaces(ctx):
        ctx.attempt("providers", f"resource provider {namespace}", partial(_provider, ctx, namespace))


def _provider(ctx: Context, namespace: str) -> None:
    found = ctx.live.arm.get(tenant.provider_path(ctx.subscription, namespace), tenant.RESOURCES_API_VERSION, what=f"reading resource provider {namespace}") or {}
    state = str(found.get("registrationState") or "NotRegistered")
    register = f"`az provider register --namespace {namespace} --subscription {ctx.subscription}` (needs Contributor or Owner on the subscription)"
    if state.lower() == "registered":
        ctx.report.add("providers", OK, f"{namespace} is registered")
    elif state.lower() == "registering":
        ctx.report.add("providers", WARNING, f"{namespace} is still registering", f"wait until `az provider show --namespace {namespace}` says Registered")
    else:
        ctx.report.add(
            "providers", ERROR, f"resource provider {namespace} is not registered in subscription {ctx.subscription} ({state})", f"register it: {register}"
        )
    if namespace == arm.NAMESPACE:
        _location(ctx, found)


def _location(ctx: Context, provider: dict[str, Any]) -> None:
    location = ctx.spec.api_center.location
    services = next((t for t in provider.get("resourceTypes") or () if str(t.get("resourceType", "")).lower() == "services"), None)
    if services is None:
        return  # the provider did not say: nothing to compare with
    offered = [str(loc) for loc in services.get("locations") or ()]
    if tenant.location_key(location) in {tenant.location_key(loc) for loc in offered}:
        ctx.report.add("providers", OK, f"API Center is offered in {location}")
    else:
        ctx.report.add(
            "providers",
            ERROR,
            f"API Center is not offered in location {location} (apiCenter.location)",
            f"pick one of {', '.join(sorted(tenant.location_key(loc) for loc in offered))}",
        )
