"""Definition files (`definitions.NAME.file`): checked before anything is sent to Azure.

ARM imports a specification into an API definition with the importSpecification action
(components/definition_import.py). Whatever it would reject, or import without the
operations "Try this API" needs, is reported here with the spec's file:line:col: the
file is missing, too large, of an unknown format, does not parse, refers to other files,
or is not valid for its format (config/definitions/ says what each format must be).

Paths are relative to the spec file the `file:` key is written in (with `extends`, that
may be a base spec). The checks read the raw tree defensively, like config/checks.py.

Each file is read once per command (config/per_command.py), and judged once per content:
verdicts are kept by the content's sha256, so a file that five versions reference, or that
`validate`, `plan`'s own check and the Pulumi program each look at, is parsed and checked
once.
"""

from __future__ import annotations

import functools
import hashlib
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import per_command
from .definitions import Finding, Verdict, judge
from .errors import Mark, Problem, display_path, format_path
from .project import outside, project_root
from .schema import mark_at

# The largest inline specification we send. Microsoft documents no size limit for
# importSpecification (the API Center limits page counts APIs, versions and definitions only).
# The Azure CLI's apic extension (`az apic api definition import-specification`,
# Azure/azure-cli-extensions src/apic-extension/azext_apic_extension/custom.py) flags an
# inline value over 3 MB and tells the user to import by link instead: we use its 3 MiB.
MAX_BYTES = 3 * 1024 * 1024

# Verdicts by (sha256, extension, given format): small, so a process keeps many.
_VERDICTS: dict[tuple[str, str, str | None], Verdict] = {}
_MAX_VERDICTS = 1024


@dataclass(frozen=True)
class DefinitionFile:
    """What the model keeps of a definition file: where it is, its hash, its format."""

    path: str
    content_hash: str
    specification_name: str | None
    specification_version: str | None


@dataclass(frozen=True)
class _Content:
    data: bytes
    sha256: str


def resolve_file(definition: Any, value: str, spec_file: str) -> Path:
    """The definition file named by `value`, relative to the spec file `file:` is written in."""
    written_in = getattr(definition, "written_in", None) or spec_file  # config/resolve.py's WrittenIn
    return Path(written_in).parent / value


def read_text(path: str | Path) -> str:
    """The file's text as ARM receives it (a UTF-8 byte-order mark is dropped)."""
    return _content(Path(path)).data.decode("utf-8-sig")


def describe_file(definition: Any, value: str, spec_file: str) -> DefinitionFile:
    """Hash and format of a definition file that passed `check_definition_files`."""
    given = _given(definition)
    key = ("described", str(resolve_file(definition, value, spec_file)), str(given.get("name")), str(given.get("version")))
    return per_command.remembered(key, lambda: _describe(definition, value, spec_file))


def _describe(definition: Any, value: str, spec_file: str) -> DefinitionFile:
    path = resolve_file(definition, value, spec_file).resolve()
    content = _content(path)
    given = _given(definition)
    verdict = _verdict(content, path.suffix, given.get("name") if isinstance(given.get("name"), str) else None)
    return DefinitionFile(
        path=str(path),
        content_hash=content.sha256,
        specification_name=given.get("name") or verdict.name,
        specification_version=given.get("version") or verdict.version,
    )


def check_definition_files(root: Any, spec_file: str) -> list[Problem]:
    """Every problem with the spec's definition files, each pointing at its `file:` key."""
    problems: list[Problem] = []
    for api, aspec in _map(_map(root).get("apis")).items():
        for ver, vspec in _map(_map(aspec).get("versions")).items():
            for name, dspec in _map(_map(vspec).get("definitions")).items():
                value = _map(dspec).get("file")
                if not isinstance(value, str) or not value:
                    continue  # the schema reports it
                path = ["apis", api, "versions", ver, "definitions", name, "file"]
                if _map(dspec).get("existing") is True:
                    problems.append(
                        Problem(
                            mark_at(root, path),
                            format_path(path),
                            "is not imported: the definition has `existing: true`, so this stack does not change it; "
                            "remove `file`, or remove `existing: true` to let this stack own the definition",
                            "warning",
                        )
                    )
                    continue
                file = resolve_file(dspec, value, spec_file)
                given = _given(dspec).get("name")
                # checked once per command for every definition naming it: paths are resolved on disk
                message, findings = per_command.remembered(("definition check", str(file), value, spec_file, str(given)), functools.partial(_checked, dspec, value, spec_file))
                if message:
                    problems.append(Problem(mark_at(root, path), format_path(path), message))
                else:
                    problems += [_problem(root, path, f, file, value) for f in findings]
    return problems


