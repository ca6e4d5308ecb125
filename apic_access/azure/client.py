"""The one Azure client: everything that talks to Azure outside Pulumi's own providers.

Used by the dynamic providers that run in Pulumi's provider process (the definition import,
the preview types), and by `verify` and `export`. It covers ARM, Microsoft Graph and the API
Center data plane, with:

- the credential chain Pulumi's azure-native provider uses (ARM_* variables or
  `azure-native:*` config, OIDC, managed identity, then the Azure CLI / default chain);
- bounded retries on throttling (429, with Retry-After), 408 and 5xx, and dropped connections;
  on ARM also 409 while another operation runs on the parent (PUT, DELETE, POST) and 404 on a
  PUT (a child right after its parent was created, before ARM shows the parent everywhere);
- one credential per process and audience, its token reused until five minutes before it
  expires (`shared_tokens`);
- long-running operations (202 + Azure-AsyncOperation or Location) followed to their end;
- paging (`nextLink`, `@odata.nextLink`);
- Azure's error body turned into one line: `Code: message (HTTP 400)`;
- an endpoint variable for each service, for sovereign clouds and for tests
  (APIC_ACCESS_ARM_ENDPOINT, APIC_ACCESS_GRAPH_ENDPOINT, APIC_ACCESS_DATA_PLANE_ENDPOINT).
  Plain http is refused except on loopback addresses, so a mistaken variable can never send a
  bearer token in clear text.

Only the standard library and azure-identity: the provider process imports this module.
"""

from __future__ import annotations

import email.utils
import hashlib
import ipaddress
import json
import logging
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

ARM_ENDPOINT_ENV = "APIC_ACCESS_ARM_ENDPOINT"
GRAPH_ENDPOINT_ENV = "APIC_ACCESS_GRAPH_ENDPOINT"
DATA_PLANE_ENDPOINT_ENV = "APIC_ACCESS_DATA_PLANE_ENDPOINT"

DEFAULT_ARM_ENDPOINT = "https://management.azure.com"
DEFAULT_GRAPH_ENDPOINT = "https://graph.microsoft.com"
# The API Center data plane's token audience (the portal asks for <audience>/user_impersonation).
DATA_PLANE_AUDIENCE = "https://azure-apicenter.net"

# Worth another attempt: timeouts, throttling and server-side failures.
RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})
# ARM's 409 codes for "another operation is in progress on this resource or its parent": it
# clears once that operation ends. Every other 409 (RoleAssignmentExists, a soft-deleted name)
# stays as it is, whatever the attempt.
BUSY_CONFLICT_CODES = frozenset({"conflict", "anotheroperationinprogress"})
# A token is fetched again this long before it expires (what azure-core's own policy does).
TOKEN_REFRESH_MARGIN = 300.0
_TERMINAL_OK = frozenset({"succeeded"})
_TERMINAL_FAILED = frozenset({"failed", "canceled", "cancelled"})
_USER_AGENT = "apic-access/1"


class AzureError(Exception):
    """Azure refused or failed a call, or could not be reached; the message is one line a user can act on."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code


class NoCredentials(AzureError):
    """No credential could be had: the message says how to sign in."""


class Unreachable(AzureError):
    """The endpoint did not answer (after the retries)."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        lower = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lower), None)

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


def error_code(response: Response) -> str | None:
    body = response.json()
    error = body.get("error") if isinstance(body, dict) else None
    return str(error["code"]) if isinstance(error, dict) and error.get("code") else None


def error_text(response: Response) -> str:
    """Azure's error as `code: message` (with the details' messages), or the raw body.

    ARM, Graph and the API Center data plane all answer `{"error": {"code", "message", "details"}}`."""
    body = response.json()
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and (error.get("code") or error.get("message")):
        text = f"{error.get('code', 'Error')}: {error.get('message', '')}".rstrip(": ")
        details = [d for d in error.get("details") or () if isinstance(d, dict) and d.get("message")]
        if details:
            text += " (" + "; ".join(f"{d.get('code', 'Error')}: {d['message']}" for d in details) + ")"
        return " ".join(text.split())
    raw = response.body.decode("utf-8", "replace").strip()
    return " ".join(raw[:500].split()) if raw else f"HTTP {response.status}"


