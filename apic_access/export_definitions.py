"""`apic-access export`: the content of each API definition, so the repository holds the API
descriptions the spec imports.

ARM hands a definition's imported specification out through an action:
`POST {definition id}/exportSpecification` (long-running: 200, or 202 and a Location to poll)
answers `{format: "inline", value: <the text>}` or `{format: "link", value: <a URL>}`, a
short-lived storage link (SAS) read without a token. The file gets the extension of its
format, so `validate` detects the format from it as it would a file written by hand.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from apic_access.azure import arm
from apic_access.azure.client import Arm, AzureError, is_loopback

# exportSpecification exists from 2024-03-01; the typed resources' api-version has it too.
EXPORT_SPECIFICATION_API_VERSION = arm.API_CENTER_API_VERSION
# Far above what the service imports (a definition file is at most a few MiB): a link that
# serves more is not read whole into memory.
MAX_SPECIFICATION_BYTES = 64 * 2**20
_LINK_TIMEOUT = 60.0

# The format's own extension; OpenAPI and AsyncAPI are JSON or YAML by their text.
_EXTENSIONS = {"graphql": ".graphql", "wsdl": ".wsdl", "wadl": ".wadl", "grpc": ".proto", "raml": ".raml"}
# Formats `validate` cannot tell from a file: the spec names them in `specification`.
UNDETECTABLE = ("mcp", "other")


@dataclass(frozen=True)
class Specification:
    """A definition's imported specification, as the repository keeps it."""

    text: str
    extension: str  # with the dot: .yaml, .json, .graphql, ...
    name: str | None  # ARM's specification.name (openapi, asyncapi, ...), when it says one
    version: str | None


def extension(name: str | None, text: str) -> str:
    """The file extension for a specification of format `name` with this text."""
    if name and name.lower() in _EXTENSIONS:
        return _EXTENSIONS[name.lower()]
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        try:
            json.loads(stripped)
            return ".json"
        except ValueError:
            pass
    if stripped.startswith("<"):
        return ".xml"
    if name and name.lower() in ("openapi", "asyncapi"):
        return ".yaml"
    return ".txt" if name and name.lower() in UNDETECTABLE else ".yaml"


def read_specification(client: Arm, definition_id: str, described: Mapping[str, Any], *, what: str) -> tuple[Specification | None, str | None]:
    """The specification imported into a definition, or None and why (a warning's text).
    `described`: the definition's `specification` property ({name, version}) as ARM returns it."""
    try:
        answer = client.post(definition_id, "exportSpecification", EXPORT_SPECIFICATION_API_VERSION, None, what=what)
    except AzureError as exc:
        if exc.status is not None and 400 <= exc.status < 500:
            return None, f"Azure exports no specification of it ({exc}): the spec names no `file`"
        raise
    if not isinstance(answer, Mapping) or not isinstance(answer.get("value"), str):
        return None, "Azure's exportSpecification answered without a value: the spec names no `file`"
    value, fmt = str(answer["value"]), str(answer.get("format") or "inline").lower()
    if fmt == "link":
        text, why = _download(value)
        if text is None:
            return None, f"its specification could not be read from the link Azure gave ({why}): the spec names no `file`; export again"
        value = text
    elif fmt != "inline":
        return None, f"Azure exported its specification as {fmt!r}, a format this release does not read: the spec names no `file`"
    if not value.strip():
        return None, "its specification is empty: the spec names no `file`"
    name = str(described.get("name") or "") or None
    version = str(described.get("version") or "") or None
    return Specification(value, extension(name, value), name, version), None


def _download(url: str) -> tuple[str | None, str]:
    """The text behind a storage link: https only (or a loopback test server), no token sent."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname or "")):
        return None, f"not an https link: {parts.scheme}://{parts.hostname}"
    try:
        with urllib.request.urlopen(url, timeout=_LINK_TIMEOUT) as response:  # noqa: S310 - scheme checked above
            data = response.read(MAX_SPECIFICATION_BYTES + 1)
    except (urllib.error.URLError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc))
    if len(data) > MAX_SPECIFICATION_BYTES:
        return None, f"more than {MAX_SPECIFICATION_BYTES // 2**20} MiB"
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
