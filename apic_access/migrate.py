"""`apic-access migrate-state`: move a stack deployed with the first release to the preview-type provider.

The first release wrote auth configs, bindings and the portal as azure-native's generic
`resources:Resource`. This release writes them through its own provider (`PreviewResource`).
Pulumi cannot carry a resource from one provider package to another (an alias across packages
still replaces, and a replacement would delete the auth config or binding in Azure), so the
move happens in the state, where nothing touches Azure:

1. `pulumi stack export --file state.json`
2. `apic-access migrate-state state.json -o migrated.json` drops those generic entries from the
   state (and every reference to them), and keeps everything else as it is;
3. `pulumi stack import --file migrated.json`
4. `pulumi up --config apic-access:adopt=true` creates the new resources by adopting what is in
   Azure (nothing is deleted, and only what differs from the spec is written); then
   `pulumi config rm apic-access:adopt`.

The same step moves the first release's definition imports to the provider's lasting module
path: their pickled provider names `components.definition_import`, a module that only a checkout
of the first release has (the wheel installs `apic_access` alone, and a top-level `components`
package would clash with a project's own). It is replaced by the current provider's pickle
(`apic_access.components.definition_import`), so refresh and destroy work where apic-access is
installed as a wheel. Nothing else about those resources changes.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from apic_access.config.errors import plural

GENERIC = "azure-native:resources:Resource"
DEFINITION_IMPORT = "pulumi-python:dynamic/apicenter:DefinitionImport"
FIRST_RELEASE_MODULE = b"components.definition_import"
PREVIEW_TYPES = ("authConfigs", "securityRequirements", "portals")


class MigrationError(Exception):
    """The file is not a state this command can move (exit 1, with what to do)."""


def is_generic_preview(resource: dict[str, Any]) -> bool:
    """A first-release generic resource for one of the preview types of API Center."""
    if resource.get("type") != GENERIC:
        return False
    values = {**(resource.get("outputs") or {}), **(resource.get("inputs") or {})}
    namespace = str(values.get("resourceProviderNamespace", "")).lower()
    return namespace == "microsoft.apicenter" and values.get("resourceType") in PREVIEW_TYPES


def migrate(state: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The state without the generic preview resources, and their URNs."""
    deployment = state.get("deployment")
    if not isinstance(deployment, dict) or not isinstance(deployment.get("resources", []), list):
        raise MigrationError("this is not a `pulumi stack export` file (no deployment.resources): export the stack with `pulumi stack export --file state.json`")
    if deployment.get("pending_operations"):
        raise MigrationError(
            "the state has pending operations (an interrupted update): run `pulumi refresh` or `pulumi cancel` first, then export the stack again"
        )
    resources = deployment.get("resources") or []
    dropped = [r["urn"] for r in resources if is_generic_preview(r)]
    gone = set(dropped)
    parents = [r["urn"] for r in resources if r.get("parent") in gone]
    if parents:
        raise MigrationError(f"{plural(len(parents), 'resource')} {'is' if len(parents) == 1 else 'are'} parented to a generic preview resource (for example {parents[0]}): this state was not made by apic-access")
    kept = []
    current: str | None = None
    for r in resources:
        if r["urn"] in gone:
            continue
        r = dict(r)
        if r.get("type") == DEFINITION_IMPORT and any(_first_release_provider(v) for v in (r.get("inputs"), r.get("outputs"))):
            current = current or _current_definition_import_provider()
            for key in ("inputs", "outputs"):
                if isinstance(r.get(key), dict) and "__provider" in r[key]:
                    r[key] = {**r[key], "__provider": current}
        if r.get("dependencies"):
            r["dependencies"] = [d for d in r["dependencies"] if d not in gone]
        if r.get("propertyDependencies"):
            r["propertyDependencies"] = {k: [d for d in v if d not in gone] for k, v in r["propertyDependencies"].items()}
        kept.append(r)
    return {**state, "deployment": {**deployment, "resources": kept}}, dropped


def _first_release_provider(values: Any) -> bool:
    """A pickled provider that names the first release's module path (and not the lasting one)."""
    provider = values.get("__provider") if isinstance(values, dict) else None
    if not isinstance(provider, str):
        return False
    try:
        pickled = base64.b64decode(provider, validate=True)
    except ValueError:
        return False
    return FIRST_RELEASE_MODULE in pickled.replace(b"apic_access." + FIRST_RELEASE_MODULE, b"")


def _current_definition_import_provider() -> str:
    from apic_access.components.definition_import import DefinitionImportProvider  # pulumi: only when there is one to move
    from apic_access.components.dynamic import serialized

    return serialized(DefinitionImportProvider())


def run(source: Path, target: Path) -> list[str]:
    try:
        state = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MigrationError(f"{source}: no such file: export the stack first with `pulumi stack export --file {source}`") from None
    except ValueError as exc:
        raise MigrationError(f"{source}: not JSON ({exc}): pass the file `pulumi stack export --file` wrote") from None
    if not isinstance(state, dict):
        raise MigrationError(f"{source}: not a `pulumi stack export` file")
    migrated, dropped = migrate(state)
    target.write_text(json.dumps(migrated, indent=2) + "\n", encoding="utf-8")
    return dropped
