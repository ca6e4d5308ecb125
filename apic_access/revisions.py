"""The two sides of `diff`, each a stack or a spec, in the working tree or at a git revision.

A side is what `pulumi up` would run: a spec *and* the stack settings recorded with it
(`Pulumi.<stack>.yaml`: which spec, the shard, the platform stack). The stack at a revision
(`--base REV`, or `REV:` with no path) is that revision's `Pulumi.<stack>.yaml` and the spec
it names there; the working tree's stack is the stack file here and the spec it names. No
stack file means no stack: new at the base, deleted at the head. A spec given as `REV:PATH`
is read with that revision's stack file when one exists there, else with the working
tree's; a spec given as a file, with the working tree's.

A revision is extracted whole (`git archive`), so `extends` and definition files resolve as
they did there, wherever they live.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .stacks import NAMESPACE, StackFile, project_folder, read_stack_file, spec_path, spec_shown

RECORDED = ("shard", "platformStack")  # the stack settings the program reads besides the spec
WORK_TREE = "the working tree"


class RevisionError(Exception):
    """A side that cannot be read: not a revision, not in a git repository (a usage error)."""


@dataclass
class Side:
    """One side of a diff, ready to record (or empty: no stack, or no spec at that revision)."""

    given: str  # as the user wrote it, for messages
    where: str  # "origin/main" or "the working tree"
    spec: Path | None  # None: nothing to record (the stack or the spec does not exist there)
    sf: StackFile
    project: Path | None  # the project folder the stack file was read in; None: the working tree's
    whole: bool = False  # the stack as a whole (its stack file decides the spec)
    shown: str = ""  # the spec as the stack file names it, relative to the project

    @property
    def stack_file(self) -> str:
        return self.sf.path.name

    def settings(self) -> dict[str, str]:
        return {k: v for k in RECORDED if (v := self.sf.setting(k)) is not None}


@dataclass
class Repository:
    """The git repository the command runs in, and revisions of it extracted under `workdir`."""

    workdir: Path
    _top: Path | None = None
    _prefix: str = ""
    project_rel: str = ""  # the project folder, relative to the repository's top
    _trees: dict[str, Path] | None = None

    def git(self, *args: str, what: str) -> str:
        try:
            return subprocess.run(["git", *args], capture_output=True, check=True, text=True).stdout
        except FileNotFoundError as exc:
            raise RevisionError(f"cannot read {what} from git: {exc}") from None
        except subprocess.CalledProcessError as exc:
            detail = (exc.stderr or "").strip() or "git failed"
            raise RevisionError(f"cannot read {what} from git: {detail}") from None

    def top(self, what: str) -> Path:
        if self._top is None:
            self._top = Path(self.git("rev-parse", "--show-toplevel", what=what).strip())
            self._prefix = self.git("rev-parse", "--show-prefix", what=what).strip()
            project = project_folder().resolve()
            self.project_rel = project.relative_to(self._top.resolve()).as_posix() if project.is_relative_to(self._top.resolve()) else ""
        return self._top

    def commit(self, rev: str, what: str) -> None:
        self.top(what)
        if rev.startswith("-"):  # git would read it as an option
            raise RevisionError(f"cannot read {what} from git: '{rev}' is not a revision of this repository")
        try:
            subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], capture_output=True, check=True)
        except subprocess.CalledProcessError:
            raise RevisionError(f"cannot read {what} from git: '{rev}' is not a revision of this repository") from None

    def exists(self, rev: str, rel: str) -> bool:
        top = self.top(rev)
        return subprocess.run(["git", "-C", str(top), "cat-file", "-e", f"{rev}:{rel}"], capture_output=True).returncode == 0

    def tree(self, rev: str) -> Path:
        """The repository as it was at `rev`, extracted once per revision."""
        self._trees = self._trees if self._trees is not None else {}
        if rev not in self._trees:
            top = self.top(rev)
            out = self.workdir / f"rev{len(self._trees)}"
            out.mkdir(parents=True, exist_ok=True)
            try:
                tar = subprocess.run(["git", "-C", str(top), "archive", "--format=tar", rev], capture_output=True, check=True).stdout
                subprocess.run(["tar", "-x", "-C", str(out)], input=tar, check=True, capture_output=True)
                # the extracted tree is the repository as it was: it bounds what the spec may read,
                # as the work tree does (config/project.py), even where no Pulumi.yaml sits above the spec
                subprocess.run(["git", "init", "-q", str(out)], check=True, capture_output=True)
            except (subprocess.CalledProcessError, FileNotFoundError) as exc:
                detail = exc.stderr.decode(errors="replace").strip() if isinstance(exc, subprocess.CalledProcessError) and isinstance(exc.stderr, bytes) else str(exc)
                raise RevisionError(f"cannot extract '{rev}' from git: {detail or 'git archive failed'}") from None
            self._trees[rev] = out
        return self._trees[rev]

    def project_at(self, rev: str) -> Path:
        tree = self.tree(rev)
        return tree / self.project_rel if self.project_rel else tree

    def rel(self, path: str) -> str:
        """REV:PATH's path as git reads it: relative to the top, ./PATH relative to here."""
        return str(Path(self._prefix) / path[2:]) if path.startswith("./") else path

    def stack_file_rel(self, stack: str) -> str:
        return f"{self.project_rel}/Pulumi.{stack}.yaml" if self.project_rel else f"Pulumi.{stack}.yaml"


