"""Checks that need more than the spec, run by `validate` (and before every plan) with no
credentials: the stack's settings, sharding, and the bundled policy pack's rules.

- **Sharding.** Every stack of a sharded setup reads one spec and must name the same API
  center, so a sharded stack whose service, vault or app names use `${stack}` is refused
  (each shard would name its own API center, and the platform guard would stop `pulumi up`).
  A shard that selects no API is a warning.
- **Policy.** Whatever the pack in `apic_access/policy/` (`apic-access policy-pack`) would block at `pulumi preview` is reported
  here first, in the pack's own words (its validators are run on the inputs the program
  will send; `tests/apic_access/test_preflight.py` runs every policy on real plans and
  checks both agree).
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from apic_access.components.shard import Shard, ShardError
from apic_access.config.errors import Mark, PathMark, Problem, SpecError, did_you_mean
from apic_access.config.model import Spec
from apic_access.config.positions import Locator
from apic_access.config.project import outside
from apic_access.config.resolve import load_chain
from apic_access.config.spec import Loaded, load_spec

from .packaged import POLICY_PACK
from .stacks import NAMESPACE, StackFile

# spec paths whose value names what every stack of a sharded setup shares
SHARED_NAMES = (("apiCenter", "name"), ("apiCenter", "resourceGroup"), ("keyVault", "name"), ("keyVault", "resourceGroup"))
SHARED_APP_NAMES = ("displayName", "identifierUri")


def _node(raw: Any, path: tuple[str, ...]) -> tuple[dict[str, Any] | None, str]:
    node = raw
    for part in path[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
    return (node if isinstance(node, dict) else None), path[-1]


def _raw(spec_file: Path) -> tuple[Any, Locator]:
    """The spec as written (the extends chain merged, before interpolation), and where its nodes stand."""
    raw, sources, _ = load_chain(spec_file)
    return raw, Locator(sources)


def shard_problems(spec_file: Path, spec: Spec, sf: StackFile) -> list[Problem]:
    """A sharded stack's spec names one API center for every stack, and its shard selects APIs."""
    text = sf.setting("shard")
    if text is None:
        return []
    try:
        shard = Shard.parse(text)
    except ShardError:
        return []  # reported with the stack file's other problems
    problems: list[Problem] = []
    if shard.kind != "all":
        raw, locator = _raw(spec_file)  # before interpolation: where ${stack} is written
        paths: list[tuple[str, ...]] = list(SHARED_NAMES)
        apps = raw.get("entraApps") if isinstance(raw, dict) else None
        for app in apps if isinstance(apps, dict) else {}:
            paths += [("entraApps", app, key) for key in SHARED_APP_NAMES]
        for path in paths:
            owner, key = _node(raw, path)
            value = owner.get(key) if owner is not None else None
            if isinstance(value, str) and "${stack}" in value:
                stack = spec.stack
                problems.append(
                    Problem(
                        locator.mark(PathMark("", 0, 0, path)),
                        ".".join(path),
                        f"'{value}' depends on ${{stack}}, but stack '{stack}' is a shard ({NAMESPACE}:shard: {text} in {sf.path.name}): "
                        f"every stack of a sharded setup reads this spec and must name the same resources, so each shard would name its own; "
                        f"write a fixed name (for example '{value.replace('${stack}', 'prod')}') in the spec the sharded stacks read",
                    )
                )
    if shard.kind in ("tag", "prefix") and not any(shard.owns(a) for a in spec.apis.values()):
        if shard.kind == "tag":
            tags = sorted({t for a in spec.apis.values() for t in a.tags})
            hint = did_you_mean(shard.value, tags) + (f": the spec's tags are {', '.join(tags)}" if tags else ": no API of the spec has `tags`")
        else:
            hint = did_you_mean(shard.value, list(spec.apis)) + f": the spec's APIs are {', '.join(sorted(spec.apis)) or 'none'}"
        problems.append(
            Problem(sf.mark("shard"), sf.where("shard"), f"shard '{text}' selects no API of {spec_file.name}{hint}; fix the shard or tag the APIs", "warning")
        )
    return problems


@cache
def policy_validators() -> ModuleType | None:
    """The bundled pack's validators.py, loaded by path (the pack is a folder Pulumi runs, not a package)."""
    path = POLICY_PACK / "validators.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("apic_access_policy_validators", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def vault_inputs(spec: Spec) -> dict[str, Any] | None:
    """The Key Vault inputs the program sends (components/key_vault.py), as the policy pack sees them."""
    kv = spec.key_vault
    if kv is None or kv.existing:
        return None  # an existing vault is not registered: the pack never sees it
    return {
        "properties": {
            "enableRbacAuthorization": True,
            # the program leaves it unset when off: ARM rejects `false`
            "enablePurgeProtection": True if kv.purge_protection else None,
            "publicNetworkAccess": kv.public_network_access,
        }
    }


def policy_problems(spec_file: Path, spec: Spec) -> list[Problem]:
    """What the bundled policy pack would block, as warnings in its own words, at the spec's line."""
    validators = policy_validators()
    inputs = vault_inputs(spec)
    if validators is None or inputs is None:
        return []
    messages = validators.key_vault(validators.KEY_VAULT, inputs)
    if not messages:
        return []
    raw, locator = _raw(spec_file)
    vault = raw.get("keyVault") if isinstance(raw, dict) else None
    if isinstance(vault, dict) and "purgeProtection" in vault:
        mark, where = locator.mark(PathMark("", 0, 0, ("keyVault", "purgeProtection"))), "keyVault.purgeProtection"
    elif isinstance(vault, dict):
        mark, where = locator.mark(PathMark("", 0, 0, ("keyVault",), True)), "keyVault"
    else:
        mark, where = Mark(str(spec_file), 1, 1), "keyVault"
    return [
        Problem(mark, where, f"the bundled policy pack (`apic-access policy-pack`, key-vault-rbac-purge-protection) blocks this at `pulumi preview`: {m}", "warning")
        for m in messages
    ]


def check(path: Path, stack: str, sf: StackFile, project_dir: Path | None = None) -> tuple[Loaded | None, list[Problem]]:
    """The spec at `path` for `stack`, with its stack file, sharding and policy checks.

    Returns the loaded spec (None when it has errors) and every problem and warning, in
    file order. The stack file is judged first: a spec path it names that does not exist
    is its problem, not the spec's.
    """
    from .stacks import check_stack_file, project_folder

    if sf.problems:
        return None, list(sf.problems)
    loaded: Loaded | None = None
    problems: list[Problem] = []
    configured = sf.setting("spec")
    target = None if configured is None else (Path(configured) if Path(configured).is_absolute() else (project_dir or project_folder()) / configured)
    base = project_dir or project_folder()
    # the stack's own spec path outside the project (a pull request may edit the stack file): never read
    escapes = configured is not None and target is not None and path.resolve() == target.resolve() and outside(configured, base, base.resolve()) is not None
    # the stack's own spec path, missing: the stack file's problem, reported below
    if not escapes and (path.is_file() or target is None or path.resolve() != target.resolve()):
        try:
            loaded = load_spec(path, stack=stack)
        except SpecError as exc:
            problems += exc.problems
    stack_problems = check_stack_file(sf, secrets=loaded.spec.config_secrets if loaded else None, project_dir=project_dir)
    problems += stack_problems
    if loaded is not None:
        problems += loaded.warnings
        problems += shard_problems(path, loaded.spec, sf)
        problems += policy_problems(path, loaded.spec)
        if any(p.severity == "error" for p in problems):
            loaded = None
    return loaded, sorted(problems, key=lambda p: (p.mark, p.path))
