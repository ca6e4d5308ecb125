"""A stack's settings: `Pulumi.<stack>.yaml`, read and checked like the spec.

Which spec a stack uses: `apic-access:spec`, else `config/<stack>.yaml`. Every
`apic-access:*` key is checked (known keys, shard syntax, a readable spec path, a platform
stack reference in `org/project/stack` form) and problems are reported at
`Pulumi.<stack>.yaml:line:col`, so a typo there fails `validate`, not `pulumi up`.
Secure values stay encrypted: we never read them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apic_access.components.shard import Shard, ShardError
from apic_access.config.errors import Mark, PathMark, Problem, did_you_mean
from apic_access.config.loader import Source, parse
from apic_access.config.positions import Locator
from apic_access.config.project import outside

NAMESPACE = "apic-access"
SETTINGS = ("spec", "shard", "platformStack")  # the non-secret keys the program reads
ORDER = "deployOrder"  # read by the workflows (`apic-access stacks`), never by the program
STACK_REF = re.compile(r"^[^/\s]+/[^/\s]+/[^/\s]+$")
# A stack's place in the deploy order when it sets no apic-access:deployOrder: promotion
# stages by name prefix, production last; anything else just before production.
NAME_ORDER = ((("dev",), 10), (("test", "qa"), 20), (("uat", "stag", "preprod"), 30), (("prod",), 50))
OTHER_ORDER = 40


@dataclass
class StackFile:
    """Pulumi.<stack>.yaml as read: its `apic-access:*` values and what is wrong with it."""

    path: Path
    exists: bool = False
    values: dict[str, Any] = field(default_factory=dict)  # short key (spec, shard, ...) -> value
    problems: list[Problem] = field(default_factory=list)
    _config: dict[str, Any] | None = None
    _keys: dict[str, str] = field(default_factory=dict)  # short key -> key as written
    _locator: Locator | None = None  # positions, looked up only for what is reported

    def mark(self, key: str, *, of_key: bool = False) -> Mark:
        if self._config is None or self._locator is None or key not in self._keys:
            return Mark(str(self.path), 1, 1)
        return self._locator.mark(PathMark("", 0, 0, ("config", self._keys[key]), of_key))

    def where(self, key: str) -> str:
        return f"config.{self._keys.get(key, f'{NAMESPACE}:{key}')}"

    def setting(self, key: str) -> str | None:
        value = self.values.get(key)
        return value if isinstance(value, str) and value else None

    def is_secret(self, key: str) -> bool:
        value = self.values.get(key)
        return isinstance(value, dict) and "secure" in value


def project_folder() -> Path:
    """The Pulumi project the command runs in: the nearest folder from here up that holds
    Pulumi.yaml, so a command works from any folder inside the project; else this folder."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "Pulumi.yaml").is_file():
            return folder
    return here


def stack_file_path(stack: str, project_dir: Path | None = None) -> Path:
    return (project_dir or project_folder()) / f"Pulumi.{stack}.yaml"


def read_stack_file(stack: str, project_dir: Path | None = None) -> StackFile:
    path = stack_file_path(stack, project_dir)
    out = StackFile(path)
    if not path.is_file():
        return out
    out.exists = True
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        out.problems.append(Problem(Mark(str(path), 1, 1), "", f"cannot read the stack file ({exc}): save it as UTF-8 text"))
        return out
    # the spec's parser: a stack file comes from the pull request too, and gets the same budgets
    data, problems = parse(text, str(path))
    locator = Locator([Source(str(path), text, data)])
    if problems:
        out.problems += [
            Problem(p.mark, p.path, p.message.replace("YAML syntax error", "not valid YAML (a Pulumi stack file)")) for p in locator.locate(problems)
        ]
        return out
    if data is None:
        return out
    if not isinstance(data, dict):
        out.problems.append(Problem(Mark(str(path), 1, 1), "", "a stack file is a mapping with a `config:` section, not a single value or list"))
        return out
    config = data.get("config")
    if config is None:
        return out
    if not isinstance(config, dict):
        out.problems.append(Problem(locator.mark(PathMark("", 0, 0, ("config",))), "config", "must be a mapping of `namespace:key: value`"))
        return out
    out._config, out._locator = config, locator
    for key, value in config.items():
        # a key without a namespace belongs to the project, which is apic-access
        namespace, _, short = key.rpartition(":") if ":" in key else (NAMESPACE, ":", key)
        if namespace == NAMESPACE:
            out.values[short] = value
            out._keys[short] = key
    return out


