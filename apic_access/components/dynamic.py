"""Dynamic resources whose provider is serialized once per process, not once per resource.

Pulumi's `serialize_provider` patches `pickle._Pickler._batch_setitems` with a sorting wrapper
around whatever is there, and never restores it: every call wraps the last one, so after about
a thousand dynamic resources in one program the pickler itself recurses too deep
(RecursionError). A plan with a binding per API version reaches that quickly. The serialized
form of one provider never changes within a run, so it is made once and reused.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic.dynamic import PROVIDER_KEY, serialize_provider

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
