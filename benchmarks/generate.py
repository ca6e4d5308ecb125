"""Reference inventories for the scale benchmark, written as spec YAML.

    python benchmarks/generate.py N out.yaml

The spec has N APIs (`api-0001` ...), each with:

- 2 versions (`v1-0` production, `v2-0` preview), one definition (`openapi`) per version,
  importing a small OpenAPI file, as a version people get access to has (else the portal's
  "Try this API" has nothing to try, and `validate` warns). The files are written beside
  the spec (`write_definition_files`), one per version line, shared by every API: a
  definition file is checked once per content, so the inventory measures the spec pipeline
  at scale; `write_large_definition` measures the cost of checking a large file;
- one deployment per version with runtimeUris (`v1-0` to the production environment,
  `v2-0` to the development environment);
- 2 access entries (bindings) per version, each with 2 principals: one user and one group.
  The three auth configs rotate over the versions, so each is bound somewhere.
  Global binding b (0-based, in file order) names `user{b // 2}@contoso.com` (each user is
  in 2 bindings: 2N distinct users) and group `API Team {b // 8}` (each group is in 8
  bindings: ceil(N/2) distinct groups), so Entra lookups dedupe as in a real tenant.

Options for the layouts of the scale table in docs/limits.md: `via` and `scope` set
`accessDefaults` (group access, a coarser grant scope); `team_groups=T` replaces each binding's
principals with one of T team groups (`Team 00` ...; API i's bindings all go to team i mod T).

and, once: 3 auth configs (`bench-key` apiKey, `bench-oauth` oauth2 with an Entra app,
`bench-basic` http basic), 2 environments, a Key Vault with 2 `fromConfig` secrets, one
Entra app with a client secret (stored in the vault), and the portal (signing in with an
existing app's client id, readable by one group).

`counts(n)` gives the documented counts; `expected_custom_resources(n)` what a plan
registers for them.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import uuid
from pathlib import Path
from typing import Any

import yaml

AUTH_CONFIGS = ("bench-key", "bench-oauth", "bench-basic")
VERSIONS = (("v1-0", "v1.0", "production", "prod-env"), ("v2-0", "v2.0", "preview", "dev-env"))
PORTAL_CLIENT_ID = "2c1d0e4f-1111-2222-3333-444455556666"


# The definition file of each version line, relative to the spec.
DEFINITION_FILES = {"v1-0": "openapi/reference-v1.yaml", "v2-0": "openapi/reference-v2.yaml"}


def reference_openapi(version: str) -> str:
    """A small valid OpenAPI 3.0 file: a list and a get operation, as a simple REST API has."""
    return f"""\
openapi: 3.0.3
info:
  title: Reference API
  version: "{version}"
paths:
  /items:
    get:
      operationId: listItems
      responses:
        "200":
          description: The items
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: "#/components/schemas/Item"
  /items/{{id}}:
    get:
      operationId: getItem
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: string
      responses:
        "200":
          description: The item
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Item"
        "404":
          description: No such item
components:
  schemas:
    Item:
      type: object
      required: [id]
      properties:
        id:
          type: string
        name:
          type: string
