"""Problems found in a spec, each with file:line:col, the spec path and the fix."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Mark:
    """Where a node stands: 1-based line and column in a file."""

    file: str
    line: int
    col: int


@dataclass(frozen=True, order=True)
class PathMark(Mark):
    """Where a node of the merged spec stands, before it is looked up: the checks run on plain
    data, and only what is reported is located (config/loader.py, `Locator`). `file` is empty
    when the node may come from any file of the `extends` chain."""

    parts: tuple[object, ...] = ()
    key: bool = False  # the position of the mapping key rather than of its value
    # `parts` name keys as the file writes them, before `${...}` is expanded (two keys that
    # became one name: each is found as written); else a name is the first key in the file
    # that is it or expands to it, the one the merged spec keeps
    as_written: bool = False


@dataclass(frozen=True)
class Problem:
    """One error or warning about a spec. `referenced`: for a problem inside a file the spec
    names (a definition file), where the spec names it, so the user finds both."""

    mark: Mark
    path: str
    message: str
    severity: str = "error"
    # other places the message names by line (`LINE_OF.format(i)` in the message stands for
    # the line of refs[i]): a `PathMark` is looked up with the problem's own position
    refs: tuple[Mark, ...] = ()
    # where the spec names the file, for a problem found inside a definition file
    referenced: Mark | None = None
    stands_for: int = 1  # how many problems this one line tells (repeated warnings told at once)

    def __post_init__(self) -> None:
        if self.refs and not any(isinstance(r, PathMark) for r in self.refs):
            object.__setattr__(self, "message", with_lines(self.message, self.mark, self.refs))
            object.__setattr__(self, "refs", ())

    @property
    def text(self) -> str:
        """The message, with where the spec names the file when the problem is in another one."""
        at = self.referenced
        if at is None or (isinstance(at, PathMark) and not at.line):  # not located: `path` names it
            return self.message
        return f"{self.message}; referenced at {display_path(at.file)}:{at.line}:{at.col}"

    def __str__(self) -> str:
        where = f"{display_path(self.mark.file)}:{self.mark.line}:{self.mark.col}"
        label = "warning: " if self.severity == "warning" else ""
        return f"{where}: {self.path or '(top level)'}: {label}{self.text}"


@dataclass(frozen=True)
class Written:
    """A string as the spec writes it, before `${...}` was expanded."""

    text: str  # 'kv-orders-${stack}'
    given: str  # "for stack 'production'": the variables it used, with their values


Expansions = dict[tuple[tuple[object, ...], bool], Written]  # (spec path, is a key) -> as written


class SpecError(Exception):
    """A spec that cannot be used: every problem found, in file order."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.mark, p.path))
        super().__init__("\n".join(str(p) for p in self.problems))


LINE_OF = "\0line-of-{}\0"


def with_lines(message: str, mark: Mark, refs: Sequence[Mark]) -> str:
    """`message` with each `LINE_OF` token replaced by `line N` (`column N` on the problem's
    own line, `FILE:N` in another file)."""
    for i, ref in enumerate(refs):
        if ref.file and ref.file != mark.file:
            shown = f"{display_path(ref.file)}:{ref.line}"
        else:
            shown = f"column {ref.col}" if ref.line == mark.line else f"line {ref.line}"
        message = message.replace(LINE_OF.format(i), shown)
    return message


def display_path(path: str) -> str:
    """A file name as a user wants to read it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def did_you_mean(word: object, choices: Sequence[str]) -> str:
    """' (did you mean 'x'?)' when a choice is close to `word`, else ''. A choice that
    differs only in case comes first (`REST` for `rest`), then difflib's closest."""
    if not isinstance(word, str) or not choices:
        return ""
    by_lower: dict[str, str] = {}
    for choice in choices:
        by_lower.setdefault(choice.lower(), choice)
    same = by_lower.get(word.lower())
    if same is None:
        close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
        same = by_lower[close[0]] if close else None
    return f" (did you mean '{same}'?)" if same is not None and same != word else ""


def format_path(parts: Sequence[object]) -> str:
    """apis.petstore.versions.v1-0.access[0].authConfig"""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 API`, `2 APIs`, `1 entry`, `3 entries`: counts in the user's words."""
    if count == 1:
        return f"{count:,} {singular}"
    if plural_form is None:
        plural_form = singular[:-1] + "ies" if singular.endswith("y") and singular[-2:-1] not in "aeiou" else singular + "s"
    return f"{count:,} {plural_form}"
