"""The recording engine: runs the real Pulumi program with no cloud and no CLI.

A mock monitor records every registration (type, name, parent, custom or component,
inputs as the provider would receive them, and every dependency: explicit `depends_on`
and those implied by outputs). Invokes get stable placeholders: the tenant and
subscription, and Entra lookups resolved to deterministic fake object ids. It runs as a
preview: values only Azure knows stay unknown, secrets show as "[secret]", and secret
config never needs to be set.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import runpy
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from apic_access.azure import arm
from apic_access.components import gc_tuning
from apic_access.config import per_command
from apic_access.config.grants import Budget, budget
from apic_access.config.spec import load_spec

SECRET = "[secret]"
UNKNOWN = "[unknown until apply]"
DYNAMIC_PROVIDER = "[dynamic provider]"
PLACEHOLDER_TENANT = "00000000-0000-0000-0000-00000000aaaa"
PLACEHOLDER_SUBSCRIPTION = "00000000-0000-0000-0000-00000000bbbb"

_SIG = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
_FAKE_IDS = uuid.UUID("8d6f4a2e-51b3-4c07-9e1d-3a5b7c9d0e2f")

# Output properties only Azure knows: unknown in a preview, as in `pulumi preview`.
COMPUTED: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "azure-native:apicenter:Service": (("identity", "principalId"), ("identity", "tenantId")),
    "azure-native:managedidentity:UserAssignedIdentity": (("principalId",), ("clientId",), ("tenantId",)),
    "azuread:index/application:Application": (("clientId",), ("objectId",)),
    "azuread:index/applicationRegistration:ApplicationRegistration": (("clientId",), ("objectId",)),
    "azuread:index/servicePrincipal:ServicePrincipal": (("objectId",),),
    "azuread:index/group:Group": (("objectId",),),
    "azuread:index/applicationPassword:ApplicationPassword": (("value",), ("keyId",)),
}


def fake_object_id(kind: str, name: str) -> str:
    """The stand-in object id the program gets for an Entra lookup: stable across runs.
    Plans show it as its label (`Recording.placeholders`), never as this GUID."""
    return str(uuid.uuid5(_FAKE_IDS, f"{kind}:{name.lower()}"))


DERIVED = "<derived at deploy>"  # a name derived from a stand-in: the real one is not known offline
_KINDS = {"user": "user", "group": "group", "servicePrincipal": "service principal"}
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def shown(value: Any, placeholders: Mapping[str, str]) -> Any:
    """`value` as a reviewer reads it: every stand-in GUID (whole or inside a string) as its label."""
    if not placeholders:
        return value
    if isinstance(value, str):
        if len(value) < 36:
            return value
        label = placeholders.get(value)
        return label if label is not None else _GUID.sub(lambda m: placeholders.get(m[0], m[0]), value)
    if isinstance(value, dict):
        return {k: shown(v, placeholders) for k, v in value.items()}
    if isinstance(value, list):
        return [shown(v, placeholders) for v in value]
    return value


@dataclass
class Registration:
    urn: str
    type: str
    name: str
    custom: bool
    parent: str
    inputs: dict[str, Any]
    dependencies: list[str]
    options: dict[str, Any]


@dataclass
class Recording:
    project: str
    stack: str
    resources: list[Registration] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    invokes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    invoke_providers: list[str] = field(default_factory=list)  # the provider reference of each invoke ("" for the default)
    budget: Budget | None = None  # the whole spec's role assignments (all shards), from the model
    moved: list[str] = field(default_factory=list)  # what `pulumi up` does about each `moved` rename
    # stand-in GUID -> what it stands for (`<object id of user alice@contoso.com>`, DERIVED):
    # the program needs GUIDs, a reviewer must not take them for real ones
    placeholders: dict[str, str] = field(default_factory=dict)

    @property
    def role_assignments(self) -> int:
        """Role assignments this plan (this stack) creates."""
        return sum(1 for r in self.resources if r.type == "azure-native:authorization:RoleAssignment")

    def by_type(self, type_: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_]

    def shown(self, value: Any) -> Any:
        return shown(value, self.placeholders)


def _plain(value: Any) -> Any:
    """Wire values -> plain JSON: secrets masked, unknowns named, references as URNs."""
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET_SIG:
            return SECRET
        if sig == _RESOURCE_SIG:
            return value.get("urn", "")
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value == _UNKNOWN_VALUE:
        return UNKNOWN
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _dynamic_inputs(type_: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """A dynamic resource's serialized provider and file content, summarized: a plan stays readable."""
    if not type_.startswith("pulumi-python:dynamic"):
        return inputs
    out = dict(inputs)
    if "__provider" in out:
        out["__provider"] = DYNAMIC_PROVIDER
    content = out.get("content")
    if isinstance(content, str):
        data = content.encode("utf-8")
        out["content"] = f"[{len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:12]}…]"
    file = out.get("file")
    if isinstance(file, str):  # a definition import's file: its absolute path differs by checkout, its hash says what changed
        out["file"] = Path(file).name
    return out