"""


def write_definition_files(folder: str | Path) -> None:
    """The definition files a generated spec in `folder` imports."""
    for ver, title, _stage, _env in VERSIONS:
        path = Path(folder) / DEFINITION_FILES[ver]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(reference_openapi(title.removeprefix("v")), encoding="utf-8")


def api_name(i: int) -> str:
    return f"api-{i + 1:04d}"


def generate(n: int, *, via: str | None = None, scope: str | None = None, team_groups: int = 0) -> dict[str, Any]:
    """The spec of an N-API reference inventory, as plain data."""
    if n < 1:
        raise ValueError("N must be at least 1")
    apis: dict[str, Any] = {}
    binding = 0
    for i in range(n):
        name = api_name(i)
        versions: dict[str, Any] = {}
        deployments: dict[str, Any] = {}
        for j, (ver, title, stage, env) in enumerate(VERSIONS):
            first = (2 * i + j) % len(AUTH_CONFIGS)
            access = []
            for k in range(2):
                principals: dict[str, list[str]] = (
                    {"groups": [f"Team {i % team_groups:02d}"]}
                    if team_groups
                    else {"users": [f"user{binding // 2:05d}@contoso.com"], "groups": [f"API Team {binding // 8:04d}"]}
                )
                access.append({"authConfig": AUTH_CONFIGS[(first + k) % len(AUTH_CONFIGS)], **principals})
                binding += 1
            versions[ver] = {
                "title": title,
                "lifecycleStage": stage,
                "definitions": {"openapi": {"title": "OpenAPI", "description": f"{name} {title} OpenAPI description", "file": DEFINITION_FILES[ver]}},
                "access": access,
            }
            deployments[f"{ver}-{env.split('-')[0]}"] = {
                "title": f"{title} ({env.split('-')[0]})",
                "environment": env,
                "definition": f"{ver}/openapi",
                "runtimeUris": [f"https://{name}.contoso.com/{ver}"],
            }
        apis[name] = {
            "title": f"API {i + 1}",
            "kind": "rest",
            "summary": f"Reference API number {i + 1}",
            "contacts": [{"name": "API Platform", "email": "api-platform@contoso.com"}],
            "versions": versions,
            "deployments": deployments,
        }

    defaults = {k: v for k, v in (("via", via), ("scope", scope)) if v}
    return {
        "specVersion": 1,
        **({"accessDefaults": defaults} if defaults else {}),
        "apiCenter": {
            "name": "bench-apis-${stack}",
            "resourceGroup": "rg-bench-apis-${stack}",
            "location": "eastus",
            "tags": {"team": "platform", "env": "${stack}"},
        },
        "keyVault": {
            "name": "kv-bench-${stack}",
            "secrets": {
                "bench-api-key": {"fromConfig": "benchApiKey"},
                "bench-basic-credentials": {"fromConfig": "benchBasicCredentials"},
            },
        },
        "entraApps": {
            "bench-oauth": {
                "displayName": "Bench API (${stack})",
                "identifierUri": "api://{tenantId}/bench-${stack}",
                "scopes": [{"value": "Api.Read", "description": "Read"}],
                "clientSecret": {"expiresInDays": 180},
                "owners": ["platform-owner@contoso.com"],
            }
        },
        "authConfigs": {
            "bench-key": {"title": "Bench API key", "apiKey": {"in": "header", "name": "x-api-key", "secret": "bench-api-key"}},
            "bench-oauth": {"title": "Bench OAuth", "oauth2": {"entraApp": "bench-oauth", "flows": ["authorizationCode", "clientCredentials"]}},
            "bench-basic": {"title": "Bench basic auth", "http": {"scheme": "basic", "secret": "bench-basic-credentials"}},
        },
        "environments": {
            "prod-env": {"title": "Production", "kind": "production", "server": {"type": "Azure API Management"}},
            "dev-env": {"title": "Development", "kind": "development"},
        },
        "apis": apis,
        "portal": {
            "enabled": True,
            "title": "Bench APIs (${stack})",
            "signIn": {"clientId": PORTAL_CLIENT_ID},
            "readers": {"groups": ["All Engineers"]},
        },
    }


def validation_spec(n: int, *, invalid: bool = False, definition_files: bool = True) -> tuple[dict[str, Any], int]:
    """The N-API inventory as the validation targets measure it, and how many errors it has.

    Every principal is an object id (a GUID), as specs written from an Entra export are,
    and one auth config is bound nowhere (a warning). With `invalid`, one API in fifty has
    an error, five kinds in turn: an unknown auth config, an unknown kind, a misspelt
    property, a version name ARM refuses, a user that is neither a UPN nor an object id.
    Without `definition_files`, definitions carry no `file` (the spec language alone; every
    version then warns that "Try this API" has nothing to try: 10 shown, the rest in one line).
    """
    spec = generate(n, via="group", scope="version")  # a layout within Azure's 4,000 role assignments
    if not definition_files:
        for api in spec["apis"].values():
            for version in api["versions"].values():
                for definition in version["definitions"].values():
                    definition.pop("file", None)
    for i, api in enumerate(spec["apis"].values()):
        for j, version in enumerate(api["versions"].values()):
            for k, entry in enumerate(version["access"]):
                b = 4 * i + 2 * j + k
                entry["users"] = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"user/{b // 2}"))]
                entry["groups"] = [f"{b // 8:08x}-0000-0000-8000-{b:012d}"]  # the GUID shape that tripped the old YAML guard
    spec["portal"]["readers"] = {"groups": [str(uuid.uuid5(uuid.NAMESPACE_URL, "group/all-engineers"))]}
    spec["authConfigs"]["bench-unbound"] = {"title": "Bound nowhere", "http": {"scheme": "bearer"}}
    errors = 0
    if invalid:
        for i, api in enumerate(list(spec["apis"].values())[::50]):
            kind = i % 5
            version = api["versions"]["v1-0"]
            if kind == 0:
                version["access"][0]["authConfig"] = "bench-kye"
            elif kind == 1:
                api["kind"] = "rset"
            elif kind == 2:
                api["sumary"] = api.pop("summary")
            elif kind == 3:
                api["versions"]["v3.0"] = {"title": "v3.0", "lifecycleStage": "design"}
            else:
                version["access"][1]["users"] = ["API Testers"]
            errors += 1
    return spec, errors


def write_validation_spec(n: int, path: str | Path, *, invalid: bool = False, definition_files: bool = True) -> tuple[Path, int]:
    spec, errors = validation_spec(n, invalid=invalid, definition_files=definition_files)
    return _write(spec, path, f"{n}-API validation target ({'invalid' if invalid else 'valid, with warnings'})"), errors


def counts(n: int) -> dict[str, int]:
    """What `generate(n)` holds, by the documented construction."""
    bindings = 2 * 2 * n
    return {
        "apis": n,
        "versions": 2 * n,
        "definitions": 2 * n,
        "deployments": 2 * n,
        "bindings": bindings,
        "principals": 2 * bindings,  # principal entries in access lists
        "distinct_users": math.ceil(bindings / 2),
        "distinct_groups": math.ceil(bindings / 8),
        "auth_configs": len(AUTH_CONFIGS),
        "environments": 2,
        "entra_apps": 1,
        "config_secrets": 2,
    }


def expected_custom_resources(n: int, via: str | None = None, scope: str | None = None) -> int:
    """Custom resources a plan of `generate(n)` registers.

    Fixed: resource group, service, vault, 2 config secrets + the client secret, Secrets User
    for the service's identity, app registration with its SPA redirects, identifier URI,
    scope, owner (never the deploying identity: Entra makes it one), service principal,
    password, 3 auth configs, 2 environments, portal, portal reader assignment (21). Per API: API, 2 versions,
    2 definitions, 2 deployments, 4 bindings, 8 Credential Access Reader assignments (19).
    With `via="group"` (binding scope), each binding's 2 principals become members of one
    managed group: per API 4 groups, 8 memberships and 4 assignments instead of 8 (27).
    """
    if scope not in (None, "binding"):
        raise ValueError("counted for binding scope only")
    if via == "group":
        return 21 + 27 * n
    return 21 + 19 * n


def write(n: int, path: str | Path, **layout: Any) -> Path:
    """Write `generate(n, **layout)` (via, scope, team_groups) as a spec file, with its definition files."""
    return _write(generate(n, **layout), path, f"Reference inventory for the scale benchmark, {n} API(s)")


def _write(spec: dict[str, Any], path: str | Path, title: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_definition_files(path.parent)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    body = yaml.dump(spec, Dumper=dumper, sort_keys=False, default_flow_style=False, width=160)
    path.write_text(f"# yaml-language-server: $schema=schema.json\n# {title}: written by benchmarks/generate.py.\n{body}", encoding="utf-8")
    return path


def large_openapi(target_bytes: int = 1_500_000) -> dict[str, Any]:
    """A valid OpenAPI 3.0 document of about `target_bytes` as JSON, shaped like a large public
    API: resources with list/get/put/delete operations described in prose, path and query
    parameters, and a component schema per resource (a dozen described properties, an enum,
    a nested array, an example)."""
    prose = (
        "The service applies the caller's permissions to every item; items the caller may not read are left out "
        "rather than reported, and results are eventually consistent within a few seconds of a change. "
    )
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "Large inventory API", "version": "2024-01-01", "description": "Generated by benchmarks/generate.py."},
        "servers": [{"url": "https://large.contoso.com/api"}],
        "paths": {},
        "components": {"schemas": {"Error": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
    }
    error = {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    size, i = 0, 0
    while size < target_bytes:
        name = f"Resource{i:04d}"
        ref = {"$ref": f"#/components/schemas/{name}"}
        doc["components"]["schemas"][name] = {
            "type": "object",
            "description": f"A {name} as the service stores it.",
            "required": ["id", "name"],
            "properties": {
                **{
                    f"field{k:02d}": {"type": "string", "description": f"Field {k} of {name}: free text up to 256 characters, shown to every reader.", "maxLength": 256}
                    for k in range(10)
                },
                "id": {"type": "string", "format": "uuid", "readOnly": True},
                "name": {"type": "string", "minLength": 1},
                "state": {"type": "string", "enum": ["active", "suspended", "deleted"]},
                "tags": {"type": "array", "items": {"type": "string"}},
            },
            "example": {"id": "3f1c2a8e-0000-4000-8000-000000000000", "name": f"my-{name.lower()}", "state": "active", "tags": ["team-a", "prod"], "field00": "text"},
        }
        item = f"/resources{i:04d}/{{id}}"
        id_param = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
        doc["paths"][f"/resources{i:04d}"] = {
            "get": {
                "operationId": f"list{name}",
                "summary": f"List {name} items",
                "description": f"Lists the {name} items of the caller's tenant, a page at a time. " + prose * 2,
                "parameters": [{"name": "top", "in": "query", "schema": {"type": "integer", "minimum": 1}}, {"name": "filter", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The items", "content": {"application/json": {"schema": {"type": "array", "items": ref}}}}, "default": error},
            }
        }
        doc["paths"][item] = {
            "parameters": [id_param],
            "get": {"operationId": f"get{name}", "description": f"Reads one {name}. " + prose, "responses": {"200": {"description": "The item", "content": {"application/json": {"schema": ref}}}, "default": error}},
            "put": {
                "operationId": f"put{name}",
                "description": f"Creates or replaces one {name}. " + prose,
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref}}},
                "responses": {"200": {"description": "Replaced", "content": {"application/json": {"schema": ref}}}, "default": error},
            },
            "delete": {"operationId": f"delete{name}", "description": f"Deletes one {name}. " + prose, "responses": {"204": {"description": "Deleted"}, "default": error}},
        }
        i += 1
        if i % 5 == 0:
            size = len(json.dumps(doc, indent=1))
    return doc


def write_large_definition(folder: str | Path, versions: int, target_bytes: int = 1_500_000) -> Path:
    """A spec with one API whose `versions` versions all import the same large OpenAPI file
    (written beside it, as JSON); returns the spec's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    definition = folder / "large-openapi.json"
    if not definition.exists():
        definition.write_text(json.dumps(large_openapi(target_bytes), indent=1), encoding="utf-8")
    spec = {
        "specVersion": 1,
        "apiCenter": {"name": "bench-apis-${stack}", "resourceGroup": "rg-bench-apis-${stack}", "location": "eastus"},
        "apis": {
            "large": {
                "title": "Large API",
                "kind": "rest",
                "versions": {
                    f"v{j + 1}-0": {"title": f"v{j + 1}.0", "lifecycleStage": "production", "definitions": {"openapi": {"title": "OpenAPI", "file": definition.name}}}
                    for j in range(versions)
                },
            }
        },
    }
    path = folder / f"large-definition-{versions}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Write an N-API reference inventory as a spec YAML file.")
    p.add_argument("n", type=int, help="number of APIs")
    p.add_argument("out", help="output spec file")
    p.add_argument("--via", choices=["direct", "group"], help="accessDefaults.via")
    p.add_argument("--scope", choices=["binding", "version", "api"], help="accessDefaults.scope")
    p.add_argument("--team-groups", type=int, default=0, metavar="T", help="grant each binding to one of T team groups instead of a user and a group")
    args = p.parse_args(argv)
    if args.n < 1:
        p.error("N must be at least 1")
    out = write(args.n, args.out, via=args.via, scope=args.scope, team_groups=args.team_groups)
    c = counts(args.n)
    expected = f"~{expected_custom_resources(args.n, via=args.via, scope=args.scope)}" if args.scope in (None, "binding") and not args.team_groups else "more"
    print(
        f"{out}: {c['apis']} APIs, {c['versions']} versions, {c['bindings']} bindings, {c['principals']} principals, {expected} custom resources",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
