"""What `apic-access access` (and verify's access check) costs as an API center grows.

Runs the access model against the loopback fake of tests/conftest.py, filled with N bindings
(10 per API version, one Credential Access Reader assignment each, plus a group granted at
the service with members), and prints the requests it makes: in all; listing the APIs, versions and
bindings (which grows with them by nature); and the access reads themselves, as first
requests (must not move with N: one listing each of role assignments, PIM eligibilities and
deny assignments, one read per distinct role, one getByIds, one member listing per group)
plus next pages and further getByIds batches (N / page size, N / 1,000).

    .venv/bin/python benchmarks/access_calls.py [N ...]     (default 50 500 2000)
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import CREDENTIAL_ACCESS_READER, MSI_HEADER, FakeAzure  # noqa: E402

SUB = "11111111-2222-4333-8444-555555555555"
SERVICE_ID = f"/subscriptions/{SUB}/resourceGroups/rg-bench/providers/Microsoft.ApiCenter/services/bench"
WS = f"{SERVICE_ID}/workspaces/default"
PAGE = 100  # items per page the fake returns, for every collection


def serve(fake: FakeAzure) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            status, headers, body = fake.answer(self.command, self.path, json.loads(raw) if raw else None, dict(self.headers.items()))
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve  # noqa: N815 - http.server's method names

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    for env, value in {
        "APIC_ACCESS_ARM_ENDPOINT": fake.base,
        "APIC_ACCESS_GRAPH_ENDPOINT": fake.base,
        "APIC_ACCESS_DATA_PLANE_ENDPOINT": fake.base,
        "ARM_USE_MSI": "true",
        "IDENTITY_ENDPOINT": f"{fake.base}/msi/token",
        "IDENTITY_HEADER": MSI_HEADER,
    }.items():
        os.environ[env] = value
    return server


def filled(bindings: int) -> FakeAzure:
    fake = FakeAzure(page_size=PAGE)
    fake.put(SERVICE_ID, {}, location="westeurope")
    team = "7e a0000-0000-4000-8000-000000000001".replace(" ", "")
    fake.entra("groups", team, "Platform")
    fake.assign(SERVICE_ID, CREDENTIAL_ACCESS_READER, team, "Group")
    for m in range(20):
        member = f"00000000-0000-4000-9000-{m:012}"
        fake.entra("users", member, f"m{m}", userPrincipalName=f"m{m}@contoso.com")
        fake.member(team, member)
    for i in range(bindings):
        api, b = divmod(i, 10)
        binding = f"{WS}/apis/api-{api:04}/versions/v1-0/securityRequirements/key-{b:02}"
        fake.put(f"{WS}/apis/api-{api:04}", {"title": "x"})
        fake.put(f"{WS}/apis/api-{api:04}/versions/v1-0", {"title": "x"})
        fake.put(binding, {"authConfigResourceId": "/authConfigs/key"})
        user = f"00000000-0000-4000-8000-{i:012}"
        fake.entra("users", user, f"u{i}", userPrincipalName=f"u{i}@contoso.com")
        fake.assign(binding, CREDENTIAL_ACCESS_READER, user, "User")
    return fake


def main(sizes: list[int]) -> None:
    from apic_access.access.model import Reading
    from apic_access.live import Live

    print(f"{'bindings':>8}  {'requests':>8}  {'listing bindings':>16}  {'access: first':>13}  {'next pages/batches':>18}  {'seconds':>7}")
    for n in sizes:
        fake = filled(n)
        server = serve(fake)
        try:
            fake.calls.clear()
            start = time.perf_counter()
            model = Reading(Live.connect(SUB), "rg-bench", "bench").build(expand_groups=True)
            seconds = time.perf_counter() - start
            assert len(model.bindings) == n
            listing = [c for c in fake.calls if c.path.lower().endswith(("/apis", "/versions", "/securityrequirements"))]
            others = [c for c in fake.calls if c not in listing and not c.path.startswith("/msi")]
            first = {(c.method, c.path) for c in others}
            print(f"{n:>8}  {len(fake.calls):>8}  {len(listing):>16}  {len(first):>13}  {len(others) - len(first):>18}  {seconds:>7.2f}")
        finally:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [50, 500, 2000])
