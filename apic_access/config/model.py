"""The typed, frozen model of a valid spec: what the Pulumi components consume.

Every default of the spec language is applied here, once; nothing downstream sees raw
dicts or re-checks what validation guarantees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .moved import Moved, previous_names

FrozenMap = Mapping  # read-only views (MappingProxyType) at run time


def frozen(d: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(d or {}))


@dataclass(frozen=True)
class Principals:
    """Who: users (UPN or object id), groups (display name or object id), service principals."""

    users: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    service_principals: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.users or self.groups or self.service_principals)


@dataclass(frozen=True)
class UserAssignedIdentity:
    """Either `name` (created by this stack) or `id` (an existing identity)."""

    name: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class ApiCenter:
    name: str
    resource_group: str
    location: str
    create_resource_group: bool = True
    system_assigned: bool = True
    user_assigned: tuple[UserAssignedIdentity, ...] = ()
    tags: FrozenMap[str, str] = field(default_factory=frozen)
    protect: bool = False
    preview_api_versions: FrozenMap[str, str] = field(default_factory=frozen)
    preview_write_only: FrozenMap[str, tuple[str, ...]] = field(default_factory=frozen)
    role_assignment_budget: int = 4000  # Azure's fixed per-subscription limit unless lowered
    credential_readers: Principals = field(default_factory=Principals)  # Credential Access Reader on the whole service

    @property
    def identity_type(self) -> str:
        kinds = (["SystemAssigned"] if self.system_assigned else []) + (["UserAssigned"] if self.user_assigned else [])
        return ",".join(kinds)


@dataclass(frozen=True)
class Secret:
    name: str
    from_config: str | None = None
    existing: bool = False
    content_type: str | None = None


@dataclass(frozen=True)
class KeyVault:
    name: str
    resource_group: str
    existing: bool = False
    sku: str = "standard"
    purge_protection: bool = True
    soft_delete_retention_days: int = 90
    public_network_access: str = "Enabled"
    secrets: FrozenMap[str, Secret] = field(default_factory=frozen)

    @property
    def uri(self) -> str:
        return f"https://{self.name}.vault.azure.net/"

    def secret_uri(self, secret: str) -> str:
        """The versionless reference API Center takes."""
        return f"https://{self.name}.vault.azure.net/secrets/{secret}"


@dataclass(frozen=True)
class Scope:
    value: str
    description: str | None = None
    admin_only: bool = False


@dataclass(frozen=True)
class ClientSecret:
    key_vault_secret: str
    expires_in_days: int = 180
    rotate_after_days: int | None = None


@dataclass(frozen=True)
class EntraApp:
    key: str
    display_name: str
    sign_in_audience: str = "AzureADMyOrg"
    portal_redirect: bool = True
    spa_redirect_uris: tuple[str, ...] = ()
    identifier_uri: str | None = None
    scopes: tuple[Scope, ...] = ()
    client_secret: ClientSecret | None = None
    owners: tuple[str, ...] = ()
    portal_sign_in: bool = False  # set when portal.signIn names this app


@dataclass(frozen=True)
class ApiKeyScheme:
    in_: str
    name: str
    secret: str


@dataclass(frozen=True)
class OAuth2Scheme:
    flows: tuple[str, ...]
    scopes: tuple[str, ...] = ()
    entra_app: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    authorization_url: str | None = None
    token_url: str | None = None
    refresh_url: str | None = None


@dataclass(frozen=True)
class HttpScheme:
    scheme: str
    secret: str | None = None


@dataclass(frozen=True)
class AuthConfig:
    name: str
    title: str
    scheme: ApiKeyScheme | OAuth2Scheme | HttpScheme
    description: str | None = None
    extra_properties: FrozenMap[str, Any] = field(default_factory=frozen)
    adopt: bool = False  # take over one made by hand, instead of refusing to

    @property
    def secret_names(self) -> tuple[str, ...]:
        """Key Vault secrets this config references (API Center must be able to read them)."""
        s = self.scheme
        if isinstance(s, ApiKeyScheme):
            return (s.secret,)
        if isinstance(s, HttpScheme):
            return (s.secret,) if s.secret else ()
        return (s.client_secret,) if s.client_secret else ()


@dataclass(frozen=True)
class Environment:
    name: str
    title: str
    kind: str
    description: str | None = None
    existing: bool = False
    server_type: str | None = None
    management_portal_uris: tuple[str, ...] = ()
    instructions: str | None = None
    developer_portal_uris: tuple[str, ...] = ()
    custom_properties: FrozenMap[str, Any] | None = None


@dataclass(frozen=True)
class Definition:
    name: str
    title: str
    description: str | None = None
    existing: bool = False
    file: str | None = None  # absolute path, resolved against the spec file `file:` is written in
    specification_name: str | None = None  # given in `specification`, else detected from the file
    specification_version: str | None = None
    content_hash: str | None = None  # sha256 of the file: the import runs again when it changes


@dataclass(frozen=True)
class Access:
    """One binding of an auth config to a version, and who may use it."""

    binding: str
    auth_config: str
    principals: Principals
    via: str = "direct"  # direct | group: accessDefaults applied
    scope: str = "binding"  # binding | version | api: accessDefaults applied
    adopt: bool = False  # take over a binding made by hand, instead of refusing to


@dataclass(frozen=True)
class Version:
    name: str
    title: str
    lifecycle_stage: str
    existing: bool = False
    definitions: FrozenMap[str, Definition] = field(default_factory=frozen)
    access: tuple[Access, ...] = ()


@dataclass(frozen=True)
class Deployment:
    """A deployment; ARM takes one without a title, an environment or a definition (all None)."""

    name: str
    title: str | None
    environment: str | None
    version: str | None
    definition: str | None
    description: str | None = None
    existing: bool = False
    runtime_uris: tuple[str, ...] = ()
    state: str = "active"
    custom_properties: FrozenMap[str, Any] | None = None


@dataclass(frozen=True)
class Api:
    name: str
    title: str
    kind: str
    existing: bool = False
    summary: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    contacts: tuple[FrozenMap[str, str], ...] = ()
    external_docs: tuple[FrozenMap[str, str], ...] = ()
    license: FrozenMap[str, str] | None = None
    terms_of_service_url: str | None = None
    custom_properties: FrozenMap[str, Any] | None = None
    versions: FrozenMap[str, Version] = field(default_factory=frozen)
    deployments: FrozenMap[str, Deployment] = field(default_factory=frozen)


@dataclass(frozen=True)
class Portal:
    enabled: bool = True
    title: str | None = None
    sign_in_app: str | None = None
    sign_in_client_id: str | None = None
    anonymous_access: bool = False
    readers: Principals = field(default_factory=Principals)
    adopt: bool = False  # take over a portal made by hand, instead of refusing to


@dataclass(frozen=True)
class Spec:
    """A whole, valid spec with every default applied."""

    file: str
    stack: str
    project: str
    api_center: ApiCenter
    key_vault: KeyVault | None = None
    entra_apps: FrozenMap[str, EntraApp] = field(default_factory=frozen)
    auth_configs: FrozenMap[str, AuthConfig] = field(default_factory=frozen)
    environments: FrozenMap[str, Environment] = field(default_factory=frozen)
    apis: FrozenMap[str, Api] = field(default_factory=frozen)
    portal: Portal | None = None
    moved: tuple[Moved, ...] = ()  # renamed keys: the components give Pulumi the old names

    def previous_names(self, section: str, name: str) -> list[str]:
        """The logical names a resource of `section` ("entraApps", "apis", ...) named `name`
        had before the renames in `moved`: its Pulumi aliases."""
        return previous_names(self.moved, section, name) if self.moved else []

    @property
    def config_secrets(self) -> tuple[str, ...]:
        """Stack config keys whose secret values the spec needs."""
        if not self.key_vault:
            return ()
        return tuple(s.from_config for s in self.key_vault.secrets.values() if s.from_config)
