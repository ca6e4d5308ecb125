"""The one Azure client: which failed answers are tried again, and how tokens are kept."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

import pytest

from apic_access.azure.client import Arm, AzureError, DataPlane, Response, TokenSource, shared_tokens


def answer(status: int, code: str | None = None) -> Response:
    body = {"error": {"code": code, "message": "m"}} if code else {}
    return Response(status, {}, json.dumps(body).encode())


ARM = Arm("https://management.azure.com", lambda: "t")


@pytest.mark.parametrize(
    ("method", "status", "code", "retried"),
    [
        ("PUT", 409, "Conflict", True),  # another operation in progress on the parent
        ("PUT", 409, "AnotherOperationInProgress", True),
        ("DELETE", 409, "AnotherOperationInProgress", True),
        ("POST", 409, "Conflict", True),
        ("PUT", 409, "RoleAssignmentExists", False),  # never clears by waiting
        ("DELETE", 409, "ScopeLocked", False),
        ("GET", 409, "Conflict", False),
        ("PUT", 404, "ParentResourceNotFound", True),  # a child right after its parent was created
        ("PUT", 404, "ResourceNotFound", True),
        ("GET", 404, "ResourceNotFound", False),  # missing: the caller's answer, not a failure
        ("DELETE", 404, "ResourceNotFound", False),  # already gone: done
        ("PUT", 400, "InvalidRequestContent", False),
        ("GET", 429, "TooManyRequests", True),
        ("DELETE", 503, None, True),
    ],
)
def test_arm_retries(method: str, status: int, code: str | None, retried: bool) -> None:
    assert ARM.retryable(method, answer(status, code)) is retried


def test_only_arm_retries_a_404_or_a_409() -> None:
    plane = DataPlane("https://svc.data.eastus.azure-apicenter.ms", lambda: "t")
    assert not plane.retryable("PUT", answer(404, "NotFound"))
    assert not plane.retryable("PUT", answer(409, "Conflict"))


def test_a_404_on_put_is_tried_a_bounded_number_of_times(fake_azure: Any) -> None:
    """ARM not yet showing a new parent: the PUT is tried again, and gives up after max_attempts."""
    waits: list[float] = []
    client = Arm(fake_azure.base, lambda: "fake-arm-token", max_attempts=3, backoff=0.5, sleep=waits.append)
    real = fake_azure.answer
    misses = iter([True, False])

    def parent_not_yet_visible(method: str, raw_path: str, body: Any, headers: dict[str, str]) -> Any:
        if method == "PUT" and next(misses, False):
            return 404, {}, {"error": {"code": "ParentResourceNotFound", "message": "Can not perform requested operation on nested resource. Parent resource 'petstore' not found."}}
        return real(method, raw_path, body, headers)

    fake_azure.answer = parent_not_yet_visible
    rid = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiCenter/services/svc/workspaces/default/apis/petstore/versions/v1"
    client.put(rid, "2024-03-15-preview", {"properties": {"title": "v1"}}, what="creating version v1")
    assert fake_azure.stored(rid)["properties"]["title"] == "v1" and waits == [0.5]

    fake_azure.answer = lambda *a: (404, {}, {"error": {"code": "ParentResourceNotFound", "message": "Parent resource 'gone' not found."}})
    with pytest.raises(AzureError) as exc:
        client.put(rid, "2024-03-15-preview", {"properties": {}}, what="creating version v1")
    assert str(exc.value) == "creating version v1: ParentResourceNotFound: Parent resource 'gone' not found. (HTTP 404, gave up after 3 attempts)"
    assert client.delete(rid + "x", "2024-03-15-preview", what="deleting") is False  # 404 on DELETE: gone, at once


@dataclass
class Credential:
    """A credential that counts its token requests; tokens live `lifetime` seconds."""

    lifetime: float
    now: list[float]
    asked: list[str] = field(default_factory=list)

    def get_token(self, scope: str) -> Any:
        self.asked.append(scope)

        @dataclass
        class Token:
            token: str
            expires_on: int

        return Token(f"token-{len(self.asked)}", int(self.now[0] + self.lifetime))


def test_a_token_is_reused_until_five_minutes_before_it_expires() -> None:
    now = [1_000_000.0]
    credential = Credential(lifetime=3600, now=now)
    source = TokenSource("https://management.azure.com/.default", credential=credential, clock=lambda: now[0])
    assert [source() for _ in range(50)] == ["token-1"] * 50
    now[0] += 3600 - 301
    assert source() == "token-1"
    now[0] += 2  # within five minutes of expiry
    assert source() == "token-2"
    assert len(credential.asked) == 2


def test_threads_share_one_token_request() -> None:
    now = [0.0]
    credential = Credential(lifetime=3600, now=now)
    source = TokenSource("s", credential=credential, clock=lambda: now[0])
    threads = [threading.Thread(target=source) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert credential.asked == ["s"]


def test_one_token_source_per_process_for_the_same_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARM_USE_MSI", "true")
    one = shared_tokens("https://management.azure.com/.default", {"azure-native:clientId": "a"})
    assert shared_tokens("https://management.azure.com/.default", {"azure-native:clientId": "a"}) is one
    assert shared_tokens("https://management.azure.com/.default", {"azure-native:clientId": "b"}) is not one  # another identity
    assert shared_tokens("https://graph.microsoft.com/.default", {"azure-native:clientId": "a"}) is not one  # another audience


def test_a_pickled_token_source_carries_no_token() -> None:
    import pickle

    now = [0.0]
    source = TokenSource("s", credential=Credential(lifetime=3600, now=now), clock=lambda: now[0])
    source()
    copy = pickle.loads(pickle.dumps(source))
    assert (copy.scope, copy._token, copy._credential) == ("s", None, None)
