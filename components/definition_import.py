"""Importing a specification file into an API definition, so "Try this API" has operations.

ARM imports a specification through an action, not a resource:
`POST {definition id}/importSpecification` with `{"format": "inline", "value": ..., "specification":
{"name", "version"}}`, answered with 200, or 202 and a Location / Azure-AsyncOperation header to
poll. `DefinitionImport` is a Pulumi dynamic resource that runs that action when the file's
content hash (or the definition, or the format) changes, and at no other time.

The provider runs in Pulumi's dynamic-provider process, with the credentials Pulumi itself uses
(ARM_* environment variables or azure-native:* stack config, else DefaultAzureCredential: az
login, AZURE_* variables, workload or managed identity). `APIC_ACCESS_ARM_ENDPOINT` points it
at another ARM endpoint (a sovereign cloud, or a test server).
"""

from __future__ import annotations

import email.utils
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pulumi
import pulumi.dynamic

from . import arm

# ARM contract of the action (the api-version the project uses for API Center).
IMPORT_API_VERSION = arm.IMPORT_SPECIFICATION_API_VERSION
ENDPOINT_ENV = "APIC_ACCESS_ARM_ENDPOINT"
DEFAULT_ENDPOINT = arm.ARM_ENDPOINT

# Status codes worth another attempt: throttling, timeouts and server-side failures.
_RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})
_TERMINAL_OK = frozenset({"succeeded"})
_TERMINAL_FAILED = frozenset({"failed", "canceled", "cancelled"})
_USER_AGENT = "apic-access-definition-import/1"


class DefinitionImportError(Exception):
    """ARM refused or failed the import; the message carries ARM's `code: message`."""


@dataclass(frozen=True)
class _Response:
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


def arm_error_text(response: _Response) -> str:
    """ARM's error as `code: message` (with the details' messages), or the raw body."""
    body = response.json()
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and (error.get("code") or error.get("message")):
        text = f"{error.get('code', 'Error')}: {error.get('message', '')}".rstrip(": ")
        details = [d for d in error.get("details") or () if isinstance(d, dict) and d.get("message")]
        if details:
            text += " (" + "; ".join(f"{d.get('code', 'Error')}: {d['message']}" for d in details) + ")"
        return text
    raw = response.body.decode("utf-8", "replace").strip()
    return raw[:500] if raw else f"HTTP {response.status}"


def retry_after(response: _Response) -> float | None:
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


