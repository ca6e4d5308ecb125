"""Runs every check of doctor, in one pass, and returns the report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pulumi

from apic_access import revisions
from apic_access.config.errors import display_path
from apic_access.errors import CommandError
from apic_access.live import Live, token_claims
from apic_access.recorded import checked
from apic_access.recorder import record
from apic_access.stacks import stack_config

from . import budget, entra, names, providers, rights
from .context import Context
from .report import Report


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
    names.check(ctx)
    providers.check(ctx)
    rights.check(ctx)  # after names: it checks at the scopes that exist
    entra.check_permissions(ctx)
    ctx.attempt("principals", "the principals in Entra", lambda: entra.check_principals(ctx))
    budget.check_existing_secrets(ctx)
    budget.check_budget(ctx)
    return report