def retry_after(response: Response) -> float | None:
    """Seconds the server asks us to wait (Retry-After as seconds or an HTTP date)."""
    value = response.header("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def checked_endpoint(url: str, variable: str) -> str:
    """An endpoint that may carry a bearer token: https, or http on a loopback address only."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return url.rstrip("/")
    raise AzureError(
        f"{variable}={url!r} is not an https URL: a bearer token must never travel in clear text "
        "(use https://...; plain http is accepted only for loopback test servers such as http://127.0.0.1:PORT)"
    )


def arm_endpoint() -> str:
    return checked_endpoint(os.environ.get(ARM_ENDPOINT_ENV) or DEFAULT_ARM_ENDPOINT, ARM_ENDPOINT_ENV)


def graph_endpoint() -> str:
    return checked_endpoint(os.environ.get(GRAPH_ENDPOINT_ENV) or DEFAULT_GRAPH_ENDPOINT, GRAPH_ENDPOINT_ENV)


def data_plane_endpoint(default: str) -> str:
    """The data plane of one service: `default` (https://<service>.data.<location>.azure-apicenter.ms)
    unless APIC_ACCESS_DATA_PLANE_ENDPOINT names a base URL to use instead."""
    return checked_endpoint(os.environ.get(DATA_PLANE_ENDPOINT_ENV) or default, DATA_PLANE_ENDPOINT_ENV)


# --- credentials --------------------------------------------------------------------------


def pulumi_credential(config: Any = None) -> Any:
    """The credential azure-native would use: ARM_* variables or azure-native:* config first,
    then OIDC, managed identity, and finally DefaultAzureCredential (az login, AZURE_* variables,
    workload identity).

    `config` is the stack config: a dict or pulumi.dynamic.Config, anything with `.get`."""
    from azure.identity import (  # imported here: commands that never call Azure stay fast
        CertificateCredential,
        ClientAssertionCredential,
        ClientSecretCredential,
        DefaultAzureCredential,
        ManagedIdentityCredential,
    )

    config = config or {}

    def setting(env: str, key: str) -> str | None:
        value = os.environ.get(env) or config.get(f"azure-native:{key}")
        return str(value) if value not in (None, "") else None

    client_id, tenant_id = setting("ARM_CLIENT_ID", "clientId"), setting("ARM_TENANT_ID", "tenantId")
    if str(setting("ARM_USE_MSI", "useMsi")).lower() == "true":
        return ManagedIdentityCredential(client_id=client_id) if client_id else ManagedIdentityCredential()
    if client_id and tenant_id:
        secret = setting("ARM_CLIENT_SECRET", "clientSecret")
        if secret:
            return ClientSecretCredential(tenant_id, client_id, secret)
        certificate = setting("ARM_CLIENT_CERTIFICATE_PATH", "clientCertificatePath")
        if certificate:
            return CertificateCredential(tenant_id, client_id, certificate, password=setting("ARM_CLIENT_CERTIFICATE_PASSWORD", "clientCertificatePassword"))
        oidc_token, oidc_file = setting("ARM_OIDC_TOKEN", "oidcToken"), setting("ARM_OIDC_TOKEN_FILE_PATH", "oidcTokenFilePath")
        if oidc_token or oidc_file or str(setting("ARM_USE_OIDC", "useOidc")).lower() == "true":
            # GitHub Actions (id-token: write) hands out the federated token on request
            request_url = setting("ARM_OIDC_REQUEST_URL", "oidcRequestUrl") or os.environ.get("ACTIONS_ID_TOKEN_REQUEST_URL")
            request_token = setting("ARM_OIDC_REQUEST_TOKEN", "oidcRequestToken") or os.environ.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN")

            def assertion() -> str:
                if oidc_token:
                    return oidc_token
                if oidc_file:
                    with open(oidc_file, encoding="utf-8") as f:
                        return f.read().strip()
                if request_url and request_token:
                    url = f"{request_url}{'&' if '?' in request_url else '?'}audience=api%3A%2F%2FAzureADTokenExchange"
                    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {request_token}"})
                    with urllib.request.urlopen(request, timeout=30) as reply:
                        return str(json.loads(reply.read())["value"])
                raise NoCredentials(
                    "ARM_USE_OIDC is set but no OIDC token is available: set ARM_OIDC_TOKEN, or run in GitHub Actions with `id-token: write`"
                )

            return ClientAssertionCredential(tenant_id, client_id, assertion)
    return DefaultAzureCredential()


def credential_failure(exc: BaseException) -> str:
    """What went wrong signing in, in one sentence kept whole: azure-identity's own text lists
    every method it tried over a dozen lines, with a troubleshooting link after each."""
    text = " ".join(str(exc).split())
    if "failed to retrieve a token from the included credentials" in text:
        return "no sign-in method found credentials (environment variables, workload identity, managed identity, Azure CLI, Azure PowerShell, Azure Developer CLI)"
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text, maxsplit=1)[0]  # the first sentence, whole (URLs included)
    return f"{type(exc).__name__}: {sentence.rstrip('.')}"


# azure-identity logs every failed attempt as a warning before raising: the message above says it once
logging.getLogger("azure.identity").setLevel(logging.ERROR)

SIGN_IN = (
    "sign in with `az login`, or set ARM_CLIENT_ID, ARM_TENANT_ID and ARM_CLIENT_SECRET "
    "(or ARM_USE_OIDC / ARM_USE_MSI) as for Pulumi's azure-native provider"
)


class TokenSource:
    """Bearer tokens for one audience from one credential. The credential is built on first use
    and kept; a token is reused until TOKEN_REFRESH_MARGIN seconds before its `expires_on`, so a
    run asks the identity endpoint (or starts `az`) once per audience, not once per request.
    Thread-safe: Pulumi's provider host serves calls from several threads. Picklable: the live
    credential and token never go into a serialized provider."""

    def __init__(self, scope: str, config: Any = None, credential: Any = None, clock: Callable[[], float] = time.time):
        self.scope = scope
        self.config = config
        self._credential = credential
        self._clock = clock
        self._token: str | None = None
        self._expires_on = 0.0
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"scope": self.scope, "config": None, "_credential": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # a fresh cache and lock: a token never travels in a pickle
        self.scope = str(state.get("scope", ""))
        self.config = None
        self._credential = None
        self._clock = time.time
        self._token = None
        self._expires_on = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            if self._token is not None and self._clock() < self._expires_on - TOKEN_REFRESH_MARGIN:
                return self._token
            try:
                if self._credential is None:
                    self._credential = pulumi_credential(self.config)
                access = self._credential.get_token(self.scope)
            except AzureError:
                raise
            except Exception as exc:  # noqa: BLE001 - any credential failure is the user's to fix
                raise NoCredentials(f"cannot sign in to Azure: {credential_failure(exc)}; {SIGN_IN}") from None
            self._token = str(access.token)
            self._expires_on = float(getattr(access, "expires_on", 0) or 0)
            return self._token


_SETTINGS = (
    ("ARM_CLIENT_ID", "clientId"),
    ("ARM_TENANT_ID", "tenantId"),
    ("ARM_CLIENT_SECRET", "clientSecret"),
    ("ARM_CLIENT_CERTIFICATE_PATH", "clientCertificatePath"),
    ("ARM_USE_MSI", "useMsi"),
    ("ARM_USE_OIDC", "useOidc"),
    ("ARM_OIDC_TOKEN", "oidcToken"),
    ("ARM_OIDC_TOKEN_FILE_PATH", "oidcTokenFilePath"),
)
_shared: dict[tuple[str, str], TokenSource] = {}
_shared_lock = threading.Lock()


def shared_tokens(scope: str, config: Any = None) -> TokenSource:
    """The process's one TokenSource for `scope` and these sign-in settings.

    Pulumi's provider host unpickles a provider once per distinct pickle (every release's
    pickle is another provider object) and each operation used to build a credential of its
    own; keyed by the settings that choose the credential, all of them now share one. The key
    is a hash, so no secret is kept twice in memory."""
    config = config or {}
    settings = [(env, os.environ.get(env) or config.get(f"azure-native:{key}")) for env, key in _SETTINGS]
    # and whatever else azure-identity reads (AZURE_*, the managed-identity endpoint, az's config dir)
    settings += sorted((k, v) for k, v in os.environ.items() if k.startswith(("AZURE_", "IDENTITY_", "MSI_", "ARM_", "ACTIONS_ID_TOKEN_")))
    key = (scope, hashlib.sha256(repr(settings).encode("utf-8")).hexdigest())
    with _shared_lock:
        source = _shared.get(key)
        if source is None:
            source = _shared[key] = TokenSource(scope, config)
        return source


# --- HTTP -------------------------------------------------------------------------------------


class HttpClient:
    """Requests to one Azure endpoint with a bearer token: retries, long-running operations, paging.

    `token` is called for every request (a TokenSource hands out its kept token until shortly
    before it expires), so a long poll never outlives one. `sleep` and the timings are there for
    tests.
    """

    service = "Azure"

    def __init__(
        self,
        endpoint: str,
        token: Callable[[], str],
        *,
        max_attempts: int = 5,
        backoff: float = 2.0,
        max_backoff: float = 60.0,
        max_retry_after: float = 300.0,
        poll_interval: float = 5.0,
        timeout: float = 1800.0,
        request_timeout: float = 100.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.endpoint = checked_endpoint(endpoint, f"the {self.service} endpoint")
        self.token = token
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.request_timeout = request_timeout
        self.sleep = sleep

    def url(self, path: str, **query: str) -> str:
        if path.startswith(("https://", "http://")):
            url = path
        else:
            url = f"{self.endpoint}{path if path.startswith('/') else '/' + path}"
        if query:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(query)
        return url

    def send(self, method: str, url: str, body: Any = None, *, what: str, ok: tuple[int, ...] = ()) -> Response:
        """One request, repeated on throttling, server errors and dropped connections.

        A status >= 400 raises AzureError with Azure's reason, unless it is listed in `ok`."""
        data = json.dumps(body).encode("utf-8") if body is not None else None
        for attempt in range(1, self.max_attempts + 1):
            token = self.token()
            try:
                response = self._request(method, url, data, token)
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt == self.max_attempts:
                    raise Unreachable(
                        f"{what}: cannot reach {self.service} at {self.endpoint} ({getattr(exc, 'reason', exc)}), gave up after {attempt} attempts"
                    ) from None
                self.sleep(self._backoff(attempt))
                continue
            if response.status < 400 or response.status in ok:
                return response
            if not self.retryable(method, response):
                raise AzureError(f"{what}: {error_text(response)} (HTTP {response.status})", status=response.status, code=error_code(response))
            if attempt == self.max_attempts:
                raise AzureError(
                    f"{what}: {error_text(response)} (HTTP {response.status}, gave up after {attempt} attempts)", status=response.status, code=error_code(response)
                )
            asked = retry_after(response)
            self.sleep(min(self.max_retry_after, asked) if asked is not None else self._backoff(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def retryable(self, method: str, response: Response) -> bool:
        """Whether this failed answer is worth another attempt."""
        return response.status in RETRYABLE

    def wait(self, response: Response, *, what: str) -> Response:
        """Follow a long-running operation (202 or 201 with Azure-AsyncOperation / Location) to its end.

        Returns the last answer: the operation's final status, or the Location's final response."""
        operation = response.header("Azure-AsyncOperation")
        location = response.header("Location")
        if response.status not in (201, 202) or not (operation or (location and response.status == 202)):
            return response
        poll = operation or location
        assert poll is not None
        deadline = time.monotonic() + self.timeout
        wait = retry_after(response)
        while True:
            self.sleep(min(self.max_retry_after, wait if wait is not None else self.poll_interval))
            if time.monotonic() > deadline:
                raise AzureError(f"{what}: still running after {self.timeout:.0f} s; check it in the Azure portal and run the command again")
            status = self.send("GET", poll, what=what)
            wait = retry_after(status)
            if operation:
                body = status.json()
                state = str(body.get("status", "")).lower() if isinstance(body, dict) else ""
                if state in _TERMINAL_OK:
                    return status
                if state in _TERMINAL_FAILED:
                    raise AzureError(f"{what}: the operation {state}: {error_text(status)}", code=error_code(status))
            elif status.status != 202:
                return status

    def pages(self, url: str, *, what: str) -> Iterator[dict[str, Any]]:
        """Every item of a collection, following `nextLink` (ARM) or `@odata.nextLink` (Graph)."""
        seen: set[str] = set()
        next_url: str | None = url
        while next_url:
            if next_url in seen:  # a server that links a page to itself must not loop us forever
                raise AzureError(f"{what}: the service returned the same next page twice ({next_url})")
            seen.add(next_url)
            body = self.send("GET", next_url, what=what).json()
            if not isinstance(body, dict):
                return
            for item in body.get("value") or ():
                if isinstance(item, dict):
                    yield item
            next_url = body.get("nextLink") or body.get("@odata.nextLink")

    def _backoff(self, attempt: int) -> float:
        return float(min(self.max_backoff, self.backoff * 2 ** (attempt - 1)))

    def _request(self, method: str, url: str, data: bytes | None, token: str) -> Response:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "User-Agent": _USER_AGENT}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.request_timeout) as reply:
                return Response(reply.status, dict(reply.headers.items()), reply.read())
        except urllib.error.HTTPError as exc:
            with exc:
                return Response(exc.code, dict(exc.headers.items()) if exc.headers else {}, exc.read())


class Arm(HttpClient):
    """Azure Resource Manager: resources by id, at the api-version the caller names."""

    service = "ARM"

    def retryable(self, method: str, response: Response) -> bool:
        """Also, on writes: 409 while another operation runs on the resource or its parent, and on
        PUT a 404 (the parent was just created and is not yet visible where this call landed). A
        404 on DELETE is never retried (it means gone: `ok`), nor on GET (it means missing)."""
        if super().retryable(method, response):
            return True
        if response.status == 409 and method in ("PUT", "DELETE", "POST"):
            return str(error_code(response) or "").lower() in BUSY_CONFLICT_CODES
        return response.status == 404 and method == "PUT"

    def get(self, resource_id: str, api_version: str, *, what: str) -> dict[str, Any] | None:
        """The resource, or None when ARM answers 404."""
        response = self.send("GET", self.url(resource_id, **{"api-version": api_version}), what=what, ok=(404,))
        if response.status == 404:
            return None
        body = response.json()
        return body if isinstance(body, dict) else {}

    def put(self, resource_id: str, api_version: str, body: Mapping[str, Any], *, what: str) -> dict[str, Any]:
        """PUT the resource, follow a long-running answer, and return the resource as ARM then has it."""
        url = self.url(resource_id, **{"api-version": api_version})
        response = self.send("PUT", url, dict(body), what=what)
        if response.status in (201, 202) and (response.header("Azure-AsyncOperation") or response.header("Location")):
            self.wait(response, what=what)
            final = self.get(resource_id, api_version, what=what)
            if final is None:
                raise AzureError(f"{what}: the operation finished but the resource does not exist")
            return final
        result = response.json()
        return result if isinstance(result, dict) else {}

    def delete(self, resource_id: str, api_version: str, *, what: str) -> bool:
        """DELETE; False when it was already gone (404 is done, not an error)."""
        response = self.send("DELETE", self.url(resource_id, **{"api-version": api_version}), what=what, ok=(404,))
        if response.status == 404:
            return False
        self.wait(response, what=what)
        return True

    def post(self, resource_id: str, action: str, api_version: str, body: Mapping[str, Any] | None, *, what: str, result_at_location: bool = False) -> Any:
        """POST an action and follow it to its end; returns the final answer's JSON. With
        `result_at_location` (ARM's `final-state-via: location`, as for exportSpecification), an
        answer with both Azure-AsyncOperation and Location has its result read at the Location
        once the operation succeeded."""
        url = self.url(f"{resource_id}/{action}", **{"api-version": api_version})
        response = self.send("POST", url, dict(body) if body is not None else None, what=what)
        final = self.wait(response, what=what)
        location = response.header("Location")
        if result_at_location and final is not response and response.header("Azure-AsyncOperation") and location:
            final = self.send("GET", location, what=what)
        return final.json()

    def items(self, path: str, api_version: str, *, what: str, **query: str) -> Iterator[dict[str, Any]]:
        """Every item of an ARM collection, across pages."""
        return self.pages(self.url(path, **{"api-version": api_version}, **query), what=what)


class Graph(HttpClient):
    """Microsoft Graph v1.0: the directory lookups `verify` and `export` need."""

    service = "Microsoft Graph"

    def get(self, path: str, *, what: str) -> dict[str, Any] | None:
        response = self.send("GET", self.url(f"/v1.0{path}"), what=what, ok=(404,))
        if response.status == 404:
            return None
        body = response.json()
        return body if isinstance(body, dict) else {}

    def items(self, path: str, *, what: str, **query: str) -> Iterator[dict[str, Any]]:
        """Every item of a Graph collection, across pages."""
        return self.pages(self.url(f"/v1.0{path}", **query), what=what)

    def objects_by_ids(self, ids: list[str], *, what: str) -> list[dict[str, Any]]:
        """directoryObjects/getByIds, 1,000 ids a call (Graph's limit)."""
        found: list[dict[str, Any]] = []
        for start in range(0, len(ids), 1000):
            body = self.send("POST", self.url("/v1.0/directoryObjects/getByIds"), {"ids": ids[start : start + 1000]}, what=what).json()
            found.extend(v for v in (body or {}).get("value") or () if isinstance(v, dict))
        return found


class DataPlane(HttpClient):
    """The API Center data plane of one service (https://<service>.data.<location>.azure-apicenter.ms)."""

    service = "the API Center data plane"

    def get_credentials(self, path: str, *, what: str) -> tuple[int, Any]:
        """POST `<binding>:getCredentials` (no body): (200, the answer) or (403, Azure's error
        text). A 403 is returned, not raised: right after a role assignment it is RBAC still
        propagating, and the caller decides how long to wait. The answer holds a secret value:
        callers must never print or keep it."""
        response = self.send("POST", self.url(path), None, what=what, ok=(403,))
        if response.status == 403:
            return 403, error_text(response)
        return response.status, response.json()


def arm_client(config: Any = None, **kwargs: Any) -> Arm:
    endpoint = arm_endpoint()
    return Arm(endpoint, kwargs.pop("token", None) or shared_tokens(endpoint + "/.default", config), **kwargs)


def graph_client(config: Any = None, **kwargs: Any) -> Graph:
    endpoint = graph_endpoint()
    return Graph(endpoint, kwargs.pop("token", None) or shared_tokens(endpoint + "/.default", config), **kwargs)


def data_plane_client(default_endpoint: str, config: Any = None, **kwargs: Any) -> DataPlane:
    return DataPlane(data_plane_endpoint(default_endpoint), kwargs.pop("token", None) or shared_tokens(DATA_PLANE_AUDIENCE + "/.default", config), **kwargs)
