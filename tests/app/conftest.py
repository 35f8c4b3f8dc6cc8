"""The service under test: a real Uvicorn server on SQLite and on a real PostgreSQL.

PostgreSQL comes from ``.ci/postgres`` (installed with the system's package
manager when missing and we are root, as in CI; started on a free port,
stopped at the end). In CI (``CI`` set) a PostgreSQL that cannot start fails
the run: these tests never skip there.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

pytest.importorskip("fastapi")

from sqlalchemy import text
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from playwright.sync_api import Browser

import rmatch as rm
from rmatch.app.security import add_user
from rmatch.app.store import Base, database_url, engine_for

ROOT = Path(__file__).parents[2]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    folder = tempfile.mkdtemp(prefix="rmpg")
    done = subprocess.run([str(ROOT / ".ci" / "postgres"), "start", folder],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = f"PostgreSQL did not start: {done.stderr.strip()[-500:]}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield done.stdout.strip().replace("postgresql://", "postgresql+psycopg://")
    finally:
        subprocess.run([str(ROOT / ".ci" / "postgres"), "stop", folder], check=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Service:
    """A running service: its base URL, database URL, and helpers to act as its users."""

    base: str
    url: str
    data: Path
    clients: list[httpx.Client]

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        made = httpx.Client(base_url=self.base, headers=headers, timeout=60)
        self.clients.append(made)  # closed when the test ends
        return made

    @contextmanager
    def db(self) -> Iterator[Session]:
        """A session on the service's database (its engine disposed after)."""
        engine = engine_for(self.url)
        try:
            with Session(engine) as session:
                yield session
        finally:
            engine.dispose()

    def user(self, name: str, role: str) -> str:
        """Add a user and sign in as them; return their token."""
        with self.db() as db:
            add_user(db, name, role, PASSWORD)
            db.commit()
        answer = self.client().post("/api/v1/session",
                                    json={"username": name, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        token: str = answer.json()["token"]
        return token

    def wait(self, client: httpx.Client, job: str, timeout: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state: dict[str, Any] = client.get(f"/api/v1/jobs/{job}").json()
            if state["state"] in ("done", "failed", "cancelled"):
                return state
            time.sleep(0.2)
        raise AssertionError(f"job {job} still running after {timeout} s")


def _empty(url: str) -> None:
    engine = engine_for(url)
    Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        _empty(url)
    else:
        url = database_url(None, tmp_path / "data")
    with serving(url, tmp_path / "data") as running:
        yield running


@contextmanager
def serving(url: str, data: Path, **options: Any) -> Iterator[Service]:
    """Run ``create_app(url, ...)`` on Uvicorn in a thread, on a free port, until the end."""
    import uvicorn

    from rmatch.app.api import create_app

    app = create_app(url, data=data, max_upload_mb=2, **options)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="error", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    running = Service(f"http://127.0.0.1:{port}", url, data, [])
    try:
        yield running
    finally:
        for client in running.clients:
            client.close()
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    found = subprocess.run([str(ROOT / ".ci" / "chromium")], capture_output=True, text=True,
                           check=False)
    if found.returncode != 0:
        message = f"Chromium is not available: {found.stderr.strip()}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as p:
        # --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
        launched = p.chromium.launch(executable_path=found.stdout.strip(),
                                     args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Service]:
    with serving(database_url(None, tmp_path), tmp_path) as running:
        yield running


def hand_matching(juniors: list[rm.Participant], seniors: list[rm.Participant],
                   org: rm.OrgChart) -> list[tuple[str, str]]:
    """The optimum's pairs, one of them replaced by a pair a rule forbids."""
    best = [(p.junior_id, p.senior_id) for p in rm.match(juniors, seniors, org=org).pairs]
    sm = rm.score(juniors, seniors, rm.Program(constraints=rm.recommended_rules()), org=org)
    j, bad = next((j, s) for j, _ in best for k, s in enumerate(sm.senior_ids)
                  if not sm.feasible[sm.junior_ids.index(j), k])
    return [(j, bad), *((a, b) for a, b in best if a != j and b != bad)]


# One sheet per side, as survey tools export them (mentor-match's format: the
# mentees' sheet has a column the mentors' lacks); 'kim' signed up on both.
MENTEES_SHEET = ("email address,first name,last name,grade,organisation,identity to match\n"
                 "ana@gov.uk,Ana,Lima,1,Department of Love,Gay\n"
                 "kim@gov.uk,Kim,Ng,3,Department of Virtue,\n"
                 "rui@gov.uk,Rui,Costa,2,Department of Peace,Lesbian\n")
MENTORS_SHEET = ("email address,first name,last name,grade,organisation,characteristics\n"
                 "cto@gov.uk,Cat,Owen,6,Department of Peace,Gay\n"
                 "kim@gov.uk,Kim,Ng,3,Department of Virtue,\n"
                 "cfo@gov.uk,Fay,Ode,7,Department of Love,\n")
SIDE_COLUMNS = {"email address": "id", "first name": "name", "last name": "name",
                "grade": "level", "organisation": "department",
                "identity to match": "attributes.identity",
                "characteristics": "attributes.characteristics"}