class ArmClient:
    """The few ARM calls the import needs: retries on 429 and 5xx, long-running operations.

    `token` returns a bearer token for ARM and is called for every request (credentials
    cache their tokens), so a long poll never outlives one.
    """

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
        self.endpoint = endpoint.rstrip("/")
        self.token = token
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.request_timeout = request_timeout
        self.sleep = sleep

    def url(self, resource_id: str, action: str, api_version: str) -> str:
        return f"{self.endpoint}{resource_id}/{action}?api-version={api_version}"

    def post_action(self, url: str, body: Mapping[str, Any], *, what: str) -> None:
        """POST an ARM action and follow it to the end; raises DefinitionImportError on failure."""
        response = self._send("POST", url, json.dumps(body).encode("utf-8"), what=what)
        if response.status != 202:
            return
        operation = response.header("Azure-AsyncOperation")
        poll = operation or response.header("Location")
        if not poll:
            return  # accepted with nothing to follow: ARM's answer is all there is
        deadline = time.monotonic() + self.timeout
        wait = retry_after(response)
        while True:
            self.sleep(min(self.max_retry_after, wait if wait is not None else self.poll_interval))
            if time.monotonic() > deadline:
                raise DefinitionImportError(
                    f"{what}: still running after {self.timeout:.0f} s; check the definition in the Azure portal and run `pulumi up` again"
                )
            status = self._send("GET", poll, None, what=what)
            wait = retry_after(status)
            if operation:
                body = status.json()
                state = str(body.get("status", "")).lower() if isinstance(body, dict) else ""
                if state in _TERMINAL_OK:
                    return
                if state in _TERMINAL_FAILED:
                    raise DefinitionImportError(f"{what}: the operation {state}: {arm_error_text(status)}")
            elif status.status != 202:
                return

    def _send(self, method: str, url: str, data: bytes | None, *, what: str) -> _Response:
        """One request, repeated on throttling, server errors and dropped connections
        (an import is idempotent: sending the same file twice leaves the same definition)."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                token = self.token()
            except Exception as exc:  # noqa: BLE001 - any credential failure is the user's to fix
                raise DefinitionImportError(
                    f"{what}: no Azure credentials ({type(exc).__name__}: {exc}); sign in with `az login`, or set ARM_CLIENT_ID, "
                    "ARM_TENANT_ID and ARM_CLIENT_SECRET (or ARM_USE_OIDC / ARM_USE_MSI) as for Pulumi's azure-native provider"
                ) from None
            try:
                response = self._request(method, url, data, token)
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt == self.max_attempts:
                    raise DefinitionImportError(
                        f"{what}: cannot reach ARM at {self.endpoint} ({getattr(exc, 'reason', exc)}), gave up after {attempt} attempts"
                    ) from None
                self.sleep(self._backoff(attempt))
                continue
            if response.status < 400:
                return response
            if response.status not in _RETRYABLE:
                raise DefinitionImportError(f"{what}: {arm_error_text(response)} (HTTP {response.status})")
            if attempt == self.max_attempts:
                raise DefinitionImportError(f"{what}: {arm_error_text(response)} (HTTP {response.status}, gave up after {attempt} attempts)")
            asked = retry_after(response)
            self.sleep(min(self.max_retry_after, asked) if asked is not None else self._backoff(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int) -> float:
        return float(min(self.max_backoff, self.backoff * 2 ** (attempt - 1)))

    def _request(self, method: str, url: str, data: bytes | None, token: str) -> _Response:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "User-Agent": _USER_AGENT}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.request_timeout) as reply:
                return _Response(reply.status, dict(reply.headers.items()), reply.read())
        except urllib.error.HTTPError as exc:
            with exc:
                return _Response(exc.code, dict(exc.headers.items()) if exc.headers else {}, exc.read())


def arm_endpoint() -> str:
    return os.environ.get(ENDPOINT_ENV) or DEFAULT_ENDPOINT


def pulumi_credential(config: Any) -> Any:
    """The credential azure-native would use: ARM_* variables or azure-native:* config first.

    `config` is the stack config (a dict or pulumi.dynamic.Config: anything with `.get`)."""
    from azure.identity import (  # imported here: only the provider process needs it
        CertificateCredential,
        ClientAssertionCredential,
        ClientSecretCredential,
        DefaultAzureCredential,
        ManagedIdentityCredential,
    )

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
                raise DefinitionImportError(
                    "ARM_USE_OIDC is set but no OIDC token is available: set ARM_OIDC_TOKEN, or run in GitHub Actions with `id-token: write`"
                )

            return ClientAssertionCredential(tenant_id, client_id, assertion)
    return DefaultAzureCredential()


class DefinitionImportProvider(pulumi.dynamic.ResourceProvider):
    """Runs importSpecification. Inputs: definitionId, specificationName, specificationVersion,
    content, contentHash. Only contentHash, the definition or the format trigger an import.

    `token`, `endpoint`, `sleep` and the retry settings are for tests; by default the token
    comes from Pulumi's Azure credentials and the endpoint from APIC_ACCESS_ARM_ENDPOINT.
    """

    # the provider holds no secret: keep it readable in the state
    serialize_as_secret_always = False

    def __init__(
        self,
        *,
        token: Callable[[], str] | None = None,
        endpoint: str | None = None,
        sleep: Callable[[float], None] | None = None,
        max_attempts: int = 5,
        backoff: float = 2.0,
        poll_interval: float = 5.0,
        timeout: float = 1800.0,
    ):
        super().__init__()
        self.token = token
        self.endpoint = endpoint
        self.sleep = sleep
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.poll_interval = poll_interval
        self.timeout = timeout
        self._config: Any = {}  # the stack config, given to configure() in the provider process
        self._credential: Any = None

    def __getstate__(self) -> dict[str, Any]:
        # what the program serializes into the state: never a live credential or config
        state = dict(self.__dict__)
        state["_config"], state["_credential"] = {}, None
        return state

    def configure(self, req: pulumi.dynamic.ConfigureRequest) -> None:
        self._config = req.config

    def _client(self) -> ArmClient:
        endpoint = self.endpoint or arm_endpoint()
        token = self.token or self._default_token(endpoint)
        return ArmClient(
            endpoint,
            token,
            max_attempts=self.max_attempts,
            backoff=self.backoff,
            poll_interval=self.poll_interval,
            timeout=self.timeout,
            sleep=self.sleep or time.sleep,
        )

    def _default_token(self, endpoint: str) -> Callable[[], str]:
        scope = endpoint.rstrip("/") + "/.default"

        def token() -> str:
            if self._credential is None:
                self._credential = pulumi_credential(self._config)
            return str(self._credential.get_token(scope).token)

        return token

    def _import(self, props: Mapping[str, Any]) -> dict[str, Any]:
        specification = {"name": props["specificationName"]}
        if props.get("specificationVersion"):
            specification["version"] = props["specificationVersion"]
        body = {"format": "inline", "value": props["content"], "specification": specification}
        client = self._client()
        what = f"importing the specification into {props['definitionId']}"
        client.post_action(client.url(props["definitionId"], "importSpecification", IMPORT_API_VERSION), body, what=what)
        # the state keeps the hash, not the content: the content is an input already
        return {k: props.get(k) for k in ("definitionId", "specificationName", "specificationVersion", "contentHash")}

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        return pulumi.dynamic.CreateResult(id_=props["definitionId"], outs=self._import(props))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        return pulumi.dynamic.UpdateResult(outs=self._import(news))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        # the content itself is not compared: its hash stands for it, and __provider never triggers an import
        changed = [k for k in ("definitionId", "specificationName", "specificationVersion", "contentHash") if olds.get(k) != news.get(k)]
        replaces = ["definitionId"] if "definitionId" in changed else []
        return pulumi.dynamic.DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        # an import has nothing to undo: the definition (and with it the specification) is its own resource
        return None


class DefinitionImport(pulumi.dynamic.Resource, module="apicenter", name="DefinitionImport"):
    """The specification file of one API definition, imported into it.

    Pass the definition's ARM id, the format (`specification_name`, `specification_version`),
    the file's text and its sha256; the import runs again only when the hash changes.
    """

    def __init__(
        self,
        name: str,
        *,
        definition_id: pulumi.Input[str],
        specification_name: pulumi.Input[str],
        specification_version: pulumi.Input[str] | None,
        content: pulumi.Input[str],
        content_hash: pulumi.Input[str],
        provider: DefinitionImportProvider | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ):
        props = {
            "definitionId": definition_id,
            "specificationName": specification_name,
            "specificationVersion": specification_version,
            "content": content,
            "contentHash": content_hash,
        }
        super().__init__(provider or DefinitionImportProvider(), name, props, opts)
