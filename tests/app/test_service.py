"""The service as a whole: built on the public API only, migrations equal to the models,
its commands, and a server killed during a solve."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from tests.app.conftest import ROOT, _free_port

from rmatch.app.store import Base, database_url, engine_for, upgrade

APP = ROOT / "src" / "rmatch" / "app"


def test_the_service_uses_only_rmatchs_public_api() -> None:
    """As any HR tool: `import rmatch` and its top-level names, nothing below them."""
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if name.startswith("rmatch."):
                    assert name.startswith("rmatch.app"), f"{path.name} imports {name}"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migrations_build_exactly_the_models(backend: str, tmp_path: Path,
                                                 request: pytest.FixtureRequest) -> None:
    from tests.app.conftest import _empty

    if backend == "postgresql":
        url = request.getfixturevalue("postgres_url")
        _empty(url)
    else:
        url = database_url(None, tmp_path)
    upgrade(url)
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def _rmatch(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rmatch", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)


def test_users_and_tokens_from_the_command_line(tmp_path: Path) -> None:
    added = _rmatch("users", "add", "ana", "--role", "admin", "--password-stdin",
                    cwd=tmp_path, stdin="long enough secret\n")
    assert added.returncode == 0, added.stderr
    assert (tmp_path / "rmatch-data" / "rmatch.db").exists()  # created on first use
    short = _rmatch("users", "add", "bo", "--role", "viewer", "--password-stdin",
                    cwd=tmp_path, stdin="short\n")
    assert short.returncode == 1
    assert "at least 8" in short.stderr
    assert "Traceback" not in short.stderr
    # No terminal and no --password-stdin (a script): said, never a traceback (EOFError).
    piped = _rmatch("users", "add", "cy", "--role", "viewer", cwd=tmp_path)
    assert piped.returncode == 1
    assert "no terminal to type the password in" in piped.stderr
    assert "Traceback" not in piped.stderr
    token = _rmatch("tokens", "create", "ana", cwd=tmp_path)
    assert token.returncode == 0
    assert token.stdout.startswith("rm_")
    assert _rmatch("tokens", "create", "nobody", cwd=tmp_path).returncode == 1
    assert _rmatch("db", "upgrade", cwd=tmp_path).returncode == 0
    data = b"".join(p.read_bytes() for p in (tmp_path / "rmatch-data").glob("rmatch.db*"))
    assert token.stdout.strip().encode() not in data
    assert b"long enough secret" not in data


def _serve(folder: Path, port: int) -> subprocess.Popen[bytes]:
    with (folder / "server.log").open("ab") as log:  # the child keeps its own descriptor
        server = subprocess.Popen([sys.executable, "-m", "rmatch", "serve", "--port",
                                   str(port), "--demo"], cwd=folder, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError("the server did not start")


def test_a_server_killed_during_a_solve_restarts_with_the_job_failed(tmp_path: Path) -> None:
    assert _rmatch("users", "add", "ana", "--role", "admin", "--password-stdin",
                   cwd=tmp_path, stdin="long enough secret\n").returncode == 0
    port = _free_port()
    server = _serve(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    try:
        token = httpx.post(f"{base}/api/v1/session", json={
            "username": "ana", "password": "long enough secret"}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        demo = httpx.get(f"{base}/api/v1/programmes", headers=auth).json()
        assert [p["name"] for p in demo] == ["Demo: reverse mentoring (synthetic organisation)"]
        job = httpx.post(f"{base}/api/v1/programmes/{demo[0]['id']}/matchings",
                         headers=auth).json()["job"]
        os.kill(server.pid, signal.SIGKILL)  # no shutdown of any kind
        server.wait(10)
    finally:
        if server.poll() is None:
            server.kill()
    server = _serve(tmp_path, port)
    try:
        state = httpx.get(f"{base}/api/v1/jobs/{job}", headers=auth).json()
        assert state["state"] in ("failed", "done")  # done only if it beat the kill
        if state["state"] == "failed":
            assert state["matching"] is None
            assert "server stopped" in state["error"]
            matchings = httpx.get(f"{base}/api/v1/programmes/{demo[0]['id']}/matchings",
                                  headers=auth).json()
            assert matchings == []
        # And the service works again: a new job runs to the end.
        again = httpx.post(f"{base}/api/v1/programmes/{demo[0]['id']}/matchings",
                           headers=auth).json()["job"]
        deadline = time.monotonic() + 120
        while httpx.get(f"{base}/api/v1/jobs/{again}", headers=auth).json()["state"] \
                not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.3)
        assert httpx.get(f"{base}/api/v1/jobs/{again}", headers=auth).json()["state"] == "done"
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)
    log = (tmp_path / "server.log").read_text("utf-8", "replace")
    assert "demo programme" in log  # the log is the server's own output
    assert "long enough secret" not in log
    assert token not in log


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_with_a_dask_scheduler_matchings_run_on_the_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    from tests.app.conftest import serving
    from tests.app.test_api import ROSTER, _matched, _programme, _upload

    import rmatch as rm

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            serving(database_url(None, tmp_path), tmp_path,
                    dask=cluster.scheduler_address) as service:
        c = service.client(service.user("admin", "admin"))
        pid = _programme(c)
        _upload(c, pid)
        before = len(cluster.scheduler.task_prefixes) if hasattr(
            cluster.scheduler, "task_prefixes") else 0
        mid = _matched(service, c, pid)
        got = c.get(f"/api/v1/programmes/{pid}/matchings/{mid}").json()
        assert any(k.startswith("rmatch") for k in cluster.scheduler.task_prefixes) \
            or before < len(cluster.scheduler.task_prefixes)
    people = rm.read_participants(ROSTER)
    juniors, seniors, _ = rm.split_roles(people)
    alone = rm.match(juniors, seniors, org=rm.OrgChart.from_participants(people))
    assert got["objective"] == pytest.approx(alone.objective, abs=1e-9)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_database_with_data_migrates_to_the_newest_schema(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    from sqlalchemy import text
    from tests.app.conftest import _empty

    if backend == "postgresql":
        url = request.getfixturevalue("postgres_url")
        _empty(url)
    else:
        url = database_url(None, tmp_path)
    upgrade(url, "0001")
    engine = engine_for(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO programmes (id, name, goals, rounds, state, version,"
                              " created_at) VALUES (1, 'old', '{}', 1, 'draft', 1, "
                              "CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO imports (id, programme_id, filename, content, "
                              "warnings, people, n_people, n_juniors, n_seniors, created_at) "
                              "VALUES (1, 1, 'r.csv', :b, '[]', '[]', 0, 0, 0, "
                              "CURRENT_TIMESTAMP)"), {"b": b"id\n"})
        upgrade(url)
        with engine.connect() as conn:
            options = conn.execute(text("SELECT options FROM imports")).scalar_one()
    finally:
        engine.dispose()
    assert options in ({}, "{}")
