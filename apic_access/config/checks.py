"""Cross-checks the schema cannot express: references resolve, one scheme per auth config,
identities well formed, and warnings for setups the portal cannot test.

They read the raw tree defensively (it may also have schema problems) and only report.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from apic_access.azure.arm import IDENTIFIER_URI_FORMS, LOCATIONS, identifier_uri_accepted

from . import moved as moved_keys
from .definition_files import check_definition_files
from .errors import LINE_OF, Problem, did_you_mean, format_path
from .schema import mark_at, schema, variable_hint

SCHEMES = ("apiKey", "oauth2", "http")
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _map(node: Any) -> dict[str, Any]:
    return node if isinstance(node, dict) else {}


def _list(node: Any) -> list[Any]:
    return node if isinstance(node, list) else []


def _str(node: Any) -> str | None:
    return node if isinstance(node, str) else None


# Warnings of one kind shown one by one; the rest are told in one line. A 1,000-API inventory
# would otherwise print thousands of the same warning (and GitHub shows only 10 annotations of
# a kind per step anyway).
REPEATS_SHOWN = 10
# kind -> what the places a warning of that kind is about are called, in the summary line
_KINDS = {
    "no-principals": "bindings with no principals",
    "no-deployment": "versions with access entries but no deployment with runtimeUris",
    "nothing-to-try": "versions with access entries but no definition file",
    "unbound": "auth configs bound to no API version",
    "plain-http": "plain http runtime URIs",
    "contact-email": "contact emails that are no address",
}


class _Checker:
    def __init__(self, root: Any):
        self.root = root
        self.problems: list[Problem] = []
        self._repeated: dict[str, list[tuple[list[Any], str, bool, list[Any]]]] = {}

    def warn_repeated(self, kind: str, path: list[Any], message: str, *, key: bool = False, about: list[Any] | None = None) -> None:
        """A warning that can come once per API, version or binding (`about`, default `path`):
        see REPEATS_SHOWN."""
        self._repeated.setdefault(kind, []).append((path, message, key, path if about is None else about))

    def finish(self) -> list[Problem]:
        for kind, found in self._repeated.items():
            for path, message, key, _ in found[:REPEATS_SHOWN]:
                self.warn(path, message, key=key)
            rest = found[REPEATS_SHOWN:]
            if rest:
                named = ", ".join(format_path(about) for _, _, _, about in rest[:3]) + (", …" if len(rest) > 3 else "")
                self.warn(
                    rest[0][0],
                    f"and {len(rest):,} more {_KINDS[kind]}, this one first ({named}): not listed one by one; the fix of the warnings above applies to each",
                    key=rest[0][2],
                    stands_for=len(rest),
                )
        self._repeated = {}
        return self.problems

    def error(self, path: list[Any], message: str, *, key: bool = False, severity: str = "error", first: list[Any] | None = None, stands_for: int = 1) -> None:
        """`first`: the path of the entry `message` names by LINE_OF.format(0)."""
        refs = (mark_at(self.root, first, key=key),) if first is not None else ()
        self.problems.append(Problem(mark_at(self.root, path, key=key), format_path(path), message, severity, refs, stands_for=stands_for))

    def warn(self, path: list[Any], message: str, *, key: bool = False, stands_for: int = 1) -> None:
        self.error(path, message, key=key, severity="warning", stands_for=stands_for)

    def ref(self, path: list[Any], value: Any, known: list[str], what: str, fix: str, where: str = "") -> bool:
        """Report `value` at `path` unless it names one of `known`."""
        if not isinstance(value, str) or value in known:
            return isinstance(value, str)
        self.error(path, f"unknown {what} '{value}'{where}{did_you_mean(value, known)}{fix}")
        return False


def app_secret_names(root: Any) -> dict[str, str]:
    """Key Vault secret name -> Entra app that stores its client secret there."""
    out: dict[str, str] = {}
    for app, spec in _map(_map(root).get("entraApps")).items():
        cs = _map(spec).get("clientSecret")
        if isinstance(cs, dict):
            out[_str(cs.get("keyVaultSecret")) or f"{app}-client-secret"] = app
    return out


def cross_check(root: Any, spec_file: str | None = None) -> list[Problem]:
    c = _Checker(root)
    top = _map(root)
    vault = _map(top.get("keyVault"))
    secrets = _map(vault.get("secrets"))
    app_secrets = app_secret_names(root)
    apps = list(_map(top.get("entraApps")))
    auth = _map(top.get("authConfigs"))
    envs = list(_map(top.get("environments")))
    known_secrets = [*secrets, *app_secrets]

    _check_location(c, _map(top.get("apiCenter")).get("location"))
    _check_variables_written(c, [], top)
    _check_identity(c, _map(top.get("apiCenter")).get("identity"))
    _check_arm_names(c, top)

    for name, spec in secrets.items():
        spec = _map(spec)
        if "fromConfig" in spec and spec.get("existing") is True:
            c.error(["keyVault", "secrets", name], "has both `fromConfig` and `existing: true`: keep one")
        elif "fromConfig" not in spec and spec.get("existing") is not True and "value" not in spec:
            c.error(["keyVault", "secrets", name], "needs `fromConfig: KEY` (its value comes from the stack's secret config) or `existing: true`")
    for secret, app in app_secrets.items():
        if secret in secrets:
            c.error(["keyVault", "secrets", secret], f"is also where Entra app '{app}' stores its client secret: the app writes it, so remove this entry or set the app's clientSecret.keyVaultSecret to another name", key=True)
    if app_secrets and "keyVault" not in top:
        first = next(iter(app_secrets.values()))
        c.error(["entraApps", first, "clientSecret"], "needs a `keyVault` to store the client secret in: add a keyVault section")

    for app, spec in _map(top.get("entraApps")).items():
        cs = _map(_map(spec).get("clientSecret"))
        exp, rot = cs.get("expiresInDays", 180), cs.get("rotateAfterDays")
        if isinstance(exp, int) and isinstance(rot, int) and rot >= exp:
            c.error(["entraApps", app, "clientSecret", "rotateAfterDays"], f"{rot} is not before expiresInDays ({exp}): rotate before the secret expires")
        uri = _map(spec).get("identifierUri")
        if isinstance(uri, str) and uri.startswith(("api://", "https://")) and not identifier_uri_accepted(uri):
            c.error(
                ["entraApps", app, "identifierUri"],
                f"'{uri}' is refused by Entra's identifier-URI restrictions (a tenant can enforce them, some tenants have them by default): "
                f"use one of {', '.join(IDENTIFIER_URI_FORMS)}; for example api://{{tenantId}}/{uri.split('://', 1)[1].strip('/') or app} ({{tenantId}} and {{appId}} are filled in at deploy time)",
            )
        for i, owner in enumerate(_list(_map(spec).get("owners"))):
            if isinstance(owner, str) and "@" not in owner and not GUID.match(owner):
                c.error(["entraApps", app, "owners", i], f"'{owner}' is neither a user principal name nor an object id")
        _check_case_duplicates(c, ["entraApps", app, "owners"], _list(_map(spec).get("owners")))

    used_configs: set[str] = set()
    for name, spec in auth.items():
        _check_auth_config(c, name, _map(spec), known_secrets, apps, top)

    for api, spec in _map(top.get("apis")).items():
        spec = _map(spec)
        versions = _map(spec.get("versions"))
        deployed_versions: set[str] = set()
        for dep, dspec in _map(spec.get("deployments")).items():
            dspec = _map(dspec)
            p: list[Any] = ["apis", api, "deployments", dep]
            c.ref([*p, "environment"], dspec.get("environment"), envs, "environment", ": add it under `environments` or fix the name")
            ref = _str(dspec.get("definition"))
            if ref and ref.count("/") == 1:
                ver, definition = ref.split("/")
                if c.ref([*p, "definition"], ver, list(versions), "version", ": the reference is VERSION/DEFINITION of this API", f" in API '{api}'"):
                    defs = list(_map(_map(versions.get(ver)).get("definitions")))
                    c.ref([*p, "definition"], definition, defs, "definition", ": add it under the version's `definitions` or fix the name", f" in version '{ver}'")
                if _list(dspec.get("runtimeUris")):
                    deployed_versions.add(ver)
        for ver, vspec in versions.items():
            access = _list(_map(vspec).get("access"))
            seen: dict[str, int] = {}
            for i, entry in enumerate(access):
                entry = _map(entry)
                p = ["apis", api, "versions", ver, "access", i]
                cfg = entry.get("authConfig")
                if c.ref([*p, "authConfig"], cfg, list(auth), "auth config", ": add it under `authConfigs` or fix the name"):
                    used_configs.add(str(cfg))
                binding = entry.get("name", cfg)
                if isinstance(binding, str):
                    if binding in seen:
                        c.error(
                            [*p, "name"] if "name" in entry else [*p, "authConfig"],
                            f"binding name '{binding}' is already used by access[{seen[binding]}] ({LINE_OF.format(0)}) of this version: give one of them a distinct `name`",
                            first=["apis", api, "versions", ver, "access", seen[binding]],
                        )
                    else:
                        seen[binding] = i
                _check_principals(c, p, entry)
                if not any(_list(entry.get(k)) for k in ("users", "groups", "servicePrincipals")):
                    c.warn_repeated("no-principals", p, f"binding '{binding}' has no principals: nobody can use it to try the API; add users, groups or servicePrincipals")
            if access and ver not in deployed_versions:
                c.warn_repeated("no-deployment", ["apis", api, "versions", ver, "access"], "this version has access entries but no deployment with runtimeUris: the portal has nowhere to send \"Try this API\"; add a deployment", about=["apis", api, "versions", ver])
            if access:
                _check_something_to_try(c, ["apis", api, "versions", ver], spec, _map(vspec))

    for name in auth:
        if name not in used_configs:
            c.warn_repeated("unbound", ["authConfigs", name], f"auth config '{name}' is bound to no API version: add it to a version's `access` or remove it")

    portal = _map(top.get("portal"))
    sign_in = portal.get("signIn")
    if portal and portal.get("enabled", True) is not False:
        si = _map(sign_in)
        if "entraApp" in si and "clientId" in si:
            c.error(["portal", "signIn"], "has both `entraApp` and `clientId`: keep one")
        elif not si.get("entraApp") and not si.get("clientId"):
            c.error(["portal"], "an enabled portal needs `signIn: {entraApp: NAME}` (an entraApps entry) or `signIn: {clientId: GUID}`")
        if "entraApp" in si:
            c.ref(["portal", "signIn", "entraApp"], si.get("entraApp"), apps, "Entra app", ": add it under `entraApps` or fix the name")
        readers = _map(portal.get("readers"))
        if readers:
            _check_principals(c, ["portal", "readers"], readers)
    _check_accepted_but_broken(c, top)
    credential_readers = _map(_map(top.get("apiCenter")).get("credentialReaders"))
    if credential_readers:
        _check_principals(c, ["apiCenter", "credentialReaders"], credential_readers)
    _check_moved(c, top)
    c.problems += check_definition_files(root, spec_file or str(getattr(root, "file", "<spec>")))
    return c.finish()


# A DNS label (one dot-separated part of a host name) is at most 63 characters (RFC 1035).
DNS_LABEL_MAX = 63
# An email address as far as a mailto: link needs one: something, @, a domain.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
# Browsers let an https page call these over plain http (they are "potentially trustworthy").
_LOOPBACK = re.compile(r"^http://(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?:[:/?#]|$)", re.IGNORECASE)


def server_types() -> list[str]:
    """The server types ARM's api-version names (its list is open: the schema gives them as examples)."""
    return list(schema()["$defs"]["environment"]["properties"]["server"]["properties"]["type"]["examples"])


