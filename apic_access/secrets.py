"""`apic-access secrets`: which secret config a stack still needs before `pulumi up`.

The spec names its secrets (`keyVault.secrets.*.fromConfig`); their values live in the stack's
config, encrypted (`pulumi config set --secret`). This reads only whether each key is there
and encrypted, never a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apic_access.config.model import Spec

from .stacks import NAMESPACE


@dataclass(frozen=True)
class SecretStatus:
    key: str
    state: str  # "set" | "missing" | "plain" (set, but not as a secret)


def statuses(spec: Spec, stack_config: dict[str, Any]) -> list[SecretStatus]:
    out = []
    for key in sorted(set(spec.config_secrets)):
        value = stack_config.get(f"{NAMESPACE}:{key}")
        if value is None:
            out.append(SecretStatus(key, "missing"))
        elif isinstance(value, dict) and "secure" in value:
            out.append(SecretStatus(key, "set"))
        else:
            out.append(SecretStatus(key, "plain"))
    return out


def report(stack: str, found: list[SecretStatus]) -> tuple[str, int]:
    """The text to print and the exit code: 0 when every secret is set, 1 otherwise."""
    todo = [s for s in found if s.state != "set"]
    if not found:
        return f"stack {stack}: the spec reads no secret config\n", 0
    if not todo:
        return f"stack {stack}: all {len(found)} secret config value{'s' if len(found) != 1 else ''} set\n", 0
    lines = [f"stack {stack}: {len(todo)} of {len(found)} secret config value{'s' if len(found) != 1 else ''} to set:"]
    for s in todo:
        why = "  # set in plain text: set it again as a secret" if s.state == "plain" else ""
        lines.append(f"  pulumi config set --secret --stack {stack} {NAMESPACE}:{s.key} <value>{why}")
    return "\n".join(lines) + "\n", 1
