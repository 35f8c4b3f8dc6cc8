"""Generated rules documents through the service: stored and readable, or refused in words.

A coordinator's tool may send any JSON as a programme's rules. Each example
sends one (arbitrary JSON from the reader fuzz, or a valid programme with
any objective and rules) to ``PUT /api/v1/programmes/ID/rules`` on a real
server: the answer is 200 with rules the library reads back as the same
programme, or 422 with problems each naming a field and a reason; never a
500, never stored rules the library cannot read.

CI runs a few dozen examples; ``RMATCH_FUZZ_EXAMPLES=2000`` runs a campaign.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from tests.app.conftest import serving
from tests.app.test_api import _programme
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