def _check_accepted_but_broken(c: _Checker, top: dict[str, Any]) -> None:
    """Values ARM stores without complaint that surely break something downstream: warnings,
    since Azure accepts them and a hand-made (exported) setup may have them."""
    name = _str(_map(top.get("apiCenter")).get("name"))
    if name and len(name) > DNS_LABEL_MAX:
        c.warn(
            ["apiCenter", "name"],
            f"'{name[:30]}…{name[-26:]}' is {len(name)} characters: Azure accepts up to 90, but the API center's portal and data-plane host names "
            f"(NAME.portal.REGION.azure-apicenter.ms, NAME.data.REGION.azure-apicenter.ms) start with it and a DNS label stops at {DNS_LABEL_MAX}, "
            f"so neither resolves; use at most {DNS_LABEL_MAX} characters",
        )
    known = server_types()
    for env, spec in _map(top.get("environments")).items():
        kind = _str(_map(_map(spec).get("server")).get("type"))
        if not kind or kind in known:
            continue
        # ARM's list is open: only a near miss of a name it knows is surely a typo (`Tyk Gateway` is no `Kong API Gateway`)
        close = difflib.get_close_matches(kind.lower(), [k.lower() for k in known], n=1, cutoff=0.85)
        if close:
            meant = next(k for k in known if k.lower() == close[0])
            c.warn(
                ["environments", env, "server", "type"],
                f"'{kind}' is not a server type Azure names (did you mean '{meant}'?): the portal shows it as written; fix the spelling, or keep it for a server Azure does not name",
            )
    portal = _map(top.get("portal"))
    served = bool(portal) and portal.get("enabled", True) is not False
    for api, spec in _map(top.get("apis")).items():
        spec = _map(spec)
        if served:
            for dep, dspec in _map(spec.get("deployments")).items():
                for i, uri in enumerate(_list(_map(dspec).get("runtimeUris"))):
                    if isinstance(uri, str) and uri.lower().startswith("http://") and not _LOOPBACK.match(uri):
                        c.warn_repeated(
                            "plain-http",
                            ["apis", api, "deployments", dep, "runtimeUris", i],
                            f"'{uri}' is plain http: the API Center portal is served over https, so browsers block its \"Try this API\" calls "
                            "to this address (mixed content); serve the API over https and write https:// here",
                        )
        for i, contact in enumerate(_list(spec.get("contacts"))):
            email = _map(contact).get("email")
            if isinstance(email, str) and not EMAIL.match(email):
                c.warn_repeated(
                    "contact-email",
                    ["apis", api, "contacts", i, "email"],
                    f"'{email}' is no email address: Azure stores it, but the portal's contact link (mailto:) leads nowhere; "
                    "write an address such as api-team@contoso.com, or give a web page as the contact's `url`",
                )


