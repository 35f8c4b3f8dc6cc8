"""The new page forms fed what a hurried person (or a hostile one) sends: every answer is a
page in words or a count, never a traceback, and nothing half-stored."""

from __future__ import annotations

import re

import httpx
import pytest
from tests.app.conftest import PASSWORD, ROOT, Service

pytest.importorskip("fastapi")

ROSTER = ROOT / "examples" / "roster.csv"
HTML = {"accept": "text/html"}


def _signed_in(site: Service) -> tuple[httpx.Client, int, str]:
    """A coordinator's browser session on a programme with people, and a form token."""
    api = site.client(site.user("ana", "admin"))
    pid = api.post("/api/v1/programmes", json={"name": "Hostile", "rounds": 2}).json()["id"]
    api.post(f"/api/v1/programmes/{pid}/people", files={"file": ("r.csv", ROSTER.read_bytes())})
    web = httpx.Client(base_url=site.base, headers=HTML, timeout=60)
    site.clients.append(web)
    assert web.post("/sign-in", data={"username": "ana", "password": PASSWORD}).status_code \
        in (200, 303)
    page = web.get(f"/programmes/{pid}").text
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert token is not None
    return web, pid, token.group(1)


def _no_traceback(answer: httpx.Response) -> None:
    assert answer.status_code < 500, answer.text[:500]
    assert "Traceback" not in answer.text


@pytest.mark.parametrize("form", [
    {"w_skills": "abc"}, {"w_skills": "nan"}, {"w_skills": "1e308"}, {"tz": "-5"},
    {"quota_department": "250"}, {"w_generation": ""},
])
def test_a_live_count_of_nonsense_says_so(site: Service, form: dict[str, str]) -> None:
    web, pid, csrf = _signed_in(site)
    live = web.post(f"/programmes/{pid}/rules/preview", data={"csrf": csrf, **form},
                    headers={"x-rmatch-live": "1"})
    _no_traceback(live)
    assert live.status_code == 200
    text = live.json()["text"]
    assert text.startswith("With these choices")
    saved = web.post(f"/programmes/{pid}/rules", data={"csrf": csrf, **form})
    _no_traceback(saved)


@pytest.mark.parametrize(("rating", "checkin", "junior"), [
    ("nan", "1", None), ("inf", "1", None), ("5", "0", None), ("five", "1", None),
    ("4", "1", "=HYPERLINK(1)"), ("4", "1", "x" * 300),
])
def test_a_typed_rating_that_is_wrong_is_refused_and_nothing_is_stored(
        site: Service, rating: str, checkin: str, junior: str | None) -> None:
    web, pid, csrf = _signed_in(site)
    api = site.client(site.user("bo", "admin"))
    job = api.post(f"/api/v1/programmes/{pid}/matchings").json()["job"]
    mid = site.wait(api, job)["matching"]
    api.post(f"/api/v1/programmes/{pid}/matchings/{mid}/publish")
    pair = api.get(f"/api/v1/programmes/{pid}/matchings/{mid}").json()["pairs"][0]
    answer = web.post(f"/programmes/{pid}/feedback/one", data={
        "csrf": csrf, "junior": junior or pair["junior_id"], "senior": pair["senior_id"],
        "rating": rating, "checkin": checkin})
    _no_traceback(answer)
    assert answer.status_code == 422
    assert api.get(f"/api/v1/programmes/{pid}/feedback").json()["ratings"] == 0


@pytest.mark.parametrize("hr", [b"", b"\x00\x01\x02garbage", b"id\n" + b"a,b,c\n" * 3,
                                b"\xff\xfe" + "id,name\n".encode("utf-16-le")])
def test_an_hr_export_that_is_not_one_is_shown_as_problems(site: Service, hr: bytes) -> None:
    # (The last is a real export with nobody in it: the join says no sign-up was found.)
    web, pid, csrf = _signed_in(site)
    sent = web.post(f"/programmes/{pid}/mapping", data={"csrf": csrf}, files={
        "file": ("signups.csv", ROSTER.read_bytes()), "hr": ("hr.csv", hr)})
    _no_traceback(sent)
    shown = web.get(sent.headers["location"]) if sent.status_code == 303 else sent
    _no_traceback(shown)
    assert ("Problems" in shown.text or "once both files read" in shown.text
            or "not read" in shown.text or "<strong>0</strong> of" in shown.text)


def test_figures_and_rounds_refuse_what_cannot_be(site: Service) -> None:
    web, pid, csrf = _signed_in(site)
    api = site.client(site.user("bo", "admin"))
    bogus = api.put(f"/api/v1/programmes/{pid}/figures", json={"sensitive": ["<b>x</b>"]})
    assert bogus.status_code == 422
    early = web.post(f"/programmes/{pid}/next-round", data={"csrf": csrf})
    _no_traceback(early)
    assert early.status_code == 409
    assert "publish the pairs of this round first" in early.text


def test_a_programme_too_large_for_a_live_count_is_told_to_save_and_match() -> None:
    from rmatch.app.pages.views import preview_change, preview_text

    people = [{"id": f"j{i}", "role": "junior"} for i in range(3)] + [
        {"id": f"s{i}", "role": "senior"} for i in range(3)]
    assert preview_change(people, None, {"weights": {"skills": 3}}, limit=8) == {
        "too_large": True}  # 9 possible pairs, a limit of 8
    assert "save the rules and match" in preview_text({"too_large": True})
    counted = preview_change(people, None, {"weights": {"skills": 3}}, limit=9)
    assert counted["after"] == counted["before"] == 3