def stack_at(repo: Repository, rev: str, stack: str, given: str) -> Side:
    """Stack `stack` as it is at `rev`: its stack file there and the spec it names there."""
    repo.commit(rev, given)
    if not repo.exists(rev, repo.stack_file_rel(stack)):
        return Side(given, rev, None, StackFile(Path(f"Pulumi.{stack}.yaml")), None, whole=True)
    project = repo.project_at(rev)
    sf = read_stack_file(stack, project)
    spec = spec_path(stack, project)
    return Side(given, rev, spec, sf, project, whole=True, shown=spec_shown(spec, project))


def stack_here(stack: str) -> Side:
    """Stack `stack` as the working tree has it."""
    project = project_folder()
    sf = read_stack_file(stack, project)
    if not sf.exists:
        return Side(WORK_TREE, WORK_TREE, None, sf, None, whole=True)
    spec = spec_path(stack, project)
    return Side(WORK_TREE, WORK_TREE, spec, sf, None, whole=True, shown=spec_shown(spec, project))


def spec_side(repo: Repository, ref: str, stack: str) -> Side:
    """A spec argument: a file (the working tree's stack settings), `REV:PATH` (that revision's
    stack file when it has one, else the working tree's), or `REV:` (the stack at REV)."""
    if Path(ref).is_file() or ":" not in ref:
        return Side(ref, WORK_TREE, Path(ref), read_stack_file(stack), None)
    rev, path = ref.split(":", 1)
    if not path:
        return stack_at(repo, rev, stack, ref)
    repo.commit(rev, f"'{ref}'")
    rel = repo.rel(path)
    if not repo.exists(rev, rel):
        return Side(ref, rev, None, read_stack_file(stack), None)
    tree = repo.tree(rev)
    if repo.exists(rev, repo.stack_file_rel(stack)):
        project = repo.project_at(rev)
        return Side(ref, rev, tree / rel, read_stack_file(stack, project), project)
    return Side(ref, rev, tree / rel, read_stack_file(stack), None)


def notes(base: Side, head: Side, stack: str) -> list[str]:
    """What a reviewer must know besides the resources: a new or deleted stack, a spec the
    stack file now names, settings that differ between the sides."""
    name = f"Pulumi.{stack}.yaml"
    if base.whole and not base.sf.exists and head.spec is not None:
        return [f"`{name}` does not exist {at(base)}: stack '{stack}' is new, everything is created."]
    if head.whole and not head.sf.exists:
        return [
            f"`{name}` does not exist {at(head)}: stack '{stack}' is no longer deployed. Deleting a stack file deletes nothing in Azure: "
            f"the deploy workflow runs `pulumi up` for the stacks whose files exist, so the resources below stay in Azure and in the stack's state, "
            f"managed by no pipeline. To delete them, run `pulumi destroy --stack {stack}` before the stack file goes (then `pulumi stack rm {stack}`); "
            "to keep managing them, keep the stack file."
        ]
    if base.spec is None:
        return [f"`{base.given}` does not exist: the stack is new, everything is created."]
    out: list[str] = []
    if base.whole and head.whole and base.shown != head.shown:
        out.append(f"The stack's spec changes: `{base.shown}` {at(base)} → `{head.shown}` {at(head)} ({name}, `{NAMESPACE}:spec`).")
    if base.sf.exists and head.sf.exists and base.sf.path != head.sf.path:
        old, new = base.settings(), head.settings()
        for key in RECORDED:
            if old.get(key) != new.get(key):
                out.append(f"`{NAMESPACE}:{key}` changes: {_value(old.get(key))} {at(base)} → {_value(new.get(key))} {at(head)} ({name}).")
    for side in (base, head):
        if not side.whole and side.where != WORK_TREE and side.project is None and (settings := side.settings()):
            listed = ", ".join(f"`{NAMESPACE}:{k}: {v}`" for k, v in settings.items())
            out.append(f"`{name}` does not exist at {side.where}: `{side.given}` is recorded with the working tree's settings ({listed}).")
    return out