def _keys_of(top: dict[str, Any], kind: str, parts: tuple[str, ...]) -> list[str]:
    """The keys that exist where `parts` points (for a did-you-mean on its last part)."""
    if kind == "secret":
        return list(_map(_map(top.get("keyVault")).get("secrets")))
    if kind in ("entraApp", "authConfig", "environment", "api"):
        return list(_map(top.get(moved_keys.FORMS[kind][1])))
    api = _map(_map(top.get("apis")).get(parts[0]))
    if kind == "version":
        return list(_map(api.get("versions")))
    access = _list(_map(_map(api.get("versions")).get(parts[1])).get("access"))
    return [str(b) for e in access if isinstance(b := _map(e).get("name", _map(e).get("authConfig")), str)]


def _check_moved(c: _Checker, top: dict[str, Any]) -> None:
    """Each entry names a key that was renamed (`from`, gone) and the key it is now (`to`)."""
    seen: dict[str, int] = {}
    for i, item in enumerate(_list(top.get("moved"))):
        item = _map(item)
        p: list[Any] = ["moved", i]
        parsed = {}
        for end in ("from", "to"):
            value = item.get(end)
            if not isinstance(value, str):
                continue  # the schema reports it
            parsed[end] = moved_keys.parse(value)
            if parsed[end] is None:
                c.error([*p, end], f"'{value}' is not a spec path `moved` accepts: use {moved_keys.ACCEPTED}")
        old, new = parsed.get("from"), parsed.get("to")
        if old is None or new is None:
            continue
        if old[0] != new[0]:
            c.error(
                [*p, "to"],
                f"'{item['to']}' is {_a(moved_keys.FORMS[new[0]][2])} but '{item['from']}' is {_a(moved_keys.FORMS[old[0]][2])}: "
                "a `moved` entry renames one key, so `to` has the form of `from`",
            )
            continue
        kind = old[0]
        source = str(item["from"]).strip()
        first = seen.setdefault(source, i)
        if first != i:
            c.error([*p, "from"], f"{source} is already moved by moved[{first}] ({LINE_OF.format(0)}): keep one entry per renamed key", first=["moved", first, "from"])
        if old == new:
            c.error([*p, "to"], f"'{item['to']}' is the same key as `from`: nothing was renamed; remove this entry")
            continue
        if moved_keys.exists(top, kind, old[1]):
            c.error(
                [*p, "from"],
                f"{source} still exists in the spec: `from` is the key as it was before the rename; "
                f"rename it to {str(item['to']).strip()} in the spec, or remove this entry if nothing was renamed",
            )
        if not moved_keys.exists(top, kind, new[1]):
            known = _keys_of(top, kind, new[1])
            hint = did_you_mean(new[1][-1], known)
            c.error(
                [*p, "to"],
                f"{str(item['to']).strip()} is not in the spec{hint}: `to` is the key as it is now; if it was renamed again, point `to` at its current name",
            )


