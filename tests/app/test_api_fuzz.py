"""Generated rules documents through the service: stored and readable, or refused in words.

A coordinator's tool may send any JSON as a programme's rules. Each example
sends one (arbitrary JSON from the reader fuzz, or a valid programme with
any objective and rules) to ``PUT /api/v1/programmes/ID/rules`` on a real
server: the answer is 200 with rules the library reads back as the same
programme, or 422 with problems each naming a field and a reason; never a
500, never stored rules the library cannot read.

CI runs a few dozen examples; ``RMATCH_FUZZ_EXAMPLES=2000`` runs a campaign. A second
test stores valid programmes and runs a matching job for each against the library
(three in CI; ``RMATCH_FUZZ_JOBS=60`` runs a campaign).
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from tests.app.conftest import serving
from tests.app.test_api import ROSTER, _programme, _upload
from tests.test_fuzz import programmes as documents
from tests.test_fuzz_programmes import programmes

import rmatch as rm
from rmatch.app.store import database_url

EXAMPLES = int(os.environ.get("RMATCH_FUZZ_EXAMPLES", "40"))


def test_any_rules_document_is_stored_readable_or_refused_in_words(tmp_path: Path) -> None:
    with serving(database_url(None, tmp_path / "data"), tmp_path / "data") as service:
        c = service.client(service.user("admin", "admin"))
        pid = _programme(c)
        seen: set[int] = set()

        @settings(max_examples=EXAMPLES, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(doc=documents | programmes().map(lambda p: p.model_dump(mode="json")))
        def put(doc: dict[str, Any]) -> None:
            # As text: NaN and infinities go out as Python writes them (httpx refuses them).
            answer = c.put(f"/api/v1/programmes/{pid}/rules", content=json.dumps(doc),
                           headers={"Content-Type": "application/json"})
            assert answer.status_code in (200, 422), (answer.status_code, answer.text)
            seen.add(answer.status_code)
            if answer.status_code == 422:
                problems = answer.json()["detail"]["problems"]
                assert problems
                for problem in problems:
                    assert str(problem.get("reason", "")).strip(), problem
                return
            stored = c.get(f"/api/v1/programmes/{pid}").json()["rules"]
            assert rm.Program.model_validate(stored) == rm.Program.model_validate(doc)

        put()
        assert seen == {200, 422}  # both answers exercised: the strategies have not drifted


JOBS = int(os.environ.get("RMATCH_FUZZ_JOBS", "3"))


def test_a_stored_programme_matches_as_the_library_does_or_fails_in_words(
        tmp_path: Path) -> None:
    # Each example: valid rules stored, a matching job run by a worker process on the
    # example roster, and the answer compared with rm.match on the same file: the same
    # total and pairs count, or the same refusal, in words (never an internal error).
    people = rm.read_participants(ROSTER)
    juniors, seniors, _ = rm.split_roles(people)
    org = rm.OrgChart.from_participants(people)
    with serving(database_url(None, tmp_path / "data"), tmp_path / "data") as service:
        c = service.client(service.user("admin", "admin"))
        pid = _programme(c)
        assert _upload(c, pid).status_code == 200
        answers: list[str] = []

        @settings(max_examples=JOBS, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(program=programmes())
        def job(program: rm.Program) -> None:
            doc = program.model_dump(mode="json")
            if c.put(f"/api/v1/programmes/{pid}/rules", json=doc).status_code != 200:
                return  # refused in words: the first test's business
            state = service.wait(c, c.post(f"/api/v1/programmes/{pid}/matchings").json()["job"])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    alone: rm.MatchResult | None = rm.match(juniors, seniors, program, org=org)
                except (rm.InputError, rm.InfeasibleError) as err:
                    alone, said = None, f"{type(err).__name__}: {err}"
            answers.append(state["state"])
            if alone is None:
                assert state["state"] == "failed", state
                assert state["error"] == said[:2000]
                return
            assert state["state"] == "done", state
            got = c.get(f"/api/v1/programmes/{pid}/matchings/{state['matching']}").json()
            assert got["objective"] == pytest.approx(alone.objective, abs=1e-9)
            assert len(got["pairs"]) == len(alone.pairs)

        job()
        assert "done" in answers  # at least one programme matched, not only refusals