def at(side: Side) -> str:
    return f"in {WORK_TREE}" if side.where == WORK_TREE else f"at {side.where}"


def _value(value: str | None) -> str:
    return f"`{value}`" if value is not None else "(not set)"


def stack_names_at(repo: Repository, rev: str) -> list[str]:
    """The stacks whose Pulumi.<stack>.yaml exists at `rev`, in the project folder."""
    repo.commit(rev, f"--base {rev}")
    folder = f"{repo.project_rel}/" if repo.project_rel else ""
    listed = repo.git("-C", str(repo.top(rev)), "ls-tree", "--name-only", rev, "--", folder or ".", what=f"--base {rev}").splitlines()
    return sorted(n for p in listed if (n := _stack_name(Path(p).name)))


def stack_names_here() -> list[str]:
    return sorted(n for p in project_folder().glob("Pulumi.*.yaml") if p.is_file() and (n := _stack_name(p.name)))


def _stack_name(file: str) -> str:
    return file[len("Pulumi.") : -len(".yaml")] if file.startswith("Pulumi.") and file.endswith(".yaml") and file != "Pulumi.yaml" else ""


def inputs_of(side: Side) -> tuple[str, ...] | None:
    """Everything a side's recording reads, as text: the stack's settings, the spec and each base
    it extends, and each definition file. Equal inputs record equal programs, so a stack whose
    inputs are the same on both sides is unchanged. None: no stack (or no spec) there."""
    if side.spec is None:
        return None
    from apic_access.config.definition_files import resolve_file
    from apic_access.config.resolve import load_chain

    out = [json.dumps(side.sf.values, sort_keys=True, default=str), side.shown]
    try:
        raw, sources, _ = load_chain(side.spec)
    except Exception as exc:  # noqa: BLE001 - unreadable: recorded, the recording reports it
        return (*out, f"unreadable: {exc}")
    out += [s.text for s in sources]
    apis = raw.get("apis") if isinstance(raw, dict) else None
    for api in apis.values() if isinstance(apis, dict) else ():
        versions = api.get("versions") if isinstance(api, dict) else None
        for version in versions.values() if isinstance(versions, dict) else ():
            definitions = version.get("definitions") if isinstance(version, dict) else None
            for definition in definitions.values() if isinstance(definitions, dict) else ():
                if isinstance(definition, dict) and isinstance(definition.get("file"), str):
                    path = resolve_file(definition, definition["file"], str(side.spec))
                    out.append(hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else f"missing: {definition['file']}")
    return tuple(out)


def removed_since(rev: str) -> list[str]:
    """The stacks whose Pulumi.<stack>.yaml exists at `rev` but not in the working tree, by name:
    a pull request that deletes a stack file is listed with them, so its diff is seen."""
    repo = Repository(Path("."))
    repo.commit(rev, f"--since {rev}")
    folder = f"{repo.project_rel}/" if repo.project_rel else ""
    listed = repo.git("-C", str(repo.top(rev)), "ls-tree", "--name-only", rev, "--", folder or ".", what=f"--since {rev}").splitlines()
    here = project_folder()
    names = [Path(p).name[len("Pulumi.") : -len(".yaml")] for p in listed if Path(p).name.startswith("Pulumi.") and p.endswith(".yaml")]
    return sorted(n for n in names if n and not (here / f"Pulumi.{n}.yaml").is_file())