# Answers invokes live (verify, export): (token, args) -> result, or None for the placeholder.
Invoke = Callable[[str, dict[str, Any]], "dict[str, Any] | None"]


class _Mocks(pulumi.runtime.Mocks):
    def __init__(
        self,
        recording: Recording,
        preview: bool,
        platform_outputs: dict[str, Any] | None = None,
        *,
        subscription: str = PLACEHOLDER_SUBSCRIPTION,
        lookups: Mapping[str, str] | None = None,
        invoke: Invoke | None = None,
    ):
        self.recording = recording
        self.preview = preview
        self.platform_outputs = platform_outputs or {}
        self.subscription = subscription
        self.lookups = {k.lower(): v for k, v in (lookups or {}).items()}
        self.invoke = invoke

    def _oid(self, kind: str, name: str) -> str:
        """A lookup's object id: the one given for this name, else the stable stand-in."""
        return self.lookups.get(name.lower()) or self._fake(kind, name, f"<object id of {_KINDS[kind]} {name}>")

    def _fake(self, kind: str, name: str, label: str) -> str:
        oid = fake_object_id(kind, name)
        self.recording.placeholders.setdefault(oid, label)  # the first spelling of a name
        return oid

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ == "pulumi:pulumi:StackReference":
            # the platform stack, as the same spec would have deployed it
            return args.name, {"name": args.name, "outputs": self.platform_outputs, "secretOutputNames": []}
        state = dict(args.inputs)
        identity = state.get("identity")
        if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
            # inputs list the ids; the provider returns a map of id -> identity details
            identity = dict(identity, userAssignedIdentities={i: {} for i in identity["userAssignedIdentities"]})
            state["identity"] = identity
        for path in COMPUTED.get(args.typ, ()):
            target = state
            for part in path[:-1]:
                target = target.setdefault(part, {}) if isinstance(target.get(part, {}), dict) else {}
            dotted = ".".join(path)
            target[path[-1]] = _UNKNOWN_VALUE if self.preview else self._fake(args.typ, f"{args.name}/{dotted}", f"<{dotted} of {args.name}>")
        return (None if self.preview else f"{args.name}-id"), state

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override] # a dict is a valid answer
        token, a = args.token, dict(args.args)
        self.recording.invokes.append((token, a))
        self.recording.invoke_providers.append(args.provider or "")
        if self.invoke is not None:
            answer = self.invoke(token, a)
            if answer is not None:
                return answer
        if token in ("azure-native:authorization:getClientConfig", "azuread:index/getClientConfig:getClientConfig"):
            deployer = self._fake("client", "pipeline", "<object id of the deploying identity>")
            ids = {"tenantId": PLACEHOLDER_TENANT, "clientId": deployer, "objectId": deployer}
            return ids | ({"subscriptionId": self.subscription} if token.startswith("azure-native") else {})
        if token == "azuread:index/getUser:getUser":
            upn = a.get("userPrincipalName") or a.get("mail") or ""
            return {"objectId": self._oid("user", upn), "userPrincipalName": upn}
        if token == "azuread:index/getGroup:getGroup":
            name = a.get("displayName") or ""
            return {"objectId": self._oid("group", name), "displayName": name}
        if token == "azuread:index/getServicePrincipal:getServicePrincipal":
            name = a.get("displayName") or a.get("clientId") or ""
            return {"objectId": self._oid("servicePrincipal", name), "displayName": name, "clientId": self._fake("client", name, f"<client id of service principal {name}>")}
        if token == "azuread:index/getUsers:getUsers":
            names = list(a.get("userPrincipalNames") or [])
            return {"userPrincipalNames": names, "objectIds": [self._oid("user", n) for n in names]}
        if token == "azuread:index/getGroups:getGroups":
            names = list(a.get("displayNames") or [])
            return {"displayNames": names, "objectIds": [self._oid("group", n) for n in names]}
        if token == "azuread:index/getServicePrincipals:getServicePrincipals":
            if a.get("clientIds"):  # offline, a GUID stays the object id it may be
                return {"clientIds": [], "objectIds": [], "displayNames": []}
            names = list(a.get("displayNames") or [])
            return {"displayNames": names, "objectIds": [self._oid("servicePrincipal", n) for n in names]}
        if token == "azure-native:managedidentity:getUserAssignedIdentity":
            name = a.get("resourceName") or ""
            principal = self._fake("identity", name, f"<principal id of identity {name}>")
            return {"principalId": principal, "clientId": self._fake("identity-client", name, f"<client id of identity {name}>"), "tenantId": PLACEHOLDER_TENANT}
        return {}