def _a(what: str) -> str:
    return ("an " if what[0].lower() in "aeiou" else "a ") + what


def _check_something_to_try(c: _Checker, p: list[Any], api: dict[str, Any], version: dict[str, Any]) -> None:
    """A version people are given access to needs a definition file: the portal's "Try this API"
    lists the operations of the imported specification, and without one there are none."""
    definitions = _map(version.get("definitions"))
    if api.get("existing") is True or version.get("existing") is True or any(_map(d).get("existing") is True for d in definitions.values()):
        return  # registered elsewhere: its specification may well be imported already
    if any(isinstance(_map(d).get("file"), str) for d in definitions.values()):
        return
    if definitions:
        c.warn_repeated(
            "nothing-to-try",
            [*p, "definitions"],
            "this version has access entries but none of its definitions has a `file`: \"Try this API\" has no operations to show; "
            "add `file:` (the API's specification, such as an OpenAPI file) to one of them",
            key=True,
            about=p,
        )
    else:
        c.warn_repeated(
            "nothing-to-try",
            [*p, "access"],
            "this version has access entries but no definitions: \"Try this API\" has no operations to show; "
            "add `definitions: {openapi: {title: OpenAPI, file: ...}}` with the API's specification",
            about=p,
        )


def _check_identity(c: _Checker, identity: Any) -> None:
    identity = _map(identity)
    kind = identity.get("type", "SystemAssigned")
    ua = _list(identity.get("userAssigned"))
    p = ["apiCenter", "identity"]
    if isinstance(kind, str) and "UserAssigned" in kind and not ua:
        c.error([*p, "type"], f"'{kind}' needs at least one `userAssigned` identity: add `userAssigned: [{{name: ...}}]` or `[{{id: ...}}]`")
    if kind == "SystemAssigned" and ua:
        c.error([*p, "userAssigned"], "identities are listed but type is SystemAssigned: set `type: SystemAssigned,UserAssigned` (or UserAssigned)")
    seen: dict[str, int] = {}
    for i, item in enumerate(ua):
        item = _map(item)
        has = [k for k in ("name", "id") if k in item]
        if len(has) != 1:
            c.error([*p, "userAssigned", i], "give exactly one of `name` (an identity this stack creates) or `id` (an existing identity's resource id)")
            continue
        first = seen.setdefault(str(item[has[0]]).lower(), i)
        if first != i:
            c.error(
                [*p, "userAssigned", i, has[0]],
                f"'{item[has[0]]}' is already listed as userAssigned[{first}] ({LINE_OF.format(0)}): list each identity once",
                first=[*p, "userAssigned", first],
            )


