"""The programme service: read latency during a large solve, a programme through the API, pages.

Starts a real ``rmatch serve`` (SQLite under a temporary folder, one user),
then for each size: the library alone (read the roster, match: the same
file and rules), then the same programme through HTTP (upload, match as a
job, publish), timing reads of the programme (``GET /api/v1/programmes/ID``)
every 50 ms while the job runs. Both in one run, side by side. Then the
programme's page and the review page (the first 100 pairs), signed in as a
person, 20 times each. The solve
runs in its own worker process, so on this 2-core machine the server shares
the cores with it: that is what the latency figures measure.

Run: ``python -m benchmarks service [--sizes 1000 5000]``.
Writes ``benchmarks/results/service.json`` and ``service.md``.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

import rmatch as rm
from benchmarks.common import parser, save

PASSWORD = "benchmark password"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _roster(n: int, folder: Path) -> Path:
    """A whole organisation's roster with n juniors and n seniors marked (as benchmarks do)."""
    size = 7 * n
    while True:  # grow until both pools are large enough, as common.cohort does
        org = rm.synth.generate(size, seed=0)
        roles = rm.synth.cohort_roles(org, n, n, seed=0, max_junior_level=0,
                                      min_senior_level=1)
        if len(roles) == 2 * n:
            break
        size = size * 3 // 2
    path = folder / f"roster-{n}.csv"
    org.write_csv(path, roles)
    return path


def _library(path: Path) -> tuple[float, float, rm.MatchResult]:
    start = time.perf_counter()
    people = rm.read_participants(path)
    read = time.perf_counter() - start
    juniors, seniors, _ = rm.split_roles(people)
    result = rm.match(juniors, seniors, org=rm.OrgChart.from_participants(people))
    return read, time.perf_counter() - start - read, result


def _through_api(base: str, path: Path, n: int) -> dict[str, Any]:
    with httpx.Client(base_url=base, timeout=600) as c:
        token = c.post("/api/v1/session", json={"username": "bench",
                                                "password": PASSWORD}).json()["token"]
        c.headers["Authorization"] = f"Bearer {token}"
        start = time.perf_counter()
        pid = c.post("/api/v1/programmes", json={"name": f"bench {n}"}).json()["id"]
        up = c.post(f"/api/v1/programmes/{pid}/people",
                    files={"file": (path.name, path.read_bytes())})
        assert up.status_code == 200, up.text[:500]
        uploaded = time.perf_counter() - start
        job = c.post(f"/api/v1/programmes/{pid}/matchings").json()["job"]
        latencies: list[float] = []
        done = threading.Event()

        def reader() -> None:
            with httpx.Client(base_url=base, headers=dict(c.headers), timeout=60) as r:
                while not done.is_set():
                    t0 = time.perf_counter()
                    assert r.get(f"/api/v1/programmes/{pid}").status_code == 200
                    latencies.append(time.perf_counter() - t0)
                    time.sleep(0.05)

        thread = threading.Thread(target=reader)
        thread.start()
        while (state := c.get(f"/api/v1/jobs/{job}").json())["state"] not in (
                "done", "failed", "cancelled"):
            time.sleep(0.2)
        matched = time.perf_counter() - start - uploaded
        done.set()
        thread.join()
        assert state["state"] == "done", state
        mid = state["matching"]
        c.post(f"/api/v1/programmes/{pid}/matchings/{mid}/publish")
        total = time.perf_counter() - start
        got = c.get(f"/api/v1/programmes/{pid}/matchings/{mid}").json()
        objective, first = got["objective"], got["pairs"][0]["junior_id"]
    # Why? last: on a large programme it starts its work in the background and
    # answers at once (the explanation itself takes a solve per alternative).
    pages = _page_times(base, [f"/programmes/{pid}", f"/programmes/{pid}/matchings/{mid}",
                               f"/programmes/{pid}/matchings/{mid}?page=25",
                               f"/programmes/{pid}/dashboard", f"/programmes/{pid}/rules",
                               f"/programmes/{pid}/matchings/{mid}/explain/{first}"])
    ordered = sorted(latencies)
    return {"api_upload_s": uploaded, "api_match_s": matched, "api_total_s": total,
            "api_objective": objective, "reads": len(ordered),
            "read_p50_ms": 1000 * statistics.median(ordered),
            "read_p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
            **pages}


def _page_times(base: str, paths: list[str], repeats: int = 20) -> dict[str, Any]:
    """Sign in on the page as a person does, then time each page: the median over all, the
    slowest, and which page that was."""
    with httpx.Client(base_url=base, timeout=60) as web:
        web.post("/sign-in", data={"username": "bench", "password": PASSWORD})
        times: list[tuple[float, str]] = []
        for path in paths:
            for _ in range(repeats):
                t0 = time.perf_counter()
                answer = web.get(path)
                times.append((time.perf_counter() - t0, path))
                assert answer.status_code == 200, (path, answer.status_code)
    times.sort()
    return {"page_p50_ms": 1000 * statistics.median(t for t, _ in times),
            "page_max_ms": 1000 * times[-1][0],
            "slowest_page": times[-1][1].rsplit("/", 1)[-1]}


def main(argv: list[str] | None = None) -> None:
    args = parser(__doc__, [1000, 5000]).parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run([sys.executable, "-m", "rmatch", "users", "add", "bench", "--role",
                        "admin", "--password-stdin"], input=PASSWORD + "\n", text=True,
                       cwd=folder, check=True, capture_output=True)
        port = _port()
        server = subprocess.Popen([sys.executable, "-m", "rmatch", "serve", "--port",
                                   str(port), "--max-upload-mb", "200"], cwd=folder,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(f"{base}/api/openapi.json", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            rows = []
            for n in args.sizes:
                path = _roster(n, folder)
                read, solve, result = _library(path)
                row: dict[str, Any] = {"n": n, "lib_read_s": read, "lib_match_s": solve,
                                       "lib_total_s": read + solve,
                                       "pairs": len(result.pairs)}
                row.update(_through_api(base, path, n))
                row["same_objective"] = abs(row["api_objective"] - result.objective) < 1e-6
                row["api_over_lib"] = row["api_total_s"] / row["lib_total_s"]
                print(row, flush=True)
                rows.append(row)
        finally:
            server.terminate()
            server.wait(30)
    print(save("service", rows, ["n", "pairs", "lib_total_s", "api_upload_s", "api_match_s",
                                 "api_total_s", "api_over_lib", "read_p50_ms", "read_p99_ms",
                                 "reads", "page_p50_ms", "page_max_ms", "slowest_page",
                                 "same_objective"],
               "The service: a programme through the API against the library, and read "
               "latency during the solve"))


if __name__ == "__main__":
    main()