def _checked(definition: Any, value: str, spec_file: str) -> tuple[str | None, tuple[Finding, ...]]:
    message = _check_file(definition, value, spec_file)
    return message, () if message else _findings(definition, value, spec_file)


def _problem(root: Any, path: list[Any], finding: Finding, file: Path, value: str) -> Problem:
    """A finding at its line and column in the definition file, referenced from the spec's
    `file:`; a finding about the file as a whole, at the spec's `file:`."""
    spec_mark = mark_at(root, path)
    if finding.at is None:
        return Problem(spec_mark, format_path(path), finding.message(value), finding.severity)
    line, col = finding.at
    return Problem(Mark(str(file), line, col), format_path(path), finding.message(value), finding.severity, referenced=spec_mark)


def _check_file(definition: Any, value: str, spec_file: str) -> str | None:
    """What is wrong with one definition file, ending with the fix; None when nothing is."""
    path = resolve_file(definition, value, spec_file)
    # specs come from pull requests: a definition file is uploaded to API Center, so it must be the project's
    escape = outside(value, resolve_file(definition, ".", spec_file), project_root(spec_file))
    if escape:
        return f"'{value}' {escape}: move the file into the project and give its path relative to the spec file"
    shown = display_path(str(path))
    try:
        info = path.stat()
    except FileNotFoundError:
        return f"file '{value}' not found (looked for {shown}): the path is relative to the spec file it is written in; fix the path or add the file"
    except ValueError:  # a NUL character
        return f"'{value}' is not a usable file name: fix the path"
    except OSError as exc:
        return f"cannot read '{value}': {exc.strerror}; check the path and the file's permissions"
    if stat.S_ISDIR(info.st_mode):
        return f"'{value}' is a directory: name the specification file itself"
    if not stat.S_ISREG(info.st_mode):
        return f"'{value}' is not a regular file: name the specification file itself"
    # the size before reading: a huge file is never read into memory
    if info.st_size > MAX_BYTES:
        return (
            f"'{value}' is {info.st_size:,} bytes, more than the {MAX_BYTES:,} ({MAX_BYTES // 2**20} MiB) ARM imports inline: "
            "make it smaller, for example by moving examples out of it"
        )
    try:
        data = _content(path).data
    except OSError as exc:
        return f"cannot read '{value}': {exc.strerror}; check the path and the file's permissions"
    if not data.strip():
        return f"'{value}' is empty: put the API's specification in it"
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return f"'{value}' is not UTF-8 text ({exc.reason} at byte {exc.start}): save it as UTF-8"
    return None


def _findings(definition: Any, value: str, spec_file: str) -> tuple[Finding, ...]:
    """What the file's format makes wrong with a file that exists and reads as UTF-8."""
    path = resolve_file(definition, value, spec_file)
    given = _given(definition).get("name")
    return _verdict(_content(path), path.suffix, given if isinstance(given, str) else None).findings


def _content(path: Path) -> _Content:
    """The file's bytes and their sha256: read once per command."""

    def read() -> _Content:
        data = path.read_bytes()
        return _Content(data, hashlib.sha256(data).hexdigest())

    return per_command.remembered(("definition file", str(path.resolve())), read)


def _verdict(content: _Content, suffix: str, given: str | None) -> Verdict:
    """`judge` of this content, once per process: the verdict depends on nothing else."""
    key = (content.sha256, suffix.lower(), given)
    verdict = _VERDICTS.get(key)
    if verdict is None:
        if len(_VERDICTS) >= _MAX_VERDICTS:
            _VERDICTS.clear()
        verdict = _VERDICTS[key] = judge(content.data.decode("utf-8-sig"), suffix, given)
    return verdict


def _given(definition: Any) -> dict[str, Any]:
    """The definition's `specification: {name, version}`, when it gives one."""
    return _map(_map(definition).get("specification"))


def _map(node: Any) -> dict[str, Any]:
    return node if isinstance(node, dict) else {}
