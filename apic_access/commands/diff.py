"""`apic-access diff`: what a change to a stack does in Azure, read from git revisions or two specs."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from apic_access import diff as diff_mod
from apic_access import diff_notes, options, revisions
from apic_access.config.spec import load_spec
from apic_access.errors import CommandError
from apic_access.progress import Progress
from apic_access.recorded import recording_for
from apic_access.recorder import Recording


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "base",
        nargs="?",
        metavar="BASE",
        help="the spec before (instead of --base): a file, REV:PATH (read with REV's Pulumi.<stack>.yaml when it has one) or REV: (the stack at REV)",
    )
    p.add_argument(
        "head", nargs="?", metavar="HEAD", help="the spec after, with BASE: a file (read with the working tree's Pulumi.<stack>.yaml), REV:PATH or REV:"
    )
    p.add_argument(
        "--base",
        dest="base_rev",
        metavar="REV",
        help="the stack before: Pulumi.<stack>.yaml at this git revision and the spec it names there, no stack file there: a new stack "
        "(default: none, BASE HEAD give two specs instead)",
    )
    p.add_argument(
        "--head",
        dest="head_rev",
        metavar="REV",
        help="the stack after, with --base (default: the working tree's Pulumi.<stack>.yaml and the spec it names; none: the stack is deleted)",
    )
    p.add_argument(
        "--stack",
        default=None,
        help="stack name: picks Pulumi.<stack>.yaml and ${stack} on both sides (default: with --base, every stack whose stack file, "
        "spec, base specs or definition files differ between the two sides, each under its own header; with BASE HEAD, dev)",
    )
    options.formats(p, {"markdown": "for a pull request comment", "json": "for tools", "text": "for a terminal"}, "markdown")
    options.output(p, "the diff")
    p.add_argument("--exit-code", action="store_true", help="exit 2 when anything changes (default: exit 0 whatever changes), for pipelines")
    options.quiet(p)


def diff_sides(args: argparse.Namespace, repo: revisions.Repository) -> tuple[revisions.Side, revisions.Side]:
    """BASE and HEAD as given: `--base REV [--head REV]` (the stack as a whole; HEAD defaults to
    the working tree's stack), or two specs (files, REV:PATH, or REV: for the stack at REV)."""
    stack = args.stack or "dev"
    if args.base_rev is not None:
        if args.base is not None:
            raise CommandError(f"diff: give either --base REV (stack '{stack}' at REV) or BASE HEAD (two specs), not both", 2)
        base = revisions.stack_at(repo, args.base_rev, stack, f"--base {args.base_rev}")
        head = revisions.stack_at(repo, args.head_rev, stack, f"--head {args.head_rev}") if args.head_rev is not None else revisions.stack_here(stack)
        if base.spec is None and head.spec is None:
            raise CommandError(f"diff: stack '{stack}' has no Pulumi.{stack}.yaml at {args.base_rev} nor {revisions.at(head)}: check --stack", 2)
        return base, head
    if args.head_rev is not None:
        raise CommandError("diff: --head REV goes with --base REV", 2)
    if args.base is None or args.head is None:
        raise CommandError(f"diff: give --base REV (stack '{stack}' at REV against the working tree's), or BASE HEAD (two specs)", 2)
    base, head = revisions.spec_side(repo, args.base, stack), revisions.spec_side(repo, args.head, stack)
    if head.spec is None and not head.whole:
        raise CommandError(f"'{args.head}' does not exist at that revision: the spec after the change must exist", 2)
    return base, head


def _diff(base_side: revisions.Side, head_side: revisions.Side, stack: str, progress: Progress, prefix: str = "") -> diff_mod.Diff:
    def recorded(side: revisions.Side, phase: str) -> Recording | None:
        if side.spec is None:
            return None
        return recording_for(side.spec, stack, progress=progress, phase=phase, sf=side.sf, project_dir=side.project)

    head = recorded(head_side, f"{prefix}head")
    base = recorded(base_side, f"{prefix}base")
    project = (head or base or Recording(project="apic-access", stack=stack)).project
    head = head or Recording(project=project, stack=stack)
    base = base or Recording(project=project, stack=stack)
    existing = diff_mod.existing_ids(load_spec(head_side.spec, stack=stack).spec) if head_side.spec is not None else None
    d = diff_mod.diff(base, head, existing)
    if head_side.whole and not head_side.sf.exists and base_side.spec is not None:
        diff_notes.left_behind(d)
    d.note = "\n".join(revisions.notes(base_side, head_side, stack)) or None
    return d


def changed_stacks(args: argparse.Namespace, repo: revisions.Repository) -> tuple[list[tuple[str, revisions.Side, revisions.Side]], list[str]]:
    """`--base REV` without `--stack`: every stack on either side, and which of them differ (their
    stack file, spec, base specs or definition files). A reviewer must never read one stack's
    "no changes" as the whole pull request's."""
    names = sorted(set(revisions.stack_names_at(repo, args.base_rev)) | set(revisions.stack_names_at(repo, args.head_rev) if args.head_rev else revisions.stack_names_here()))
    changed, same = [], []
    for name in names:
        base = revisions.stack_at(repo, args.base_rev, name, f"--base {args.base_rev}")
        head = revisions.stack_at(repo, args.head_rev, name, f"--head {args.head_rev}") if args.head_rev is not None else revisions.stack_here(name)
        if revisions.inputs_of(base) == revisions.inputs_of(head):
            same.append(name)
        else:
            changed.append((name, base, head))
    return changed, same


def run(args: argparse.Namespace) -> int:
    every = args.stack is None and args.base_rev is not None and args.base is None
    with tempfile.TemporaryDirectory() as tmp, Progress("diff", quiet=args.quiet) as progress:
        repo = revisions.Repository(Path(tmp))
        try:
            if every:
                changed, same = changed_stacks(args, repo)
            else:
                base_side, head_side = diff_sides(args, repo)
                changed, same = [(args.stack or "dev", base_side, head_side)], []
        except revisions.RevisionError as exc:
            raise CommandError(f"{exc}: give a file, REV:PATH or --base REV inside a git repository", 2) from None
        diffs = [_diff(base, head, name, progress, f"{name} " if every else "") for name, base, head in changed]
    if not every:
        text = {"json": diff_mod.to_json, "markdown": diff_mod.to_markdown, "text": diff_mod.to_text}[args.format](diffs[0])
    else:
        text = diff_mod.render_stacks(diffs, same, args.format, sides=(args.base_rev, args.head_rev or revisions.WORK_TREE))
    options.write(text, args.output)
    return 2 if args.exit_code and any(not d.empty for d in diffs) else 0
