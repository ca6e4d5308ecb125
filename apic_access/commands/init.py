"""`apic-access init`: a Pulumi project that runs the installed apic-access, in a new folder
or beside what a repository already holds. It writes only files that are missing: what is
there already is left as it is and named, so running it again changes nothing."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from apic_access.errors import CommandError

CI = ("github", "azure-devops", "none")

# Pulumi's rule for stack names (letters, digits, '-', '_', '.'), which also keeps the name
# safe in a file name and a pipeline's YAML.
STACK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stack", default="dev", help="the first stack: writes Pulumi.<stack>.yaml and config/<stack>.yaml (default dev)")
    p.add_argument(
        "--ci",
        choices=CI,
        default="github",
        help="pipelines to write: github (.github/workflows/pull-request.yml and deploy.yml), azure-devops (azure-pipelines.yml) or none (default github)",
    )
    p.add_argument("--dir", default=".", help="the project folder, made if missing (default: the current folder)")


@dataclass(frozen=True)
class File:
    path: str  # in the project, with / separators
    text: Callable[[], str]  # the content, made only when the file is missing


def _template(name: str, **values: str) -> Callable[[], str]:
    def text() -> str:
        from apic_access.packaged import TEMPLATES

        body = (TEMPLATES / name).read_text(encoding="utf-8")
        for key, value in values.items():
            body = body.replace("{{" + key + "}}", value)
        return body

    return text


def _schema() -> str:
    from apic_access.config.editor_schema import published_text  # `apic-access schema` prints the same

    return published_text()


def _requirement() -> str:
    """apic-access with the Pulumi SDKs, pinned to the version that writes the project, so
    the program `pulumi up` runs is the one `validate` and `plan` checked."""
    import importlib.metadata

    try:
        version = importlib.metadata.version("apic-access")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "apic-access[deploy]"
    return f"apic-access[deploy]=={version}"


def project_files(stack: str, ci: str) -> list[File]:
    """Every file `init` writes, in the order it reports them."""
    files = [
        File("Pulumi.yaml", _template("Pulumi.yaml")),
        File("__main__.py", _template("__main__.py")),
        File("requirements.txt", _template("requirements.txt", requirement=_requirement())),
        File(f"Pulumi.{stack}.yaml", _template("Pulumi.stack.yaml", stack=stack)),
        File(f"config/{stack}.yaml", _template("spec.yaml", stack=stack)),
        File("config/apis/example-v1.yaml", _template("openapi.yaml")),
        File("config/schema.json", _schema),
        File(".gitignore", _template("gitignore")),
    ]
    if ci == "github":
        files += [File(f".github/workflows/{name}", _template(f"github/{name}")) for name in ("pull-request.yml", "deploy.yml")]
    elif ci == "azure-devops":
        files.append(File("azure-pipelines.yml", _template("azure-pipelines.yml")))
    return files


def run(args: argparse.Namespace) -> int:
    stack: str = args.stack
    if not STACK_NAME.fullmatch(stack):
        raise CommandError(f"apic-access init: --stack '{stack}' is not a stack name: use letters, digits, '-', '_' and '.', starting with a letter or digit", 2)
    folder = Path(args.dir)
    if folder.exists() and not folder.is_dir():
        raise CommandError(f"apic-access init: --dir {folder} is a file, not a folder: give the project's folder", 2)
    written: list[str] = []
    kept: list[str] = []
    for file in project_files(stack, args.ci):
        target = folder / file.path
        if target.exists() or target.is_symlink():
            kept.append(file.path)
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                # "x": never replace a file, even one made between the check and the write
                with open(target, "x", encoding="utf-8", newline="\n") as out:
                    out.write(file.text())
            except FileExistsError:
                kept.append(file.path)
                continue
        except OSError as exc:  # a file where a folder goes, no permission, a full disk
            blocking = next((p for p in target.parents if p.is_file()), None)
            why = f"{blocking} is a file, where init makes a folder" if blocking else exc.strerror or str(exc)
            done = f" (written so far: {', '.join(written)})" if written else ""
            raise CommandError(f"apic-access init: cannot write {target}: {why}{done}", 1) from None
        written.append(file.path)
    where = "this folder" if folder.resolve() == Path.cwd().resolve() else str(folder)
    for path in written:
        print(f"wrote {path}")
    for path in kept:
        print(f"exists, left as it is: {path}")
    if not written:
        print(f"nothing to write: {where} already holds every file init makes")
    if ".gitignore" in kept and ".venv" not in (folder / ".gitignore").read_text(encoding="utf-8", errors="replace"):
        print("note: .gitignore does not ignore .venv/, the virtualenv `pulumi install` makes: add a line `.venv/`")
    if written:
        _next_steps(stack, folder, where)
    return 0


def _next_steps(stack: str, folder: Path, where: str) -> None:
    cd = "" if where == "this folder" else f"cd {folder}\n  "
    print(
        "\nnext:\n"
        f"  {cd}apic-access validate --stack {stack}      # the spec config/{stack}.yaml, offline\n"
        f"  apic-access plan --stack {stack}          # what `pulumi up` would create, offline\n"
        "  pulumi login                           # once: Pulumi Cloud, or azblob://... (README of apic-access, \"Where the state lives\")\n"
        f"  pulumi install && pulumi stack init {stack}\n"
        f"  pulumi config set --secret apic-access:exampleApiKey <value> --stack {stack}\n"
        f"  apic-access doctor --stack {stack}        # signed in to Azure, read-only: what would stop the first `pulumi up`\n"
        f'  pulumi preview --stack {stack} --policy-pack "$(apic-access policy-pack)"'
    )
