"""Benchmark: typed listings side by side with a plain httpx loop, over real loopback HTTP.

Run: ``.venv/bin/python benchmarks/bench_listing.py [--records N ...] [--runs 5]
[--million] [--only NAME ...] [--profile NAME]``.

A server in its own process serves N records per listing on 127.0.0.1. Its pages are pre-
rendered from the simulators' own answers (1,000 records of each kind rendered once, then
served as every page with ``next`` / ``Link``, ``current_page`` and ``Total`` filled in, or
QAD's ``HasMoreParams``), so it does no work per record and is not the bottleneck. QAD's
client-id lookup and password grant are answered with the simulator's own replies. Every
contender runs in a fresh Python process, round-robin (one run of each in turn, ``--runs``
rounds), with page size 1000 and client pacing off (``budget=None``). The table gives the wall
time of the listing (client construction, token and every page, not the interpreter's start) as
a median and range, records/s, the ratio to the plain loop over the same records, the requests
the server saw (token included) and the child's peak RSS (``os.wait4``'s ``ru_maxrss``).
Records are counted and dropped, as a streaming consumer does. ``--profile NAME`` runs one
contender under cProfile in this process (against the same server) and prints the top
functions.

Where the time went, before and after (cProfile, 100,000 records): docs/performance.md.
Before, the client's own time was almost all cattrs building models (per field a hook call
through the Optional dispatch, enum constructors, Decimal/datetime through lambdas, a frozen
``__init__``), beside stdlib JSON; detailed validation itself cost little.
"""

from __future__ import annotations

import argparse
import cProfile
import http.server
import io
import json
import math
import os
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

PAGE = 1000
SUBDOMAIN = "bench"
COMPANY = 8_000_000_001
CLIENT_ID = "bench-app"
CLIENT_SECRET = "bench-secret"


# -- the server (its own process) ---------------------------------------------------------------


def _render_procurify() -> dict[str, tuple[str, list[bytes]]]:
    """A page of 1000 POs and one of 1000 bills, as the Procurify simulator renders them."""
    from procurify_client.testing import ProcurifySimulator

    sim = ProcurifySimulator(max_page_size=PAGE)
    creds = sim.add_tenant(SUBDOMAIN)
    sim.seed(SUBDOMAIN, purchase_orders=PAGE, lines_per_po=3, bills=PAGE, payments=0)
    with httpx.Client(transport=sim.transport(), base_url=creds.base_url) as http:
        token = http.post("/oauth/token", json=creds.token_request()).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "X-Procurify-Client": "api"}
        out = {}
        for path in ("/api/v2/purchase_orders/purchased/all/", "/api/v3/ap/bills/"):
            body = http.get(path, params={"page_size": PAGE}, headers=headers).json()
            rows = [json.dumps(row).encode() for row in body["data"]]
            out[path] = ("procurify", rows)
    return out


def _render_procore() -> tuple[int, dict[str, tuple[str, list[bytes]]]]:
    """1000 vendors, requisitions and direct costs, as the Procore simulator renders them."""
    from procore_client.testing import ProcoreSimulator

    sim = ProcoreSimulator(hourly_limit=None, spike_limit=None)
    sim.add_app(CLIENT_ID, CLIENT_SECRET)
    sim.add_company(COMPANY, "Benchmark Builders", installed_for=[CLIENT_ID])
    seeded = sim.seed(
        COMPANY,
        vendors=PAGE,
        projects=1,
        requisitions_per_project=PAGE,
        direct_costs_per_project=PAGE,
        cost_codes_per_project=5,
    )
    project = seeded.project_ids[0]
    api = "https://api.procore.com"
    with httpx.Client(transport=sim.transport()) as http:
        token = http.post(
            "https://login.procore.com/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            },
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(COMPANY)}
        out = {}
        for path, params in (
            ("/rest/v1.0/vendors", {"company_id": COMPANY}),
            ("/rest/v1.1/requisitions", {"project_id": project}),
            (f"/rest/v1.1/projects/{project}/direct_costs", {}),
        ):
            answer = http.get(f"{api}{path}", params={**params, "per_page": PAGE}, headers=headers)
            answer.raise_for_status()
            rows = [json.dumps(row).encode() for row in answer.json()]
            assert len(rows) == PAGE, (path, len(rows))
            out[path] = ("procore", rows)
    return project, out