def _check_auth_config(c: _Checker, name: str, spec: dict[str, Any], known_secrets: list[str], apps: list[str], top: dict[str, Any]) -> None:
    p = ["authConfigs", name]
    present = [s for s in SCHEMES if s in spec]
    if len(present) != 1:
        found = f"has {', '.join(present)}" if present else "has none"
        c.error(p, f"needs exactly one of apiKey, oauth2, http ({found}): keep one scheme per auth config")
    fix = ": add it under keyVault.secrets (with fromConfig) or fix the name"
    for scheme, key in (("apiKey", "secret"), ("http", "secret"), ("oauth2", "clientSecret")):
        ref = _map(spec.get(scheme)).get(key)
        if ref is not None:
            if "keyVault" not in top:
                c.error([*p, scheme, key], "references a Key Vault secret but the spec has no `keyVault`: add one")
            else:
                c.ref([*p, scheme, key], ref, known_secrets, "Key Vault secret", fix)
    oauth = spec.get("oauth2")
    if isinstance(oauth, dict):
        flows = [f for f in _list(oauth.get("flows", ["authorizationCode"])) if isinstance(f, str)]
        if "entraApp" in oauth:
            app = oauth.get("entraApp")
            if c.ref([*p, "oauth2", "entraApp"], app, apps, "Entra app", ": add it under `entraApps` or fix the name"):
                for k in ("clientId", "clientSecret", "authorizationUrl", "tokenUrl", "refreshUrl"):
                    if k in oauth:
                        c.error([*p, "oauth2", k], f"is filled from Entra app '{app}': remove it, or remove `entraApp` to describe another identity provider", key=True)
                app_spec = _map(_map(top.get("entraApps")).get(str(app)))
                exposed = [str(_map(sc).get("value")) for sc in _list(app_spec.get("scopes")) if _map(sc).get("value")]
                for i, scope in enumerate(_list(oauth.get("scopes"))):
                    # a full URI names another resource's scope; .default is every permission granted
                    if isinstance(scope, str) and "://" not in scope and scope != ".default" and scope not in exposed:
                        offer = f"it exposes {', '.join(exposed)}" if exposed else "it exposes none"
                        c.error(
                            [*p, "oauth2", "scopes", i],
                            f"'{scope}' is not a scope Entra app '{app}' exposes ({offer}): add it to the app's `scopes` or fix the name",
                        )
                if "clientCredentials" in flows and "clientSecret" not in app_spec:
                    c.error([*p, "oauth2", "flows"], f"clientCredentials needs a client secret, but Entra app '{app}' has no `clientSecret`: add one to the app")
        else:
            if "clientId" not in oauth:
                c.error([*p, "oauth2"], "needs `entraApp` (an entraApps entry) or `clientId` with the identity provider's URLs")
            if "tokenUrl" not in oauth:
                c.error([*p, "oauth2"], "needs `tokenUrl`: the identity provider's token endpoint")
            if "authorizationCode" in flows and "authorizationUrl" not in oauth:
                c.error([*p, "oauth2"], "the authorizationCode flow needs `authorizationUrl`: the identity provider's authorize endpoint")
            if "clientCredentials" in flows and "clientSecret" not in oauth:
                c.error([*p, "oauth2"], "the clientCredentials flow needs `clientSecret`: a keyVault.secrets entry")