# Told of each registration as it is recorded (progress feedback); called from worker threads.
OnRegister = Callable[[Registration], None]


class _Monitor(pulumi_mocks.MockMonitor):
    def __init__(self, mocks: _Mocks, recording: Recording, on_register: OnRegister | None = None):
        super().__init__(mocks)
        self.recording = recording
        self.on_register = on_register

    def _add(self, registration: Registration) -> None:
        self.recording.resources.append(registration)
        if self.on_register is not None:
            self.on_register(registration)

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            options: dict[str, Any] = {}
            if request.protect:
                options["protect"] = True
            if request.deleteBeforeReplace:
                options["deleteBeforeReplace"] = True
            if list(request.additionalSecretOutputs):
                options["additionalSecretOutputs"] = sorted(request.additionalSecretOutputs)
            # what a diff needs to state Pulumi's action: kept in Azure on delete, properties
            # whose change the program ignores, and those it declares replace-on-change
            if request.retainOnDelete:
                options["retainOnDelete"] = True
            if list(request.ignoreChanges):
                options["ignoreChanges"] = sorted(request.ignoreChanges)
            if list(request.replaceOnChanges):
                options["replaceOnChanges"] = sorted(request.replaceOnChanges)
            named = sorted(a.spec.name for a in request.aliases if a.HasField("spec") and a.spec.name)
            if named:  # names this resource had before (the SDK's own type aliases are left out)
                options["aliases"] = named
                # the URNs Pulumi looks for in the state: the same parent types and type, the old
                # name (a child's URN holds its parents' types, not their names), so `diff` pairs
                # a renamed resource with the one it was
                options["aliasUrns"] = [response.urn.rsplit("::", 1)[0] + "::" + n for n in named]
            self._add(
                Registration(
                    urn=response.urn,
                    type=request.type,
                    name=request.name,
                    custom=bool(request.custom),
                    parent=request.parent,
                    inputs=_dynamic_inputs(request.type, _plain(json_format.MessageToDict(request.object))),
                    dependencies=sorted(set(request.dependencies)),
                    options=options,
                )
            )
        return response

    def ReadResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        """Reads (a StackReference, `get` of an existing resource) are recorded too."""
        response = super().ReadResource(request)
        self._add(
            Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=True,
                parent=request.parent,
                inputs=_plain(json_format.MessageToDict(request.properties)),
                dependencies=sorted(set(request.dependencies)),
                options={"read": request.id},
            )
        )
        return response


def _spec_facts(
    spec_path: Path, stack: str, project: str, platform_stack: str | None, subscription: str
) -> tuple[dict[str, str], dict[str, Any], Budget | None, list[str]]:
    """Config for every secret the spec reads (a plan never needs the real values), the
    outputs the platform stack would have (the same spec deployed under the platform
    stack's own name, so a name that depends on ${stack} shows the mismatch offline), and
    the spec's role-assignment budget, and what each `moved` rename does."""
    try:
        spec = load_spec(spec_path, stack=stack, project=project).spec
        platform_name = platform_stack.rsplit("/", 1)[-1] if platform_stack else stack
        ac = load_spec(spec_path, stack=platform_name, project=project).spec.api_center if platform_name != stack else spec.api_center
    except Exception:  # noqa: BLE001 - the program itself reports spec problems
        return {}, {}, None, []
    platform = {"apiCenterId": f"/subscriptions/{subscription}/resourceGroups/{ac.resource_group}/providers/Microsoft.ApiCenter/services/{ac.name}"}
    return {f"apic-access:{key}": "plan-placeholder" for key in spec.config_secrets}, platform, budget(spec), [m.effect() for m in spec.moved]