def check_stack_file(sf: StackFile, *, secrets: tuple[str, ...] | None = None, project_dir: Path | None = None) -> list[Problem]:
    """Every `apic-access:*` key of the stack file; `secrets`: the spec's `fromConfig` keys, when known."""
    problems = list(sf.problems)
    if not sf.exists or problems:
        return problems
    base = project_dir or project_folder()

    def error(key: str, message: str, *, of_key: bool = False, severity: str = "error") -> None:
        problems.append(Problem(sf.mark(key, of_key=of_key), sf.where(key), message, severity))

    known = [*SETTINGS, ORDER, *(secrets or ())]
    for key, value in sf.values.items():
        if key == ORDER:
            if (message := _order_problem(sf)) is not None:
                error(key, message)
            continue
        if sf.is_secret(key):
            if secrets is not None and key not in secrets:
                error(key, f"secret '{NAMESPACE}:{key}' is read by no `fromConfig` of the spec{did_you_mean(key, list(secrets))}: remove it or fix the name", of_key=True, severity="warning")
            continue
        if key in SETTINGS:
            if not isinstance(value, str) or not value:
                error(key, f"must be a text value, not {type(value).__name__}: `pulumi config set {NAMESPACE}:{key} VALUE`")
            continue
        if secrets is not None and key in secrets:
            error(key, f"holds a secret in plain text: set it with `pulumi config set --secret {NAMESPACE}:{key} VALUE`")
            continue
        if secrets is None:
            continue  # the spec could not be read: its secret keys are unknown, nothing to judge this key by
        error(
            key,
            f"unknown key '{NAMESPACE}:{key}'{did_you_mean(f'{NAMESPACE}:{key}', [f'{NAMESPACE}:{k}' for k in known])}: apic-access reads "
            f"{', '.join(f'{NAMESPACE}:{k}' for k in (*SETTINGS, ORDER))} and the secrets the spec names with `fromConfig`; remove it or fix the name",
            of_key=True,
        )

    spec = sf.setting("spec")
    if spec is not None:
        target = Path(spec) if Path(spec).is_absolute() else base / spec
        escape = outside(spec, base, base.resolve())  # the stack file sits at the project's root
        if escape:
            error("spec", f"'{spec}' {escape}: the spec is read from inside the project; move it there and give its path relative to the project")
        elif not target.is_file():
            error("spec", f"spec file '{spec}' not found (relative to the project folder {base}): fix the path")
    shard_text = sf.setting("shard")
    shard = None
    if "shard" in sf.values and shard_text is not None:
        try:
            shard = Shard.parse(shard_text)
        except ShardError as exc:
            error("shard", str(exc).replace(f"apic-access:shard is '{shard_text}'", f"'{shard_text}' is not a shard"))
    ref = sf.setting("platformStack")
    if ref is not None and not STACK_REF.match(ref):
        error("platformStack", f"'{ref}' is not a stack reference: write ORG/PROJECT/STACK, e.g. contoso/{NAMESPACE}/platform")
    if ref is not None and shard is not None and shard.owns_platform:
        error("platformStack", f"only inventory shards (tag:NAME, prefix:NAME) read the platform stack; this stack's shard is '{shard_text}': remove it", severity="warning")
    if shard is not None and shard.kind in ("tag", "prefix") and ref is None and "platformStack" not in sf.values:
        error(
            "shard",
            f"an inventory shard without {NAMESPACE}:platformStack is never checked against the platform stack's API center: "
            f"`pulumi config set {NAMESPACE}:platformStack ORG/{NAMESPACE}/platform`",
            severity="warning",
        )
    return problems