def _check_location(c: _Checker, location: Any) -> None:
    """A region name Azure does not have fails only at `pulumi up`: a warning, as the list may be behind Azure."""
    if not isinstance(location, str) or "${" in location:
        return
    name = location.replace(" ", "").lower()
    if name in LOCATIONS:
        return  # a display name (`East US`) is the schema's error already
    hint = did_you_mean(name, sorted(LOCATIONS))
    c.warn(
        ["apiCenter", "location"],
        f"'{location}' is not an Azure region this release knows{hint}: `az account list-locations --query [].name -o tsv` lists yours "
        "(a region added to Azure since then is fine)",
    )


def _check_variables_written(c: _Checker, path: list[Any], node: Any) -> None:
    """`$stack`, `{stack}` or `$(stack)` where `${stack}` was meant: taken as text, so every stack
    would get the same literal value. (In names, the schema's error says it already.)"""
    if isinstance(node, dict):
        for key, value in node.items():
            _check_variables_written(c, [*path, key], value)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _check_variables_written(c, [*path, i], value)
    elif isinstance(node, str) and ("{" in node or "$" in node):
        hint = variable_hint(node)
        if hint:
            c.warn(path, f"'{node}' is taken as text{hint}")


def _looks_like_guid(value: str) -> bool:
    """Hex digits and hyphens in roughly a GUID's shape, but not one: a digit lost in copying."""
    return bool(_GUID_LIKE.match(value)) and not GUID.match(value)


