"""Runs every check of doctor, in one pass, and returns the report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pulumi

from apic_access import revisions
from apic_access.azure import arm
from apic_access.azure.client import AzureError
from apic_access.config.errors import display_path
from apic_access.errors import CommandError
from apic_access.live import Live, token_claims
from apic_access.recorded import checked
from apic_access.recorder import record
from apic_access.stacks import stack_config

from . import budget, entra, names, providers, rights
from .context import Context
from .report import ERROR, Report


def doctor(spec_path: Path, *, stack: str, subscription: str, connect: Callable[[str, str], Live] | None = None) -> Report:
    """What in the subscription and the tenant would stop `pulumi up` for this stack's spec.

    The spec is validated as `validate` does, and the program recorded offline, before any call
    to Azure (CommandError, exit 1, on a spec problem). Then every check runs, read-only;
    AzureError escapes only when Azure cannot be reached or signed in to."""
    loaded, sf = checked(spec_path, stack)
    config = {f"apic-access:{k}": v for k in revisions.RECORDED if (v := sf.setting(k)) is not None}
    try:
        rec = record(spec_path, stack=stack, config=config, subscription=subscription)
    except pulumi.RunError as exc:
        raise CommandError(f"{display_path(str(spec_path))}: stack '{stack}': {exc}") from None
    report = Report(stack=stack, spec=display_path(str(spec_path)), subscription=subscription)
    budget.check_secrets(report, loaded.spec, stack, stack_config(stack))

    live = connect(subscription, stack) if connect else Live.connect(subscription, stack=stack)
    ctx = Context(spec=loaded.spec, rec=rec, live=live, report=report, stack=stack, graph_claims=token_claims(live.graph.token()))
    _subscription(ctx)
    names.check(ctx)
    providers.check(ctx)
    rights.check(ctx)  # after names: it checks at the scopes that exist
    ctx.attempt("graph", "the Graph permissions", lambda: entra.check_permissions(ctx))
    ctx.attempt("principals", "the principals in Entra", lambda: entra.check_principals(ctx))
    budget.check_existing_secrets(ctx)
    budget.check_budget(ctx)
    return report


def _subscription(ctx: Context) -> None:
    """A mistyped subscription, or one the identity has no role on, is named first: the checks
    after it then say what they could not read."""
    why = "does not exist"
    try:
        found = ctx.live.arm.get(ctx.subscription_scope, arm.SUBSCRIPTION_API_VERSION, what=f"reading subscription {ctx.subscription}")
    except AzureError as exc:
        if exc.status is None or exc.status == 401:
            raise
        found, why = None, f"cannot be read ({exc})"
    if found is not None:
        return
    ctx.report.add(
        "names",
        ERROR,
        f"subscription {ctx.subscription} {why} for the identity running doctor",
        "check --subscription / ARM_SUBSCRIPTION_ID / azure-native:subscriptionId, and give the identity at least Reader on the subscription",
    )
