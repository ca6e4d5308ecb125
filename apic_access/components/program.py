"""What `pulumi up` runs (through __main__.py) and what the offline plan records."""

from __future__ import annotations

import pulumi

from apic_access.config import per_command
from apic_access.config.errors import SpecError
from apic_access.config.spec import load_spec

from . import gc_tuning
from .setup import ApiCenterAccess
from .shard import Shard, ShardError


def run() -> ApiCenterAccess:
    # one command: the spec and every definition file are read and checked once, and the
    # imports reuse what the checks read
    with per_command.scope():
        return _run()


def _run() -> ApiCenterAccess:
    gc_tuning.tune()
    config = pulumi.Config("apic-access")
    stack = pulumi.get_stack()
    path = config.get("spec") or f"config/{stack}.yaml"
    try:
        loaded = load_spec(path, stack=stack, project=pulumi.get_project())
    except SpecError as exc:
        # RunError: Pulumi prints the message without a traceback, and nothing is sent to Azure
        raise pulumi.RunError(f"the spec has problems; nothing was changed:\n{exc}") from None
    for warning in loaded.warnings:
        pulumi.log.warn(str(warning))
    missing = [key for key in loaded.spec.config_secrets if config.get_secret(key) is None]
    if missing:
        sets = "\n".join(f"  pulumi config set --secret apic-access:{key} <value>" for key in missing)
        raise pulumi.RunError(f"secret config missing for stack '{stack}'; set it with:\n{sets}")
    try:
        shard = Shard.parse(config.get("shard"))
    except ShardError as exc:
        raise pulumi.RunError(str(exc)) from None
    setup = ApiCenterAccess("apic-access", loaded.spec, shard=shard, platform_stack=config.get("platformStack"), adopt=config.get_bool("adopt") or False)
    for key, value in setup.outputs.items():
        pulumi.export(key, value)
    return setup