_GUID_LIKE = re.compile(r"^[0-9a-fA-F]{6,10}(-[0-9a-fA-F]{2,14}){2,5}$")


def _check_principals(c: _Checker, p: list[Any], entry: dict[str, Any]) -> None:
    for kind in ("users", "groups", "servicePrincipals"):
        for i, name in enumerate(_list(entry.get(kind))):
            if isinstance(name, str) and _looks_like_guid(name):
                c.error(
                    [*p, kind, i],
                    f"'{name}' looks like an object id with a digit missing or extra: an object id is 8-4-4-4-12 hex digits "
                    "(`az ad user show --id NAME --query id` prints one); copy it whole",
                )
    for i, user in enumerate(_list(entry.get("users"))):
        if isinstance(user, str) and "@" not in user and not GUID.match(user) and not _looks_like_guid(user):
            c.error(
                [*p, "users", i],
                f"'{user}' is neither a user principal name (alice@contoso.com) nor an object id; "
                "groups go under `groups`, service principals (apps, managed identities) under `servicePrincipals`",
            )
    for i, group in enumerate(_list(entry.get("groups"))):
        if isinstance(group, str) and "@" in group:
            c.warn(
                [*p, "groups", i],
                f"'{group}' looks like a mail address, but groups are looked up by display name (or object id): "
                "write the group's display name as Entra shows it, or its object id (`az ad group show --group NAME --query id`)",
            )
    for kind in ("users", "groups", "servicePrincipals"):
        _check_case_duplicates(c, [*p, kind], _list(entry.get(kind)))


def _check_arm_names(c: _Checker, top: dict[str, Any]) -> None:
    """ARM and Key Vault compare resource names without regard to case: two keys of one map
    that differ only in case are one resource, which the second would fight over."""
    maps: list[tuple[list[Any], Any]] = [([section], top.get(section)) for section in ("environments", "authConfigs", "apis")]
    maps.append((["keyVault", "secrets"], _map(top.get("keyVault")).get("secrets")))
    for api, spec in _map(top.get("apis")).items():
        maps += [(["apis", api, "versions"], _map(spec).get("versions")), (["apis", api, "deployments"], _map(spec).get("deployments"))]
        for ver, vspec in _map(_map(spec).get("versions")).items():
            maps.append((["apis", api, "versions", ver, "definitions"], _map(vspec).get("definitions")))
    for p, node in maps:
        seen: dict[str, str] = {}
        for name in _map(node):
            if not isinstance(name, str):
                continue
            first = seen.setdefault(name.lower(), name)
            if first != name:
                c.error(
                    [*p, name],
                    f"'{name}' and '{first}' ({LINE_OF.format(0)}) differ only in case: Azure names are not case-sensitive, so both are one resource; rename or merge them",
                    key=True,
                    first=[*p, first],
                )


def _check_case_duplicates(c: _Checker, p: list[Any], names: list[Any]) -> None:
    """Entra compares UPNs and display names without regard to case: two spellings are one principal."""
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if not isinstance(name, str):
            continue
        first = seen.setdefault(name.lower(), i)
        if first != i and names[first] != name:
            c.error(
                [*p, i],
                f"'{name}' and '{names[first]}' ({format_path([p[-1], first])}, {LINE_OF.format(0)}) differ only in case: Entra treats them as one principal; keep one of them",
                first=[*p, first],
            )