@contextmanager
def _cwd(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def project_dir() -> Path:
    """Where Pulumi.yaml and __main__.py live: the checkout this package runs from."""
    return Path(__file__).resolve().parent.parent


def record(
    spec_path: str | Path,
    *,
    stack: str = "dev",
    project: str = "apic-access",
    config: Mapping[str, str] | None = None,
    secret_keys: list[str] | None = None,
    preview: bool = True,
    program: Path | None = None,
    secret_placeholders: bool = True,
    subscription: str | None = None,
    lookups: Mapping[str, str] | None = None,
    invoke: Invoke | None = None,
    on_register: OnRegister | None = None,
) -> Recording:
    """Run the Pulumi program (__main__.py) for `spec_path` and return what it registered.

    Raises pulumi.RunError for spec problems (with the validator's message) like `pulumi up`.
    `subscription` replaces the placeholder subscription (ids then are the real ones);
    `lookups` answers Entra lookups by name (lower case) with real object ids; `invoke`
    answers invokes (Entra lookups, the client config) from the live service instead;
    `on_register` is told of each resource as it is recorded.
    """
    # the spec and its definition files are loaded once for the engine and the program both
    with per_command.scope():
        return _record(spec_path, stack, project, config, secret_keys, preview, program, secret_placeholders, subscription, lookups, invoke, on_register)


def _record(
    spec_path: str | Path,
    stack: str,
    project: str,
    config: Mapping[str, str] | None,
    secret_keys: list[str] | None,
    preview: bool,
    program: Path | None,
    secret_placeholders: bool,
    subscription: str | None = None,
    lookups: Mapping[str, str] | None = None,
    invoke: Invoke | None = None,
    on_register: OnRegister | None = None,
) -> Recording:
    spec_path = Path(spec_path).resolve()
    recording = Recording(project=project, stack=stack)
    subscription = subscription or PLACEHOLDER_SUBSCRIPTION
    placeholders, platform_outputs, recording.budget, recording.moved = _spec_facts(spec_path, stack, project, (config or {}).get("apic-access:platformStack"), subscription)
    all_config = {**(placeholders if secret_placeholders else {}), **(config or {}), "apic-access:spec": str(spec_path)}
    mocks = _Mocks(recording, preview, platform_outputs, subscription=subscription, lookups=lookups, invoke=invoke)
    try:
        asyncio.get_event_loop()
    except RuntimeError:  # a caller (or a test before) closed it: the SDK's sync invokes need one
        asyncio.set_event_loop(asyncio.new_event_loop())
    monitor = _Monitor(mocks, recording, on_register)
    pulumi_settings.ROOT.set(None)
    pulumi.runtime.set_all_config(all_config, [k for k in all_config if k != "apic-access:spec"] + list(secret_keys or []))
    quiet = logging.getLogger("apic-access.recorder")  # the CLI reports spec warnings itself
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview, monitor=monitor, logger=quiet)
    root = pulumi_settings.get_root_resource()

    def run() -> None:
        if program is None:  # the packaged program, as __main__.py runs it: works outside any checkout
            from apic_access.components.program import run as run_program

            run_program()
            return
        sys.path.insert(0, str(program.parent))
        try:
            with _cwd(program.parent):
                runpy.run_path(str(program), run_name="__main__")
        finally:
            sys.path.remove(str(program.parent))

    with gc_tuning.tuned():
        _sync_await(run_pulumi_func(run))
    outputs = getattr(root, "outputs", {}) or {}
    for key, value in outputs.items():
        recording.outputs[key] = _resolve_output(value)
    recording.resources.sort(key=lambda r: r.urn)
    recording.placeholders.setdefault(PLACEHOLDER_TENANT, "<tenant id>")
    if subscription == PLACEHOLDER_SUBSCRIPTION:  # a real one (import-ids, verify) shows as itself
        recording.placeholders.setdefault(PLACEHOLDER_SUBSCRIPTION, "<subscription id>")
    _derived_names(recording)
    return recording


def _derived_names(recording: Recording) -> None:
    """A role assignment's name is derived from its scope and its principal's object id (or its
    identity's resource id; arm.assignment_name): from a stand-in, the name is a stand-in too."""
    for r in recording.by_type("azure-native:authorization:RoleAssignment"):
        principal, name = r.inputs.get("principalId"), r.inputs.get("roleAssignmentName")
        scope = str(r.inputs.get("scope", ""))
        if not isinstance(name, str):
            continue
        if recording.placeholders.get(PLACEHOLDER_SUBSCRIPTION) and PLACEHOLDER_SUBSCRIPTION in scope.lower():
            recording.placeholders[name] = DERIVED  # every name under the stand-in subscription
        elif principal in recording.placeholders:
            role = str(r.inputs.get("roleDefinitionId", "")).rsplit("/", 1)[-1]
            if name == arm.assignment_name(scope, role, principal):
                recording.placeholders[name] = DERIVED


def _resolve_output(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _resolve_output(v) for k, v in sorted(value.items())}
    out = pulumi.Output.from_input(value)
    known = _sync_await(out.is_known())
    if not known:
        return UNKNOWN
    if _sync_await(out.is_secret()):
        return SECRET
    return _mask_nested(_sync_await(out.future()))


def _mask_nested(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _mask_nested(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_mask_nested(v) for v in value]
    return UNKNOWN if value is None else value
