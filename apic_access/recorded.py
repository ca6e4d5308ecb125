"""A stack's spec validated like `validate`, then its program recorded: what plan, diff, graph and
import-ids start from."""

from __future__ import annotations

import sys
from pathlib import Path

import pulumi

from apic_access import preflight, revisions
from apic_access.config.errors import display_path
from apic_access.config.spec import Loaded
from apic_access.errors import CommandError
from apic_access.progress import Progress
from apic_access.recorder import Recording, record
from apic_access.stacks import StackFile, read_stack_file


def checked(path: Path, stack: str, sf: StackFile | None = None, project_dir: Path | None = None) -> tuple[Loaded, StackFile]:
    """Validate like `validate` (spec, Pulumi.<stack>.yaml, sharding, policy): errors stop
    the command with exit 1, warnings go to stderr. `sf`: the stack file to check with (default:
    the working tree's), read in `project_dir` (a revision's project folder, for `diff`)."""
    sf = sf if sf is not None else read_stack_file(stack)
    loaded, problems = preflight.check(path, stack, sf, project_dir)
    if loaded is None:
        raise CommandError("\n".join(str(p) for p in problems))
    for warning in problems:
        print(warning, file=sys.stderr)
    return loaded, sf


def recording_for(
    path: Path,
    stack: str,
    *,
    subscription: str | None = None,
    lookups: dict[str, str] | None = None,
    progress: Progress | None = None,
    phase: str = "",
    sf: StackFile | None = None,
    project_dir: Path | None = None,
) -> Recording:
    """Validate first, then record the program with the stack's non-secret settings (shard,
    platform stack) from Pulumi.<stack>.yaml. A failure the program reports (an Entra name
    that does not resolve, a platform stack naming another API center) is the user's to fix:
    exit 1 with its message, never an internal error. `progress` counts the recording as `phase`.
    `sf` / `project_dir`: another stack file than the working tree's (a revision's, for `diff`)."""
    if progress is not None:
        progress.clear()  # warnings go on lines of their own
    loaded, sf = checked(path, stack, sf, project_dir)
    config = {f"apic-access:{k}": v for k in revisions.RECORDED if (v := sf.setting(k)) is not None}
    on_register = progress.phase(phase) if progress is not None else None
    try:
        return record(path, stack=stack, config=config, subscription=subscription, lookups=lookups, on_register=on_register)
    except pulumi.RunError as exc:
        raise CommandError(f"{display_path(str(path))}: stack '{stack}': {exc}") from None
