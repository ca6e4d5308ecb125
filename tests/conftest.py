"""A loopback fake of Azure that keeps state, shared by every test that calls Azure directly.

It answers as ARM does (PUT stores, GET reads, collections list with `nextLink` paging,
DELETE, 201/202 with Azure-AsyncOperation to poll, 429 with Retry-After, ARM's error body),
hands out managed-identity tokens the way App Service's endpoint does (IDENTITY_ENDPOINT and
IDENTITY_HEADER, which azure-identity's ManagedIdentityCredential reads), and requires a bearer
token on every ARM call. Knobs for tests: `drop` (property paths a type silently ignores),
`write_only` (paths a type keeps but never returns), `lro` (answer PUT and DELETE with 202 +
polling), `throttle` (answer the next N calls with 429).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

MSI_HEADER = "fake-identity-header"
TOKEN = "fake-arm-token"


@dataclass
class Call:
    method: str
    path: str  # without the query
    query: dict[str, str]
    body: Any
    authorization: str | None


def _type_of(resource_id: str) -> str:
    """The child type of an ARM id: .../authConfigs/x -> authConfigs."""
    parts = resource_id.strip("/").split("/")
    return parts[-2] if len(parts) >= 2 else ""


def _drop(value: dict[str, Any], path: str) -> None:
    *head, last = path.split(".")
    for part in head:
        value = value.get(part) if isinstance(value.get(part), dict) else {}
    value.pop(last, None)


@dataclass
class FakeAzure:
    base: str = ""
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)  # lower-case id -> resource
    calls: list[Call] = field(default_factory=list)
    drop: dict[str, list[str]] = field(default_factory=dict)  # ARM type -> property paths ignored on PUT
    write_only: dict[str, list[str]] = field(
        default_factory=lambda: {"authConfigs": ["apiKey.value", "oauth2.clientSecret", "http.value"]}
    )
    lro: bool = False
    throttle: int = 0
    page_size: int = 2
    operations: dict[str, int] = field(default_factory=dict)  # operation id -> polls left

    def arm_calls(self, method: str | None = None) -> list[Call]:
        return [c for c in self.calls if not c.path.startswith(("/msi", "/operations")) and (method is None or c.method == method)]

    def put(self, resource_id: str, properties: dict[str, Any]) -> None:
        """State made by hand (in the portal), before any test call."""
        self.resources[resource_id.lower()] = {"id": resource_id, "name": resource_id.rsplit("/", 1)[-1], "type": _type_of(resource_id), "properties": properties}

    def stored(self, resource_id: str) -> dict[str, Any] | None:
        return self.resources.get(resource_id.lower())

    # --- what the server answers -------------------------------------------------------------

    def answer(self, method: str, raw_path: str, body: Any, headers: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        split = urllib.parse.urlsplit(raw_path)
        path, query = split.path, dict(urllib.parse.parse_qsl(split.query))
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
        self.calls.append(Call(method, path, query, body, auth))
        if path.startswith("/msi/token"):
            if headers.get("X-IDENTITY-HEADER") != MSI_HEADER:
                return 400, {}, {"error": "bad identity header"}
            return 200, {}, {"access_token": TOKEN, "expires_on": str(int(time.time()) + 3600), "resource": query.get("resource", ""), "token_type": "Bearer"}
        if auth != f"Bearer {TOKEN}":
            return 401, {}, {"error": {"code": "AuthenticationFailed", "message": "The access token is missing or invalid."}}
        if self.throttle:
            self.throttle -= 1
            return 429, {"Retry-After": "0"}, {"error": {"code": "TooManyRequests", "message": "Rate limit exceeded."}}
        if path.startswith("/operations/"):
            op = path.rsplit("/", 1)[-1]
            left = self.operations.get(op, 0)
            location = op.endswith("-location")  # Location: 202 while running; Azure-AsyncOperation: a status body
            if left > 0:
                self.operations[op] = left - 1
                return (202, {"Location": f"{self.base}{path}", "Retry-After": "0"}, None) if location else (200, {"Retry-After": "0"}, {"status": "InProgress"})
            return (204, {}, None) if location else (200, {}, {"status": "Succeeded"})
        if "api-version" not in query:
            return 400, {}, {"error": {"code": "MissingApiVersionParameter", "message": "The api-version query parameter (?api-version=) is required for all requests."}}
        key = path.lower()
        if method == "GET":
            if key in self.resources:
                return 200, {}, self._visible(self.resources[key])
            children = sorted((r for k, r in self.resources.items() if k.rsplit("/", 1)[0] == key), key=lambda r: str(r["id"]))
            if children or path.rsplit("/", 1)[-1] in ("authConfigs", "securityRequirements", "portals", "apis", "versions", "roleAssignments"):
                start = int(query.get("$skiptoken", "0"))
                page = children[start : start + self.page_size]
                out: dict[str, Any] = {"value": [self._visible(r) for r in page]}
                if start + self.page_size < len(children):
                    out["nextLink"] = f"{self.base}{path}?api-version={query['api-version']}&$skiptoken={start + self.page_size}"
                return 200, {}, out
            return 404, {}, _not_found(path)
        if method == "PUT":
            properties = json.loads(json.dumps((body or {}).get("properties") or {}))
            for dropped in self.drop.get(_type_of(path), ()):
                _drop(properties, dropped)
            created = key not in self.resources
            self.put(path, properties)
            if self.lro:
                return 201, {"Azure-AsyncOperation": self._operation("async"), "Retry-After": "0"}, self._visible(self.resources[key])
            return (201 if created else 200), {}, self._visible(self.resources[key])
        if method == "DELETE":
            if key not in self.resources:
                return 404, {}, _not_found(path)
            del self.resources[key]
            if self.lro:
                return 202, {"Location": self._operation("location"), "Retry-After": "0"}, None
            return 200, {}, None
        return 405, {}, {"error": {"code": "MethodNotAllowed", "message": method}}

    def _operation(self, kind: str) -> str:
        op = f"op-{len(self.operations) + 1}-{kind}"
        self.operations[op] = 1
        return f"{self.base}/operations/{op}"

    def _visible(self, resource: dict[str, Any]) -> dict[str, Any]:
        out = json.loads(json.dumps(resource))
        for hidden in self.write_only.get(resource["type"], ()):
            _drop(out["properties"], hidden)
        out["properties"]["provisioningState"] = "Succeeded"  # a field Azure adds
        return out


def _not_found(path: str) -> dict[str, Any]:
    return {"error": {"code": "ResourceNotFound", "message": f"The Resource '{path}' was not found."}}


@pytest.fixture
def fake_azure(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAzure]:
    """A running fake, with the ARM endpoint and a managed identity pointed at it."""
    fake = FakeAzure()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            status, headers, body = fake.answer(self.command, self.path, json.loads(raw) if raw else None, dict(self.headers.items()))
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _serve  # noqa: N815 - http.server's method names

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    for env, value in {
        "APIC_ACCESS_ARM_ENDPOINT": fake.base,
        "ARM_USE_MSI": "true",
        "IDENTITY_ENDPOINT": f"{fake.base}/msi/token",
        "IDENTITY_HEADER": MSI_HEADER,
    }.items():
        monkeypatch.setenv(env, value)
    for env in ("ARM_CLIENT_ID", "ARM_CLIENT_SECRET", "ARM_TENANT_ID", "MSI_ENDPOINT", "MSI_SECRET", "AZURE_CLIENT_ID"):
        monkeypatch.delenv(env, raising=False)
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