QAD_USER = "bench-user"
QAD_PASSWORD = "bench-password"
QAD_BASE = "/clouderp"
QAD_SUPPLIERS = "urn:browse:bebrowse:com.qad.erp.base.supplierV2s"
QAD_WORKSPACE = {"x-qad-workspace-id": "10USA_10USACO"}  # domain 10USA, entity 10USACO


def _render_qad() -> tuple[dict[str, bytes], list[bytes]]:
    """1000 suppliers as the QAD simulator's supplier browse renders them, and the answers of
    the client-id lookup and the password grant (served as they are: nothing checks them)."""
    from qad_client.testing import QADSimulator

    sim = QADSimulator()
    url = sim.add_tenant(SUBDOMAIN)
    sim.add_user(SUBDOMAIN, QAD_USER, QAD_PASSWORD)
    sim.seed(SUBDOMAIN, suppliers=PAGE)
    with httpx.Client(transport=sim.transport(), base_url=url + "/") as http:
        control = http.get("api/qracore/securityControl", auth=(QAD_USER, QAD_PASSWORD))
        client_id = control.json()["data"]["securityControls"][0]["clientId"]
        form = {
            "grant_type": "password",
            "client_id": client_id,
            "username": QAD_USER,
            "password": QAD_PASSWORD,
        }
        token = http.post("oauth/token", data=form)
        params = {"browseId": QAD_SUPPLIERS, "page": 1, "pageSize": PAGE, "pageAction": "first"}
        headers = {"Authorization": f"Bearer {token.json()['access_token']}", **QAD_WORKSPACE}
        rows = http.get("api/qracore/browses", params=params, headers=headers).json()["data"]
    assert len(rows) == PAGE, len(rows)
    answers = {"securityControl": control.content, "token": token.content}
    return answers, [json.dumps(row).encode() for row in rows]


