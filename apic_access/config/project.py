"""The project a spec belongs to, and the rule that what it reads stays inside it.

Specs come from pull requests: whoever can open one writes the spec that CI validates and
plans, and that `pulumi up` applies after merge. A path written in a spec (`extends`,
`definitions.*.file`) must therefore never reach a file outside the repository: `validate`
would show what it found there, and `pulumi up` would upload a definition file to API
Center, where every Data Reader can read it.

The project is the nearest folder at or above the spec that holds `Pulumi.yaml`, else the
git work tree the spec is in, else the spec's own folder. A path is inside when it stays
inside after `..` and symbolic links are resolved.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path, PurePosixPath, PureWindowsPath

from .errors import display_path

MARKERS = ("Pulumi.yaml", ".git")  # in order of preference; .git is a folder, or a file in a worktree


@cache
def _root_of(folder: str) -> str:
    here = Path(folder)
    for marker in MARKERS:
        for candidate in (here, *here.parents):
            if (candidate / marker).exists():
                return str(candidate)
    return str(here)


def project_root(spec: str | Path) -> Path:
    """The project of the spec file `spec` (an absolute path; links not resolved)."""
    return Path(_root_of(os.path.abspath(os.path.dirname(os.path.abspath(spec)))))


def is_absolute(written: str) -> bool:
    """Absolute on any system: `/etc/passwd`, `C:\\x`, `\\\\server\\share`."""
    return PurePosixPath(written).is_absolute() or PureWindowsPath(written).is_absolute() or written.startswith(("\\", "~"))


def outside(written: str, folder: str | Path, root: Path) -> str | None:
    """Why the path `written` (relative to `folder`) leaves the project `root`, or None when
    it stays inside. The reason reads after the path as written: "'../x' climbs out ..."."""
    where = f"the project ({_shown(root)})"
    if "\x00" in written:  # found by the fuzz: no file name holds one, and the OS refuses to look
        return f"holds a NUL character, which no file name can: write the path of a file inside {where}"
    if is_absolute(written):
        return f"is an absolute path: a spec may only read files inside {where}"
    joined = Path(os.path.abspath(os.path.join(folder, written)))  # `..` resolved, links not
    if not _within(joined, root):
        return f"climbs out of {where}"
    try:
        real = joined.resolve()
    except (OSError, RuntimeError):  # a link loop: whatever it is, it is not a readable file inside
        return f"is a symbolic link that cannot be resolved inside {where}"
    if not _within(real, root.resolve()):
        return f"is, or goes through, a symbolic link pointing out of {where}"
    return None


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _shown(root: Path) -> str:
    shown = display_path(str(root))
    return "." if shown in ("", ".") else shown
