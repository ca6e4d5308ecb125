"""Every command of `apic-access`, in the order `apic-access --help` lists them.

One module a command (`apic_access/commands/<name>.py`), with `add_arguments(parser)` and
`run(args) -> int`. A command's module is imported only when that command runs, as pip's
`commands_dict` does: `validate` never loads the Pulumi SDK, and `--help` loads no command.
Engines the commands share (recorder, revisions, the Azure client, verify's checks) sit beside
this package; Azure's facts (`apic_access.azure`) below everything.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Command:
    module: str  # under apic_access.commands
    summary: str  # one line for `apic-access --help` and `apic-access NAME --help`
    description: str | None = None  # more for `apic-access NAME --help`


# `init` first: it is what a new user runs before anything else, and `--help` reads top down.
# Then the daily loop (edit, validate, review the plan, deploy, verify), adoption and upkeep.
COMMANDS: dict[str, Command] = {
    "init": Command("init", "write a Pulumi project that runs apic-access: Pulumi.yaml, a starter spec, the editor schema, the pipelines (never replaces a file)"),
    "validate": Command("validate", "check specs; one line per problem: FILE:LINE:COL: PATH: MESSAGE"),
    "plan": Command("plan", "what `pulumi up` would create, without cloud credentials"),
    "diff": Command("diff", "resources added, removed and changed: a stack at a git revision against the working tree's (--base REV), or between two specs"),
    "graph": Command("graph", "the resource graph: dot, mermaid or svg"),
    "secrets": Command("secrets", "list the `pulumi config set --secret` commands a stack still needs (exit 1 if any)"),
    "doctor": Command(
        "doctor",
        "live and read-only, before `pulumi up`: names, providers, rights, Graph permissions, principals, secrets and budget that would stop it",
        "Exit 0: `pulumi up` can go ahead (warnings allowed); 1: something would stop it (or the spec has errors); 2: usage; "
        "3: Azure cannot be reached or signed in to. Reads need Reader on the subscription and Graph's User.ReadBasic.All, "
        "GroupMember.Read.All and Application.Read.All; run it as the identity that runs `pulumi up` to check that identity's rights. "
        "See docs/doctor.md.",
    ),
    "verify": Command("verify", "live and read-only: does Azure hold what the spec asks for, and can its principals get credentials?"),
    "access": Command("access", "live and read-only: who can read each binding's credentials, by which path (scope, role, group, PIM), and whether the spec grants it"),
    "export": Command("export", "live and read-only: write the spec (and `pulumi import` file) of an API center made by hand"),
    "import-ids": Command("import_ids", "a `pulumi import --file` document for adopting resources made by hand"),
    "stacks": Command("stacks", "list the project's stacks (Pulumi.<stack>.yaml) in deploy order, with their specs"),
    "schema": Command("schema", "print the JSON Schema of the spec, as editors read it (config/schema.json; overlays with `extends` too)"),
    "policy-pack": Command("policy_pack", "print the folder of the bundled policy pack, for `pulumi preview --policy-pack \"$(apic-access policy-pack)\"`"),
    "migrate-state": Command(
        "migrate_state",
        "move a first-release stack (generic resources:Resource) to the preview-type provider, in an exported state file",
        "Reads `pulumi stack export` output, drops the generic authConfigs/securityRequirements/portals entries (Azure is untouched), "
        "writes the result for `pulumi stack import`.",
    ),
}


def load(name: str) -> ModuleType:
    """The module of command `name` (a key of COMMANDS), imported now."""
    return importlib.import_module(f"{__name__}.{COMMANDS[name].module}")