class _Pages:
    """Pre-rendered pages: joined record bytes for a full page and for the last one."""

    def __init__(self, rows: list[bytes], records: int) -> None:
        self.rows = rows
        self.records = records
        self._joined: dict[int, bytes] = {}

    def count(self) -> int:
        return self.records

    def body(self, page: int, size: int) -> tuple[bytes, int] | None:
        """The records of ``page`` (1-based) at ``size`` per page, joined, and their count."""
        start = (page - 1) * size
        if start >= self.records and page > 1:
            return None
        n = max(0, min(size, self.records - start))
        if n not in self._joined:
            repeated = (self.rows * (n // len(self.rows) + 1))[:n]
            self._joined[n] = b",".join(repeated)
        return self._joined[n], n


def _serve(records: int, ready: Any) -> None:
    """Serve every listing with ``records`` records until killed; writes the port to ``ready``."""
    project, procore = _render_procore()
    listings = {**_render_procurify(), **procore}
    qad_answers, qad_rows = _render_qad()
    listings[f"{QAD_BASE}/api/qracore/browses"] = ("qad", qad_rows)
    pages = {path: (style, _Pages(rows, records)) for path, (style, rows) in listings.items()}
    seen = [0]
    procurify_token = json.dumps(
        {"access_token": "bench-token", "token_type": "Bearer", "expires_in": 86400}
    ).encode()
    procore_token = json.dumps(
        {
            "access_token": "bench-token",
            "token_type": "Bearer",
            "expires_in": 7200,
            "created_at": int(time.time()),
        }
    ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, parts: list[bytes], headers: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(sum(len(p) for p in parts)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            for part in parts:
                self.wfile.write(part)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            seen[0] += 1
            form = "form" in self.headers.get("Content-Type", "")
            if self.path.startswith(QAD_BASE + "/"):
                token = qad_answers["token"]
            else:
                token = procore_token if form else procurify_token
            self._send(200, [token], {})

        def do_GET(self) -> None:
            split = urlsplit(self.path)
            if split.path == "/__requests":
                count, seen[0] = seen[0], 0
                self._send(200, [str(count).encode()], {})
                return
            seen[0] += 1
            if split.path == f"{QAD_BASE}/api/qracore/securityControl":
                self._send(200, [qad_answers["securityControl"]], {})
                return
            query = {k: v[-1] for k, v in parse_qs(split.query).items()}
            found = pages.get(split.path)
            if found is None:
                self._send(404, [b'{"detail": "not found"}'], {})
                return
            style, listing = found
            number = int(query.get("page", "1"))
            size_name = {"procurify": "page_size", "qad": "pageSize"}.get(style, "per_page")
            size = min(int(query.get(size_name, "100")), PAGE)
            made = listing.body(number, size)
            if made is None:
                self._send(404, [b'{"detail": "Invalid page."}'], {})
                return
            joined, _ = made
            last = math.ceil(listing.count() / size)
            if style == "qad":
                more = b"true" if number < last else b"false"
                tail = b'], "auxillaryData": {"HasMoreParams": "' + more + b'"}}'
                self._send(200, [b'{"data": [', joined, tail], {})
                return
            base = f"http://127.0.0.1:{self.server.server_address[1]}{split.path}"
            query["page"] = str(number + 1)
            following = base + "?" + "&".join(f"{k}={v}" for k, v in query.items())
            if style == "procurify":
                pagination = {
                    "count": listing.count(),
                    "next": following if number < last else None,
                    "previous": None,
                    "page_size": size,
                    "num_pages": last,
                    "current_page": number,
                }
                head = json.dumps({"metadata": {"pagination": pagination}})[:-1].encode()
                self._send(200, [head, b', "data": [', joined, b"]}"], {})
                return
            headers = {"Total": str(listing.count()), "Per-Page": str(size)}
            if number < last:
                headers["Link"] = f'<{following}>; rel="next"'
            self._send(200, [b"[", joined, b"]"], headers)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    ready.write(json.dumps({"port": server.server_address[1], "project": project}) + "\n")
    ready.flush()
    server.serve_forever()


# -- the contenders (each in a fresh process) ---------------------------------------------------


def _plain_procurify(base: str, path: str) -> int:
    with httpx.Client(base_url=base) as http:
        token = http.post(
            "/oauth/token",
            json={
                "grant_type": "client_credentials",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            },
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "X-Procurify-Client": "api"}
        count = 0
        url: str | None = f"{path}?page_size={PAGE}"
        while url is not None:
            response = http.get(url, headers=headers)
            response.raise_for_status()
            body = response.json()
            count += len(body["data"])
            url = body["metadata"]["pagination"]["next"]
        return count


def _plain_procore(base: str, path: str, params: dict[str, Any]) -> int:
    with httpx.Client(base_url=base) as http:
        token = http.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            },
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(COMPANY)}
        count = 0
        url: str | None = path
        query: dict[str, Any] | None = {**params, "per_page": PAGE}
        while url is not None:
            response = http.get(url, params=query, headers=headers)
            response.raise_for_status()
            count += len(response.json())
            url = response.links.get("next", {}).get("url")
            query = None
        return count


def _plain_qad(base: str) -> int:
    with httpx.Client(base_url=f"{base}{QAD_BASE}/") as http:
        control = http.get("api/qracore/securityControl", auth=(QAD_USER, QAD_PASSWORD)).json()
        form = {
            "grant_type": "password",
            "client_id": control["data"]["securityControls"][0]["clientId"],
            "username": QAD_USER,
            "password": QAD_PASSWORD,
        }
        token = http.post("oauth/token", data=form).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", **QAD_WORKSPACE}
        count, page = 0, 1
        while True:
            params = {
                "browseId": QAD_SUPPLIERS,
                "page": page,
                "pageSize": PAGE,
                "pageAction": "first" if page == 1 else "next",
            }
            response = http.get("api/qracore/browses", params=params, headers=headers)
            response.raise_for_status()
            body = response.json()
            count += len(body["data"])
            if body["auxillaryData"]["HasMoreParams"] != "true":
                return count
            page += 1


def _qad_client(base: str) -> Any:
    from qad_client import QADClient

    return QADClient(
        tenant_url=f"{base}{QAD_BASE}",
        domain="10USA",
        entity="10USACO",
        username=QAD_USER,
        password=QAD_PASSWORD,
    )


def _procurify_client(base: str) -> Any:
    from procurify_client import ProcurifyClient

    return ProcurifyClient(
        base_url=base, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, budget=None
    )


def _procore_client(base: str) -> Any:
    from procore_client import ProcoreClient

    return ProcoreClient(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        company_id=COMPANY,
        auth_url=base,
        base_url=base,
        budget=None,
    )


def _typed(make: Callable[[str], Any], listing: Callable[[Any], Any]) -> Callable[..., int]:
    def run(base: str, project: int) -> int:
        with make(base) as client:
            return sum(1 for _ in listing(client))

    return run


PO_PATH = "/api/v2/purchase_orders/purchased/all/"
BILL_PATH = "/api/v3/ap/bills/"

CONTENDERS: dict[str, tuple[str, str, Callable[[str, int], int]]] = {
    # name: (what it lists, plain baseline name, run(base_url, project_id) -> records)
    "plain httpx, Procurify POs": (
        "procurify POs",
        "",
        lambda base, _: _plain_procurify(base, PO_PATH),
    ),
    "ProcurifyClient.purchase_orders.list": (
        "procurify POs",
        "plain httpx, Procurify POs",
        _typed(_procurify_client, lambda c: c.purchase_orders.list(page_size=PAGE)),
    ),
    "plain httpx, Procore vendors": (
        "procore vendors",
        "",
        lambda base, _: _plain_procore(base, "/rest/v1.0/vendors", {"company_id": COMPANY}),
    ),
    "ProcoreClient.vendors.list": (
        "procore vendors",
        "plain httpx, Procore vendors",
        _typed(_procore_client, lambda c: c.vendors.list(page_size=PAGE)),
    ),
    "plain httpx, Procurify bills": (
        "procurify bills",
        "",
        lambda base, _: _plain_procurify(base, BILL_PATH),
    ),
    "ProcurifyClient.bills.list": (
        "procurify bills",
        "plain httpx, Procurify bills",
        _typed(_procurify_client, lambda c: c.bills.list(page_size=PAGE)),
    ),
    "plain httpx, Procore requisitions": (
        "procore requisitions",
        "",
        lambda base, project: _plain_procore(
            base, "/rest/v1.1/requisitions", {"project_id": project}
        ),
    ),
    "ProcoreClient.requisitions.list": (
        "procore requisitions",
        "plain httpx, Procore requisitions",
        lambda base, project: _typed(
            _procore_client, lambda c: c.requisitions.list(project, page_size=PAGE)
        )(base, project),
    ),
    "plain httpx, Procore direct costs": (
        "procore direct costs",
        "",
        lambda base, project: _plain_procore(
            base, f"/rest/v1.1/projects/{project}/direct_costs", {}
        ),
    ),
    "ProcoreClient.direct_costs.list": (
        "procore direct costs",
        "plain httpx, Procore direct costs",
        lambda base, project: _typed(
            _procore_client, lambda c: c.direct_costs.list(project, page_size=PAGE)
        )(base, project),
    ),
    "plain httpx, QAD suppliers": (
        "qad suppliers",
        "",
        lambda base, _: _plain_qad(base),
    ),
    "QADClient.suppliers.list": (
        "qad suppliers",
        "plain httpx, QAD suppliers",
        _typed(_qad_client, lambda c: c.suppliers.list(page_size=PAGE)),
    ),
}

MAIN = [
    "plain httpx, Procurify POs",
    "ProcurifyClient.purchase_orders.list",
    "plain httpx, Procore vendors",
    "ProcoreClient.vendors.list",
]


def _child(name: str, base: str, project: int) -> None:
    """One contender's listing, timed from client construction (imports are not timed: the
    plain loop's httpx is imported at the top, a client's package here)."""
    run = CONTENDERS[name][2]
    if name.startswith("Procurify"):
        import procurify_client  # noqa: F401
    elif name.startswith("Procore"):
        import procore_client  # noqa: F401
    elif name.startswith("QAD"):
        import qad_client  # noqa: F401
    started, cpu = time.perf_counter(), time.process_time()
    count = run(base, project)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"count": count, "seconds": seconds, "cpu": cpu}))


