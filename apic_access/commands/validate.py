"""`apic-access validate`: each spec, with the stack's Pulumi.<stack>.yaml, sharding and the policy pack's rules."""

from __future__ import annotations

import argparse
import sys

from apic_access import options, preflight
from apic_access.config.errors import Problem, display_path, plural
from apic_access.config.grants import budget
from apic_access.stacks import read_stack_file


def add_arguments(v: argparse.ArgumentParser) -> None:
    options.stack(v)
    v.add_argument("spec", nargs="*", help=f"spec files (default: {options.SPEC_DEFAULT})")
    v.add_argument("--strict", action="store_true", help="treat warnings as errors, exit 1 (default: warnings are printed, exit 0)")
    options.formats(v, {"text": "FILE:LINE:COL: PATH: MESSAGE", "github": "workflow annotations on the pull request"}, "text")


def run(args: argparse.Namespace) -> int:
    """Each spec, with the stack's Pulumi.<stack>.yaml, sharding and the policy pack's rules."""
    status = 0
    sf = read_stack_file(args.stack)
    shown: set[str] = set()
    for path in options.spec_paths(args):
        loaded, problems = preflight.check(path, args.stack, sf)
        if args.format == "github":  # GitHub shows the first 10 annotations of a level per step
            problems = sorted(problems, key=lambda p: (p.severity != "error", p.stands_for == 1))
        for problem in problems:
            if str(problem) not in shown:  # a stack file problem is the same for every spec
                shown.add(str(problem))
                print(_github(problem) if args.format == "github" else problem)
        if loaded is None:
            errors = sum(p.severity == "error" for p in problems)
            files = {p.mark.file for p in problems if p.severity == "error"}
            where = sf.path if files == {str(sf.path)} else path  # the file to fix
            print(f"{display_path(str(where))}: {plural(errors, 'error')}", file=sys.stderr)
            status = 1
            continue
        s = loaded.spec
        versions = sum(len(a.versions) for a in s.apis.values())
        bindings = sum(len(v.access) for a in s.apis.values() for v in a.versions.values())
        warnings = sum(p.stands_for for p in problems if p.severity == "warning")
        if warnings and args.strict:
            print(f"{display_path(str(path))}: {plural(warnings, 'warning')}, an error each with --strict", file=sys.stderr)
            status = 1
            continue
        b = budget(s)
        print(
            f"{display_path(str(path))}: valid (stack {args.stack}): API center {s.api_center.name}, "
            f"{plural(len(s.auth_configs), 'auth config')}, {plural(len(s.apis), 'API')}, {plural(versions, 'version')}, {plural(bindings, 'binding')}, "
            f"{b.total:,} role assignments of a budget of {b.limit:,} ({b.managed_groups:,} managed groups), "
            f"{plural(warnings, 'warning')}",
            file=sys.stderr,
        )
    return status


def _github(problem: Problem) -> str:
    """A GitHub Actions workflow command: the problem as an annotation on the pull request's file."""

    def escape(text: str, *, prop: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if prop else text

    level = "warning" if problem.severity == "warning" else "error"
    where = f"file={escape(display_path(problem.mark.file), prop=True)},line={problem.mark.line},col={problem.mark.col}"
    return f"::{level} {where},title={escape(problem.path or 'spec', prop=True)}::{escape(problem.text)}"