def stack_config(stack: str, project_dir: Path | None = None) -> dict[str, Any]:
    """The stack's config values as `namespace:key` (secure values stay encrypted); {} when unreadable."""
    sf = read_stack_file(stack, project_dir)
    return {f"{NAMESPACE}:{k}": v for k, v in sf.values.items()}


def all_config(stack: str, project_dir: Path | None = None) -> dict[str, Any]:
    """Every config value of the stack file, all namespaces (`azure-native:*` included), as written."""
    sf = read_stack_file(stack, project_dir)
    return dict(sf._config) if sf._config is not None else {}


def config_value(stack: str, key: str, project_dir: Path | None = None) -> Any:
    return read_stack_file(stack, project_dir).values.get(key)


def spec_path(stack: str, project_dir: Path | None = None) -> Path:
    base = project_dir or project_folder()
    configured = config_value(stack, "spec", project_dir)
    if isinstance(configured, str) and configured:
        return base / configured if not Path(configured).is_absolute() else Path(configured)
    return base / "config" / f"{stack}.yaml"


def spec_shown(spec: Path, project_dir: Path) -> str:
    """A stack's spec as the commands read it: relative to the project folder when inside it."""
    return spec.relative_to(project_dir).as_posix() if spec.is_relative_to(project_dir) else str(spec)


def _order_problem(sf: StackFile) -> str | None:
    value = sf.values.get(ORDER)
    # `pulumi config set` writes "15", a hand-written file may say 15
    if (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and re.fullmatch(r"-?\d{1,9}", value.strip())):
        return None
    shown = "a secret" if sf.is_secret(ORDER) else f"'{value}'" if isinstance(value, str) else type(value).__name__
    return f"must be a whole number (lower deploys first), not {shown}: `pulumi config set {NAMESPACE}:{ORDER} 20`"


@dataclass(frozen=True)
class Stack:
    """A stack of the project, as `apic-access stacks` lists it."""

    name: str
    spec: str  # as the commands read it: relative to the project folder when inside it
    order: int
    why: str  # where the order comes from, for people


def stack_order(name: str, sf: StackFile) -> tuple[int, str]:
    if ORDER in sf.values:
        return int(str(sf.values[ORDER]).strip()), f"{NAMESPACE}:{ORDER}"
    for prefixes, order in NAME_ORDER:
        if name.lower().startswith(prefixes):
            return order, f"name {'/'.join(p + '*' for p in prefixes)}"
    return OTHER_ORDER, "name"


def discover(project_dir: Path) -> tuple[list[Stack], list[Problem]]:
    """Every `Pulumi.<stack>.yaml` of the project in deploy order: by order number, then an
    inventory shard after the platform stack it reads, then by name."""
    stacks: list[tuple[tuple[int, int, str], Stack, str]] = []
    problems: list[Problem] = []
    for path in sorted(project_dir.glob("Pulumi.*.yaml")):
        name = path.name[len("Pulumi.") : -len(".yaml")]
        if not path.is_file():
            continue
        sf = read_stack_file(name, project_dir)
        if sf.problems:
            problems += sf.problems
            continue
        if ORDER in sf.values and (message := _order_problem(sf)) is not None:
            problems.append(Problem(sf.mark(ORDER), sf.where(ORDER), message))
            continue
        order, why = stack_order(name, sf)
        spec = spec_path(name, project_dir)
        shown = spec_shown(spec, project_dir)
        shard = sf.setting("shard") or ""
        inventory = shard.startswith(("tag:", "prefix:"))
        platform = (sf.setting("platformStack") or "").rsplit("/", 1)[-1] if inventory else ""
        stacks.append(((order, int(inventory), name), Stack(name, shown, order, why), platform))
    # a shard reads its platform stack's outputs: it deploys after it, whatever its own order
    orders = {stack.name: key[0] for key, stack, _ in stacks}
    placed = []
    for key, stack, platform in stacks:
        if platform in orders and orders[platform] > key[0]:
            key = (orders[platform], *key[1:])
            stack = dataclasses.replace(stack, order=key[0], why=f"{stack.why}; after its platform stack {platform}")
        placed.append((key, stack))
    return [stack for _, stack in sorted(placed, key=lambda s: s[0])], problems