# -- the orchestrator ---------------------------------------------------------------------------


def _requests_seen(base: str) -> int:
    return int(httpx.get(f"{base}/__requests").text)


def _run_child(name: str, base: str, project: int) -> tuple[int, float, float, float]:
    """One fresh-process run: records, wall seconds, CPU seconds, peak RSS in MiB."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    child = subprocess.Popen(
        [sys.executable, __file__, "_child", name, base, str(project)],
        stdout=subprocess.PIPE,
        env=env,
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{name} failed with exit code {child.returncode}")
    result = json.loads(output.decode().strip().splitlines()[-1])
    return result["count"], result["seconds"], result["cpu"], usage.ru_maxrss / 1024


def _start_server(records: int) -> tuple[subprocess.Popen[str], str, int]:
    server = subprocess.Popen(
        [sys.executable, __file__, "_serve", str(records)], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    ready = json.loads(server.stdout.readline())
    return server, f"http://127.0.0.1:{ready['port']}", ready["project"]


def _table(records: int, names: list[str], runs: int) -> None:
    server, base, project = _start_server(records)
    try:
        results: dict[str, list[tuple[float, float, float, int]]] = {name: [] for name in names}
        for _ in range(runs):
            for name in names:
                _requests_seen(base)
                count, seconds, cpu, rss = _run_child(name, base, project)
                if count != records:
                    raise SystemExit(f"{name} listed {count:,} records, not {records:,}")
                results[name].append((seconds, cpu, rss, _requests_seen(base)))
    finally:
        server.terminate()
        server.wait()
    minimum = math.ceil(records / PAGE) + 1
    print(
        f"\n{records:,} records, page size {PAGE}, {runs} runs each (minimum {minimum} requests; "
        f"{minimum + 1} for QAD, whose sign-in looks its client id up first)"
    )
    print(
        "| contender | wall s | range | records/s | x plain httpx | CPU s | x plain (CPU) "
        "| requests | peak RSS |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    walls = {name: statistics.median(row[0] for row in rows) for name, rows in results.items()}
    cpus = {name: statistics.median(row[1] for row in rows) for name, rows in results.items()}
    for name in names:
        rows = results[name]
        wall, cpu = walls[name], cpus[name]
        baseline = CONTENDERS[name][1] or name
        ratio = f"{wall / walls[baseline]:.2f}" if baseline in walls else "-"
        cpu_ratio = f"{cpu / cpus[baseline]:.2f}" if baseline in cpus else "-"
        low, high = min(row[0] for row in rows), max(row[0] for row in rows)
        requests = max(row[3] for row in rows)
        rss = max(row[2] for row in rows)
        print(
            f"| {name} | {wall:.2f} | {low:.2f}-{high:.2f} | {records / wall:,.0f} | {ratio} | "
            f"{cpu:.2f} | {cpu_ratio} | {requests:,} | {rss:.0f} MiB |"
        )


def _profile(name: str, records: int, top: int, sort: str = "tottime") -> None:
    server, base, project = _start_server(records)
    try:
        run = CONTENDERS[name][2]
        run(base, project)  # warm imports and hooks outside the profile
        profiler = cProfile.Profile()
        profiler.enable()
        run(base, project)
        profiler.disable()
    finally:
        server.terminate()
        server.wait()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(sort).print_stats(top)
    print(out.getvalue())


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_serve":
        _serve(int(sys.argv[2]), sys.stdout)
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        _child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[100_000])
    parser.add_argument("--million", action="store_true", help="add a 1,000,000-record table")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--all", action="store_true", help="bills, requisitions, direct costs")
    parser.add_argument("--only", nargs="+", choices=sorted(CONTENDERS), default=None)
    parser.add_argument("--profile", choices=sorted(CONTENDERS), default=None)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", help="pstats order: tottime, cumulative")
    args = parser.parse_args()
    if args.profile:
        _profile(args.profile, args.records[0], args.top, args.sort)
        return
    names = args.only or (list(CONTENDERS) if args.all else MAIN)
    sizes = [*args.records, *([1_000_000] if args.million else [])]
    for records in sizes:
        _table(records, names, args.runs)


if __name__ == "__main__":
    main()
