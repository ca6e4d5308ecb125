"""`apic-access validate`: each spec, with the stack's Pulumi.<stack>.yaml, sharding and the policy pack's rules."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apic_access import options, preflight
from apic_access.config.errors import Problem, did_you_mean, display_path, plural
from apic_access.config.grants import budget
from apic_access.errors import CommandError
from apic_access.stacks import StackFile, read_stack_file, spec_path

FORMATS = {
    "text": "FILE:LINE:COL: PATH: MESSAGE",
    "github": "workflow annotations on the pull request",
    "json": "one document: each spec's result and problems, for tools",
    "sarif": "SARIF 2.1.0, for GitHub code scanning (github/codeql-action/upload-sarif)",
}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def add_arguments(v: argparse.ArgumentParser) -> None:
    v.add_argument(
        "--stack",
        default=None,
        help="stack name: picks the spec and ${stack} (default: for a spec given, the stack whose Pulumi.<stack>.yaml names it; else dev)",
    )
    v.add_argument("spec", nargs="*", help=f"spec files (default: {options.SPEC_DEFAULT})")
    v.add_argument("--strict", action="store_true", help="treat warnings as errors, exit 1 (default: warnings are printed, exit 0)")
    options.formats(v, FORMATS, "text")
    options.output(v, "the json or sarif document")


@dataclass
class Result:
    """One spec validated for one stack."""

    spec: Path
    stack: str
    problems: list[Problem]
    valid: bool = False
    summary: dict[str, Any] = field(default_factory=dict)


def run(args: argparse.Namespace) -> int:
    """Each spec, with the stack's Pulumi.<stack>.yaml, sharding and the policy pack's rules."""
    results = [_validate(path, stack, args.strict) for path, stack in _targets(args)]
    status = 0 if all(r.valid for r in results) else 1
    if args.format in ("json", "sarif"):
        document = _json(results, args.strict) if args.format == "json" else _sarif(results, args.strict)
        options.write(json.dumps(document, indent=2) + "\n", args.output)
        return status
    shown: set[str] = set()
    for r in results:
        problems = r.problems
        if args.format == "github":  # GitHub shows the first 10 annotations of a level per step
            problems = sorted(problems, key=lambda p: (_level(p, args.strict) != "error", p.stands_for == 1))
        for problem in problems:
            if str(problem) not in shown:  # a stack file problem is the same for every spec
                shown.add(str(problem))
                print(_github(problem, args.strict) if args.format == "github" else problem)
        print(_closing_line(r, args.strict), file=sys.stderr)
    return status


def _targets(args: argparse.Namespace) -> list[tuple[Path, str]]:
    """(spec, stack) pairs: `--stack` for every spec when given; else each spec with the stack
    whose Pulumi.<stack>.yaml names it (each such stack when several do), dev when none does."""
    if args.stack is not None:
        given = [Path(s) for s in args.spec]
        if not given:
            _known_stack(args.stack)
        return [(p, args.stack) for p in (given or [spec_path(args.stack)])]
    if not args.spec:
        return [(spec_path("dev"), "dev")]
    named = _stacks_naming_specs()
    out: list[tuple[Path, str]] = []
    for s in args.spec:
        stacks = named.get(Path(s).resolve(), ["dev"])
        out += [(Path(s), stack) for stack in stacks]
    return out


def _stacks_naming_specs() -> dict[Path, list[str]]:
    """Each spec a stack file of the project names -> those stacks, by name."""
    from apic_access.stacks import project_folder

    named: dict[Path, list[str]] = {}
    for stack in _stack_names(project_folder()):
        named.setdefault(spec_path(stack).resolve(), []).append(stack)
    return named


def _stack_names(project: Path) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project.glob("Pulumi.*.yaml") if p.is_file())


def _known_stack(stack: str) -> None:
    """`--stack stagin`: neither a stack file nor the default spec exists, so name the stacks there are."""
    from apic_access.stacks import project_folder, stack_file_path

    if stack_file_path(stack).is_file() or spec_path(stack).is_file():
        return
    known = _stack_names(project_folder())
    if not known:
        return  # no stack files at all: the missing spec says what to do
    raise CommandError(
        f"apic-access validate: no stack '{stack}' here: neither Pulumi.{stack}.yaml nor {display_path(str(spec_path(stack)))} exists; "
        f"the stacks are {', '.join(known)}{did_you_mean(stack, known)}",
        2,
    )


def _validate(path: Path, stack: str, strict: bool) -> Result:
    sf: StackFile = read_stack_file(stack)
    loaded, problems = preflight.check(path, stack, sf)
    result = Result(path, stack, problems)
    if loaded is None:
        files = {p.mark.file for p in problems if p.severity == "error"}
        result.summary = {"file": str(sf.path) if files == {str(sf.path)} else str(path)}  # the file to fix
        return result
    s = loaded.spec
    b = budget(s)
    result.summary = {
        "apiCenter": s.api_center.name,
        "authConfigs": len(s.auth_configs),
        "apis": len(s.apis),
        "versions": sum(len(a.versions) for a in s.apis.values()),
        "bindings": sum(len(v.access) for a in s.apis.values() for v in a.versions.values()),
        "roleAssignments": b.total,
        "roleAssignmentBudget": b.limit,
        "managedGroups": b.managed_groups,
    }
    result.valid = not (strict and _warnings(result))
    return result


def _warnings(r: Result) -> int:
    return sum(p.stands_for for p in r.problems if p.severity == "warning")


def _closing_line(r: Result, strict: bool) -> str:
    if "apiCenter" not in r.summary:
        errors = sum(p.severity == "error" for p in r.problems)
        return f"{display_path(r.summary['file'])}: {plural(errors, 'error')}"
    warnings = _warnings(r)
    if not r.valid:
        each = "an error with --strict" if warnings == 1 else "each an error with --strict"
        return f"{display_path(str(r.spec))}: {plural(warnings, 'warning')}, {each}"
    s = r.summary
    return (
        f"{display_path(str(r.spec))}: valid (stack {r.stack}): API center {s['apiCenter']}, "
        f"{plural(s['authConfigs'], 'auth config')}, {plural(s['apis'], 'API')}, {plural(s['versions'], 'version')}, {plural(s['bindings'], 'binding')}, "
        f"{s['roleAssignments']:,} role assignments of a budget of {s['roleAssignmentBudget']:,} ({plural(s['managedGroups'], 'managed group')}), "
        f"{plural(warnings, 'warning')}"
    )


def _level(problem: Problem, strict: bool) -> str:
    """A warning fails the job under --strict: it is annotated as the error it then is."""
    return "warning" if problem.severity == "warning" and not strict else "error"


def _github(problem: Problem, strict: bool) -> str:
    """A GitHub Actions workflow command: the problem as an annotation on the pull request's file."""

    def escape(text: str, *, prop: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if prop else text

    where = f"file={escape(display_path(problem.mark.file), prop=True)},line={problem.mark.line},col={problem.mark.col}"
    return f"::{_level(problem, strict)} {where},title={escape(problem.path or 'spec', prop=True)}::{escape(problem.text)}"


def _problem_json(problem: Problem, strict: bool) -> dict[str, Any]:
    return {
        "file": display_path(problem.mark.file),
        "line": problem.mark.line,
        "col": problem.mark.col,
        "path": problem.path,
        "severity": problem.severity,
        "level": _level(problem, strict),
        "message": problem.text,
        "count": problem.stands_for,
    }


def _json(results: list[Result], strict: bool) -> dict[str, Any]:
    return {
        "valid": all(r.valid for r in results),
        "strict": strict,
        "specs": [
            {
                "spec": display_path(str(r.spec)),
                "stack": r.stack,
                "valid": r.valid,
                "errors": sum(p.severity == "error" for p in r.problems),
                "warnings": _warnings(r),
                "summary": {k: v for k, v in r.summary.items() if k != "file"},
                "problems": [_problem_json(p, strict) for p in r.problems],
            }
            for r in results
        ],
    }


def _sarif(results: list[Result], strict: bool) -> dict[str, Any]:
    """SARIF 2.1.0: one run, a result per problem at its file:line:col, relative to the
    repository (GitHub code scanning shows them on the spec's lines)."""
    from apic_access.cli import version

    rules = {"spec-error": "A spec problem that stops `pulumi up`", "spec-warning": "A spec problem worth fixing before `pulumi up`"}
    seen: set[tuple[str, int, int, str]] = set()
    out: list[dict[str, Any]] = []
    for r in results:
        for p in r.problems:
            key = (p.mark.file, p.mark.line, p.mark.col, p.text)
            if key in seen:  # a stack file problem is the same for every spec
                continue
            seen.add(key)
            out.append(
                {
                    "ruleId": "spec-error" if p.severity == "error" else "spec-warning",
                    "level": _level(p, strict),
                    "message": {"text": f"{p.path or '(top level)'}: {p.text}"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": Path(display_path(p.mark.file)).as_posix()},
                                "region": {"startLine": max(p.mark.line, 1), "startColumn": max(p.mark.col, 1)},
                            }
                        }
                    ],
                }
            )
    return {
        "version": "2.1.0",
        "$schema": SARIF_SCHEMA,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "apic-access",
                        "version": version(),
                        "rules": [{"id": rid, "shortDescription": {"text": text}} for rid, text in rules.items()],
                    }
                },
                "results": out,
            }
        ],
    }
