"""Dynamic resources whose provider is serialized once per process, not once per resource.

Pulumi's `serialize_provider` patches `pickle._Pickler._batch_setitems` with a sorting wrapper
around whatever is there, and never restores it: every call wraps the last one, so after about
a thousand dynamic resources in one program the pickler itself recurses too deep
(RecursionError). A plan with a binding per API version reaches that quickly. The serialized
form of one provider never changes within a run, so it is made once and reused.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic.dynamic import PROVIDER_KEY, serialize_provider

from apic_access.azure.client import Arm, arm_endpoint, shared_tokens

_serialized: dict[int, tuple[pulumi.dynamic.ResourceProvider, str]] = {}


def serialized(provider: pulumi.dynamic.ResourceProvider) -> str:
    """The provider as the dynamic-provider host reads it, computed once per provider object."""
    known = _serialized.get(id(provider))
    if known is None or known[0] is not provider:
        known = (provider, serialize_provider(provider))
        _serialized[id(provider)] = known  # the provider is kept alive, so its id is never reused
    return known[1]


class OnceSerializedResource(pulumi.dynamic.Resource):
    """A pulumi.dynamic.Resource that reuses its provider's serialized form.

    Providers used here hold no Output and no secret (`serialize_as_secret_always = False`), so
    the plain string is what pulumi.dynamic.Resource would have stored."""

    def __init__(self, provider: pulumi.dynamic.ResourceProvider, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        if PROVIDER_KEY in props:
            raise ValueError("A dynamic resource must not define the __provider key")
        if getattr(provider, "serialize_as_secret_always", True):
            raise ValueError(f"{type(provider).__name__} must set serialize_as_secret_always = False to be serialized once")
        props = {**props, PROVIDER_KEY: serialized(provider)}
        pulumi.CustomResource.__init__(self, f"pulumi-python:{self._resource_type_name}", name, props, opts)


class ArmProvider(pulumi.dynamic.ResourceProvider):
    """A dynamic provider that calls ARM through the shared client (apic_access/azure/client.py)
    with Pulumi's own credentials. `token`, `endpoint`, `sleep` and the retry settings are for
    tests; by default the token comes from the stack's Azure settings and the endpoint from
    APIC_ACCESS_ARM_ENDPOINT or ARM's.

    Upgrades: Pulumi keeps each resource's provider pickled in the state (by reference to its
    module and class, with the instance's attributes) and unpickles it, with whatever release is
    installed then, to read, diff and delete that resource. So the subclasses' module paths
    (`apic_access.components.definition_import`, `apic_access.components.preview_resource`) and
    class names are kept for good, and every attribute has a default in `STATE_DEFAULTS`, which
    `__setstate__` fills in for pickles written before the attribute existed
    (tests/components/test_upgrades.py unpickles the released pickles in tests/components/golden/).
    """

    serialize_as_secret_always = False  # the provider holds no secret: keep it readable in the state

    # every instance attribute and its default; a release that adds an attribute adds it here
    STATE_DEFAULTS: dict[str, Any] = {
        "token": None,
        "endpoint": None,
        "sleep": None,
        "max_attempts": 5,
        "backoff": 2.0,
        "poll_interval": 5.0,
        "timeout": 1800.0,
        "_config": {},
    }

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

    def __getstate__(self) -> dict[str, Any]:
        # what the program serializes into the state: never a live credential or config
        state = dict(self.__dict__)
        state["_config"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        # a pickle from an older release lacks what was added since: the defaults stand in; what
        # a release dropped (the first release's `_credential`) is left out
        self.__dict__.update(copy.deepcopy(self.STATE_DEFAULTS))
        self.__dict__.update({k: v for k, v in state.items() if k in self.STATE_DEFAULTS})

    def configure(self, req: pulumi.dynamic.ConfigureRequest) -> None:
        self._config = req.config

    def _client(self) -> Arm:
        endpoint = self.endpoint or arm_endpoint()
        return Arm(
            endpoint,
            # one credential per process and audience, its token reused until shortly before expiry
            self.token or shared_tokens(endpoint.rstrip("/") + "/.default", self._config),
            max_attempts=self.max_attempts,
            backoff=self.backoff,
            poll_interval=self.poll_interval,
            timeout=self.timeout,
            sleep=self.sleep or time.sleep,
        )
