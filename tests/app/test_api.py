"""The programme service over HTTP, as an HR tool would use it: oracles are the library itself.

Every test runs against SQLite and against a real PostgreSQL (conftest.py).
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import threading
import urllib.parse
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from tests.app.conftest import PASSWORD, Service, hand_matching

import rmatch as rm
from rmatch.app.security import FIRST_LOCK_S
from rmatch.app.store import AuditEntry, Import, Matching, Token, User, now

ROSTER = Path(__file__).parents[2] / "examples" / "roster.csv"


def _programme(c: httpx.Client, name: str = "Pilot 2027") -> int:
    answer = c.post("/api/v1/programmes", json={"name": name, "goals": {"seniors": "AI"}})
    assert answer.status_code == 201, answer.text
    pid: int = answer.json()["id"]
    return pid


def _upload(c: httpx.Client, pid: int, data: bytes | None = None,
            name: str = "roster.csv", **form: str) -> httpx.Response:
    return c.post(f"/api/v1/programmes/{pid}/people",
                  files={"file": (name, data if data is not None else ROSTER.read_bytes())},
                  data=form)


def _raw_upload(service: Service, token: str, pid: int, size: int, *,
                send_body: bool) -> tuple[int, str]:
    """Post ``size`` bytes as urllib does: the whole body before reading the answer, on a
    connection to close; or (``send_body`` False) only the headers with
    ``Expect: 100-continue``, then the answer."""
    url = urllib.parse.urlsplit(service.base)
    boundary = "rmatch-test"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"big.csv\"\r\n\r\n").encode()
    body = head + b"x" * size + f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=60)
    try:
        conn.putrequest("POST", f"/api/v1/programmes/{pid}/people")
        conn.putheader("Authorization", f"Bearer {token}")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(len(body)))
        conn.putheader("Connection", "close")  # as urllib sends it
        if not send_body:
            conn.putheader("Expect", "100-continue")
        conn.endheaders(body if send_body else None)
        answer = conn.getresponse()
        return answer.status, answer.read().decode()
    finally:
        conn.close()


def _matched(service: Service, c: httpx.Client, pid: int) -> int:
    job = c.post(f"/api/v1/programmes/{pid}/matchings")
    assert job.status_code == 202, job.text
    state = service.wait(c, job.json()["job"])
    assert state["state"] == "done", state
    mid: int = state["matching"]
    return mid


def test_a_whole_programme_through_the_api_matches_the_library(service: Service) -> None:
    c = service.client(service.user("hr-admin", "admin"))
    pid = _programme(c)
    read = _upload(c, pid)
    assert read.status_code == 200, read.text
    people = rm.read_participants(ROSTER)
    juniors, seniors, _ = rm.split_roles(people)
    assert read.json()["juniors"] == len(juniors)
    assert read.json()["seniors"] == len(seniors)
    # The roster's managers outside the programme (the CEO) are counted apart.
    others = len(people) - len(juniors) - len(seniors)
    assert others > 0
    assert read.json()["others"] == others
    assert read.json()["people"] == len(people)
    assert c.get(f"/api/v1/programmes/{pid}").json()["people"]["others"] == others
    mid = _matched(service, c, pid)
    got = c.get(f"/api/v1/programmes/{pid}/matchings/{mid}").json()
    # The oracle: the library on the same file, with the recommended rules.
    alone = rm.match(juniors, seniors, org=rm.OrgChart.from_participants(people))
    assert got["objective"] == pytest.approx(alone.objective, abs=1e-9)
    assert len(got["pairs"]) == len(alone.pairs)
    assert got["status"] == "optimal"
    # Everyone accounted for: in a pair or unmatched with a reason.
    in_pairs = {p["junior_id"] for p in got["pairs"]} | {p["senior_id"] for p in got["pairs"]}
    for person in [*juniors, *seniors]:
        assert person.id in in_pairs or person.id in got["unmatched_reasons"]
    assert all(0 <= p["score"] <= 1 for p in got["pairs"])

    # Explain one pair, then forbid it: a new version without it, never a better total.
    first = got["pairs"][0]
    why = c.get(f"/api/v1/programmes/{pid}/matchings/{mid}/explain/{first['junior_id']}")
    assert why.status_code == 200
    assert why.json()["partners"][0]["senior_id"] == first["senior_id"]
    forbid = [[first["junior_id"], first["senior_id"]]]
    new = c.post(f"/api/v1/programmes/{pid}/matchings/{mid}/overrides", json={"forbid": forbid})
    assert new.status_code == 200, new.text
    again = c.get(f"/api/v1/programmes/{pid}/matchings/{new.json()['matching']}").json()
    assert (first["junior_id"], first["senior_id"]) not in {
        (p["junior_id"], p["senior_id"]) for p in again["pairs"]}
    assert again["objective"] <= got["objective"] + 1e-9
    assert again["overrides"]["forbid"] == forbid
    assert again["parent"] == mid
    # The stored version is still what it was (immutable).
    assert c.get(f"/api/v1/programmes/{pid}/matchings/{mid}").json()["pairs"] == got["pairs"]

    published = c.post(f"/api/v1/programmes/{pid}/matchings/{again['id']}/publish")
    assert published.status_code == 200
    assert published.json()["state"] == "published"
    assert c.post(f"/api/v1/programmes/{pid}/matchings/{again['id']}/publish").status_code \
        == 409

    pairs = list(csv.reader(io.StringIO(c.get(
        f"/api/v1/programmes/{pid}/export?what=pairs&format=csv").text.lstrip("\ufeff"))))
    assert len(pairs) == len(again["pairs"]) + 1
    assert {(r[0], r[1]) for r in pairs[1:]} == {
        (p["junior_id"], p["senior_id"]) for p in again["pairs"]}
    mail = list(csv.DictReader(io.StringIO(c.get(
        f"/api/v1/programmes/{pid}/export?what=people&format=csv").text.lstrip("\ufeff"))))
    by_id = {p.id: p for p in people}
    assert len(mail) == len(juniors) + len(seniors)
    for row in mail:
        assert row["name"] == by_id[row["id"]].name
        for partner in filter(None, row["partner_ids"].split(";")):
            assert partner in {p["senior_id"] if p["junior_id"] == row["id"] else
                               p["junior_id"] for p in again["pairs"]}
    ics = c.get(f"/api/v1/programmes/{pid}/export?what=calendar&format=ics").text
    assert ics.count("BEGIN:VEVENT") == len(again["pairs"])
    briefs = c.get(f"/api/v1/programmes/{pid}/export?what=briefs&format=zip")
    assert briefs.headers["content-type"] == "application/zip"

    # Closed: read and exported still, changed never.
    assert c.post(f"/api/v1/programmes/{pid}/close").json()["state"] == "closed"
    assert c.put(f"/api/v1/programmes/{pid}/rules", json={}).status_code == 409
    assert c.post(f"/api/v1/programmes/{pid}/matchings").status_code == 409
    assert c.get(f"/api/v1/programmes/{pid}/export?what=pairs&format=csv").status_code == 200

    actions = [e["action"] for e in c.get(f"/api/v1/programmes/{pid}/audit").json()]
    assert actions == ["created the programme", "imported people", "started a matching",
                       "overrode pairs", "published a matching", "closed the programme"]


def test_the_audit_says_an_import_in_words(service: Service) -> None:
    c = service.client(service.user("ana", "admin"))
    pid = _programme(c)
    one_each = b"id,role,birth_year\nj1,junior,2000\ns1,senior,1970\n"
    assert _upload(c, pid, one_each).status_code == 200
    (entry,) = [e for e in c.get(f"/api/v1/programmes/{pid}/audit").json()
                if e["action"] == "imported people"]
    # Was "2 people (1 juniors, 1 seniors), 0 warnings".
    assert entry["detail"].endswith(": 2 people (1 junior, 1 senior), 0 warnings")


def test_rights_tokens_and_throttling(service: Service) -> None:
    owner = service.client(service.user("coord-a", "coordinator"))
    other = service.client(service.user("coord-b", "coordinator"))
    viewer_token = service.user("viewer", "viewer")
    viewer = service.client(viewer_token)
    pid = _programme(owner)
    assert _upload(owner, pid).status_code == 200

    assert service.client().get("/api/v1/programmes").status_code == 401
    assert service.client("rm_wrong").get("/api/v1/programmes").status_code == 401
    assert other.get(f"/api/v1/programmes/{pid}").status_code == 404
    assert other.delete(f"/api/v1/programmes/{pid}").status_code == 404
    assert [p["id"] for p in other.get("/api/v1/programmes").json()] == []
    assert viewer.get(f"/api/v1/programmes/{pid}").status_code == 404

    # Shared read-only without names: sees the programme, changes nothing, no names.
    assert owner.post(f"/api/v1/programmes/{pid}/shares",
                      json={"user": "viewer"}).status_code == 201
    assert viewer.get(f"/api/v1/programmes/{pid}").status_code == 200
    assert viewer.put(f"/api/v1/programmes/{pid}/rules", json={}).status_code == 403
    assert viewer.post(f"/api/v1/programmes/{pid}/matchings").status_code == 403
    assert viewer.post("/api/v1/programmes", json={"name": "x"}).status_code == 403
    names = {p.name for p in rm.read_participants(ROSTER) if p.name}
    listed = viewer.get(f"/api/v1/programmes/{pid}/people").text
    assert not any(n in listed for n in names)
    assert "gender" not in listed
    mid = _matched(service, owner, pid)
    shown = viewer.get(f"/api/v1/programmes/{pid}/matchings/{mid}").text
    assert not any(n in shown for n in names)
    # Granted names: now they appear.
    owner.post(f"/api/v1/programmes/{pid}/shares", json={"user": "viewer", "names": True})
    assert any(n in viewer.get(f"/api/v1/programmes/{pid}/people").text for n in names)

    # An expired token is refused.
    with service.db() as db:
        for token in db.scalars(select(Token)):
            token.expires_at = now()
        db.commit()
    assert viewer.get("/api/v1/programmes").status_code == 401

    # Throttling: after five wrong passwords, even the right one waits.
    anon = service.client()
    for _ in range(5):
        assert anon.post("/api/v1/session", json={"username": "coord-a",
                                                  "password": "wrong"}).status_code == 401
    locked = anon.post("/api/v1/session", json={"username": "coord-a", "password": PASSWORD})
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["retry-after"]) <= FIRST_LOCK_S + 1
    # Once the lock has passed, the right password signs in and the count restarts.
    with service.db() as db:
        user = db.scalar(select(User).where(User.name == "coord-a"))
        assert user is not None
        assert user.failed_logins == 5
        user.locked_until = now()
        db.commit()
    assert anon.post("/api/v1/session", json={"username": "coord-a",
                                              "password": PASSWORD}).status_code == 200
    with service.db() as db:
        assert db.scalar(select(User.failed_logins).where(User.name == "coord-a")) == 0


def test_hostile_names_are_kept_intact_and_secrets_never_stored_in_clear(
        service: Service) -> None:
    token = service.user("admin", "admin")
    c = service.client(token)
    nasty = "<script>alert(1)</script>'); DROP TABLE programmes;--"
    pid = _programme(c, nasty)
    assert c.get(f"/api/v1/programmes/{pid}").json()["name"] == nasty
    assert [p["name"] for p in c.get("/api/v1/programmes").json()] == [nasty]
    with service.db() as db:
        stored = [*db.scalars(select(User.password_hash)), *db.scalars(select(Token.digest))]
    assert PASSWORD not in " ".join(stored)
    assert token not in " ".join(stored)
    assert all(h.startswith("$argon2id$") for h in stored[:1])
    if service.url.startswith("sqlite"):
        raw = b"".join(p.read_bytes() for p in service.data.glob("rmatch.db*"))
        assert PASSWORD.encode() not in raw
        assert token.encode() not in raw


def test_concurrent_changes_never_lose_an_update(service: Service) -> None:
    c = service.client(service.user("admin", "admin"))
    pid = _programme(c)
    version = c.get(f"/api/v1/programmes/{pid}").headers["etag"]
    first = c.put(f"/api/v1/programmes/{pid}/rules", json={"seed": 1},
                  headers={"If-Match": version})
    assert first.status_code == 200
    stale = c.put(f"/api/v1/programmes/{pid}/rules", json={"seed": 2},
                  headers={"If-Match": version})
    assert stale.status_code == 409
    assert c.get(f"/api/v1/programmes/{pid}").json()["rules"] == {"seed": 1}

    # Two coordinators at once with the same version: exactly one wins.
    version = c.get(f"/api/v1/programmes/{pid}").headers["etag"]
    answers: list[int] = []

    def put(seed: int) -> None:
        with service.client(c.headers["authorization"].split()[1]) as mine:
            answers.append(mine.put(f"/api/v1/programmes/{pid}/rules", json={"seed": seed},
                                    headers={"If-Match": version}).status_code)

    threads = [threading.Thread(target=put, args=(s,)) for s in (3, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [200, 409]


def test_bad_files_are_refused_whole_and_big_ones_early(service: Service) -> None:
    c = service.client(service.user("admin", "admin"))
    pid = _programme(c)
    bad = "id,role,birth_year\n" + "".join(f"p{i},junior,not-a-year\n" for i in range(10_000))
    answer = _upload(c, pid, bad.encode())
    assert answer.status_code == 422
    problems = answer.json()["detail"]["problems"]
    assert len(problems) == 10_000
    assert problems[0]["row"] == 2
    assert problems[0]["field"] == "birth_year"
    assert problems[-1]["id"] == "p9999"
    assert c.get(f"/api/v1/programmes/{pid}/people").json() == []
    assert c.get(f"/api/v1/programmes/{pid}").json()["version"] == 1  # nothing stored
    # Headers that need a map: the suggested map comes as the problem's value, to apply.
    export = b"Employee ID,Mentoring role\nE1,junior\nE2,senior\n"
    refused = _upload(c, pid, export).json()["detail"]["problems"]
    hint = [p for p in refused if p["kind"] == "column_map"]
    assert len(hint) == 1
    assert json.loads(hint[0]["value"]) == {"Employee ID": "id", "Mentoring role": "role"}
    mapped = c.post(f"/api/v1/programmes/{pid}/people", files={"file": ("e.csv", export)},
                    data={"columns": hint[0]["value"]})
    assert mapped.status_code == 200
    assert mapped.json()["people"] == 2
    big = _upload(c, pid, b"x" * (20 * 1024 * 1024))  # the service under test allows 2 MB
    assert big.status_code == 413
    assert "Traceback" not in big.text
    # A client that sends its whole body before reading (urllib, most scripts) gets the
    # message too, not a reset connection; one that waits for "100 Continue" gets it at
    # once, without sending a byte of the body.
    token = c.headers["Authorization"].split()[1]
    first = _raw_upload(service, token, pid, 18 * 1024 * 1024, send_body=True)
    assert first[0] == 413
    assert "2 MB allowed" in first[1]
    waiting = _raw_upload(service, token, pid, 6 * 1024 * 1024, send_body=False)
    assert waiting[0] == 413
    assert "2 MB allowed" in waiting[1]
    broken = c.post(f"/api/v1/programmes/{pid}/people", content=b"{", headers={
        "content-type": "multipart/form-data; boundary=x"})
    assert broken.status_code in (400, 422)
    assert "Traceback" not in broken.text
    rules = c.put(f"/api/v1/programmes/{pid}/rules", json={"constraints": [{"kind": "nope"}]})
    assert rules.status_code == 422
    assert rules.json()["detail"]["problems"]
    # A misspelt rule kind or key: said as a programme file says it, by field.
    typo = {"objectiv": "max_score", "constraints": [{"kind": "shared_langauge"}]}
    rules = c.put(f"/api/v1/programmes/{pid}/rules", json=typo)
    assert rules.status_code == 422
    with pytest.raises(rm.InputError) as read:
        rm.load_program(typo)
    assert rules.json()["detail"]["problems"] == [
        {"field": p.field, "reason": p.reason} for p in read.value.problems
        if isinstance(p, rm.Problem)]
    assert {(p["field"], p["reason"].split(" (")[-1]) for p in
            rules.json()["detail"]["problems"]} == {
        ("constraints.0", "did you mean 'shared_language'?)"),
        ("objectiv", "did you mean 'objective'?)")}
    # Rules that read but cannot run together are refused when set, not in a later job.
    stable = c.put(f"/api/v1/programmes/{pid}/rules", json={
        "objective": "stable", "constraints": [{"kind": "match_all", "side": "juniors"}]})
    assert stable.status_code == 422
    assert stable.json()["detail"]["problems"] == [{"field": "objective", "reason": rm.Program(
        objective="stable", constraints=[rm.MatchAll(side="juniors")]).conflict()}]
    assert c.get(f"/api/v1/programmes/{pid}").json()["rules"] is None
    even = c.put(f"/api/v1/programmes/{pid}/rules", json={
        "objective": "max_score", "constraints": [{"kind": "even_load"}]})
    assert even.status_code == 422
    assert "puts the most pairs first" in even.json()["detail"]["problems"][0]["reason"]


def test_deleting_a_programme_erases_its_people_and_says_so(service: Service) -> None:
    c = service.client(service.user("admin", "admin"))
    pid = _programme(c)
    _upload(c, pid)
    _matched(service, c, pid)
    gone = c.delete(f"/api/v1/programmes/{pid}")
    assert gone.status_code == 200
    assert gone.json()["people"] == len(rm.read_participants(ROSTER))
    assert c.get(f"/api/v1/programmes/{pid}").status_code == 404
    with service.db() as db:
        assert db.scalar(select(func.count()).select_from(Import)) == 0
        assert db.scalar(select(func.count()).select_from(Matching)) == 0
        log = db.scalars(select(AuditEntry).where(AuditEntry.programme_id == pid)).all()
    assert log[-1].action == "deleted the programme"
    assert "erased" in log[-1].detail
    names = [p.name for p in rm.read_participants(ROSTER) if p.name]
    assert not any(n in json.dumps([e.detail for e in log]) for n in names)


def test_a_cancelled_job_stores_nothing(service: Service) -> None:
    c = service.client(service.user("admin", "admin"))
    pid = _programme(c)
    _upload(c, pid)
    job = c.post(f"/api/v1/programmes/{pid}/matchings").json()["job"]
    assert c.delete(f"/api/v1/jobs/{job}").json()["state"] == "cancelled"
    assert service.wait(c, job)["state"] == "cancelled"
    assert c.get(f"/api/v1/programmes/{pid}/matchings").json() == []
    assert c.delete(f"/api/v1/jobs/{job}").status_code == 409


def test_a_running_programme_feedback_and_a_rematch(service: Service) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    c = service.client(service.user("admin", "admin"))
    pid = _programme(c)
    _upload(c, pid)
    mid = _matched(service, c, pid)
    assert c.post(f"/api/v1/programmes/{pid}/feedback",
                  files={"file": ("f.csv", b"junior_id,senior_id,rating\n")}).status_code == 409
    c.post(f"/api/v1/programmes/{pid}/matchings/{mid}/publish")
    got = c.get(f"/api/v1/programmes/{pid}/matchings/{mid}").json()
    book = openpyxl.load_workbook(io.BytesIO(c.get(
        f"/api/v1/programmes/{pid}/export?what=pairs&format=xlsx").content))
    sheet = book.active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        p["junior_id"] for p in got["pairs"]]
    head = [c.value for c in sheet[1]]
    scores = [r[head.index("score")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert scores == [round(p["score"], 4) for p in got["pairs"]]  # numbers, not text

    (j1, s1), (j2, s2) = [(p["junior_id"], p["senior_id"]) for p in got["pairs"][:2]]
    # One bad row (a pair that is not in the matching) and nothing is stored.
    bad = f"junior_id,senior_id,rating\n{j1},{s1},4\n{j1},{s2},5\n".encode()
    refused = c.post(f"/api/v1/programmes/{pid}/feedback", files={"file": ("f.csv", bad)})
    assert refused.status_code == 422
    assert [p["row"] for p in refused.json()["detail"]["problems"]] == [3]
    assert c.get(f"/api/v1/programmes/{pid}/feedback").json()["ratings"] == 0
    # A survey's own spelling: headers with spaces, an id in another case, the
    # sides swapped. The headers are read; each id says what it may be.
    slips = (f"Junior ID,Senior ID,Rating\n{j1.upper()},{s1},4\n{s2},{j2},5\n").encode()
    refused = c.post(f"/api/v1/programmes/{pid}/feedback", files={"file": ("f.csv", slips)})
    assert refused.status_code == 422
    assert [(p["row"], p["field"], p["reason"]) for p in
            refused.json()["detail"]["problems"]] == [
        (2, "Junior ID", f"'{j1.upper()}' is not a junior of this programme (did you mean "
                         f"'{j1}'? ids are case-sensitive)"),
        (3, "Junior ID", f"'{s2}' is a senior of this programme, not a junior (are the two "
                         "columns swapped?)"),
        (3, "Senior ID", f"'{j2}' is a junior of this programme, not a senior (are the two "
                         "columns swapped?)")]
    good = f"junior_id,senior_id,rating,checkin\n{j1},{s1},4,1\n{j2},{s2},\"2,5\",1\n".encode()
    assert c.post(f"/api/v1/programmes/{pid}/feedback",
                  files={"file": ("f.csv", good)}).status_code == 200
    summary = c.get(f"/api/v1/programmes/{pid}/feedback").json()
    assert summary["checkins"] == [{"checkin": 1, "ratings": 2, "mean": 3.25}]
    assert c.get(f"/api/v1/programmes/{pid}").json()["state"] == "running"
    # The seniors' check-in survey as a form exports it: a timestamp, their own
    # name and their mentor's (the junior), a question scored 1-5, a comment.
    # The columns are told apart by the names, the rating is the column of numbers.
    name = {p.id: p.name or "" for p in rm.read_participants(ROSTER)}
    survey = ("Timestamp,Your name,Your mentor,How useful was the session? (1-5),Comments\n"
              f"2026-11-05 10:00:00,{name[s1]},{name[j1]},5,great\n"
              f"2026-11-05 11:00:00,{name[s2]},{name[j2]},3,\n").encode()
    read = c.post(f"/api/v1/programmes/{pid}/feedback", files={"file": ("forms.csv", survey)})
    assert read.status_code == 200, read.text
    assert read.json()["ratings"] == 2
    notes = " ".join(read.json()["notes"])
    assert "read 'How useful was the session? (1-5)' as the rating" in notes
    assert "read 'Your mentor' as the juniors' ids" in notes
    assert all(n.startswith("forms.csv: ") for n in read.json()["notes"])  # was "<stream>: "
    assert not any(name[x] in notes for x in (j1, j2, s1, s2))  # names are personal
    assert c.get(f"/api/v1/programmes/{pid}/feedback").json()["checkins"] == [
        {"checkin": 1, "ratings": 4, "mean": 3.625}]
    # A scale in words: refused with its value map proposed; with the map, read.
    agree = ("Your name,Your mentor,It was useful,Check-in\n"
             f"{name[s1]},{name[j1]},Agree,2\n{name[s2]},{name[j2]},Strongly agree,2\n").encode()
    refused = c.post(f"/api/v1/programmes/{pid}/feedback", files={"file": ("a.csv", agree)})
    assert refused.status_code == 422
    hint = refused.json()["detail"]["problems"][-1]["reason"]
    proposal = json.loads(hint.split("(check it): ", 1)[1])
    assert c.post(f"/api/v1/programmes/{pid}/feedback", files={"file": ("a.csv", agree)},
                  data={"values": "[4, 5]"}).status_code == 422  # an object, or nothing
    # A map typed by hand with a comma after its last item: where, and the slip, in words.
    typed = c.post(f"/api/v1/programmes/{pid}/feedback", files={"file": ("a.csv", agree)},
                   data={"values": '{"It was useful": {"Agree": 4,}}'})
    assert typed.status_code == 422
    assert typed.json()["detail"] == ("values: not valid JSON: line 1, column 31: a comma after "
                                      "the last item (JSON allows none there)")
    read = c.post(f"/api/v1/programmes/{pid}/feedback", files={"file": ("a.csv", agree)},
                  data={"values": json.dumps(proposal)})
    assert read.status_code == 200, read.text
    assert c.get(f"/api/v1/programmes/{pid}/feedback").json()["checkins"][1] == {
        "checkin": 2, "ratings": 2, "mean": 4.5}
    # The programme keeps the map for the next check-in's file (said in the notes);
    # "{}" reads with none and forgets it.
    assert read.json()["values"] == proposal
    third = agree.replace(b",2\n", b",3\n").replace(b"Strongly agree", b"Agree")
    assert c.post(f"/api/v1/programmes/{pid}/feedback", files={"file": ("a.csv", third)},
                  data={"values": "{}"}).status_code == 422
    assert c.get(f"/api/v1/programmes/{pid}/feedback").json()["checkins"][-1]["checkin"] == 2
    read = c.post(f"/api/v1/programmes/{pid}/feedback", files={"file": ("a.csv", third)})
    assert read.status_code == 200, read.text
    assert read.json()["notes"][0].startswith("answers in words read with the value map kept "
                                              "from the last ratings file: {")
    assert c.get(f"/api/v1/programmes/{pid}/feedback").json()["checkins"][2] == {
        "checkin": 3, "ratings": 2, "mean": proposal["Agree"]}
    numbers = f"junior_id,senior_id,rating,checkin\n{j1},{s1},4,4\n".encode()
    read = c.post(f"/api/v1/programmes/{pid}/feedback", files={"file": ("n.csv", numbers)},
                  data={"values": "{}"})
    assert read.status_code == 200
    assert read.json()["values"] is None
    assert c.post(f"/api/v1/programmes/{pid}/feedback",
                  files={"file": ("a.csv", third)}).status_code == 422  # forgotten

    # A leaver, a joiner and a change request; the oracle is rm.rematch on the same people.
    joiner = {"id": "j-new", "role": "junior", "birth_year": 2001, "level": 1,
              "languages": ["en"], "timezone": "Europe/London"}
    ask = {"leavers": [s1], "joiners": [joiner], "change": [j2]}
    assert c.post(f"/api/v1/programmes/{pid}/rematch",
                  json={**ask, "leavers": ["nobody"]}).status_code == 422
    # A joiner is read as a row of an uploaded roster: rmatch's words, by row and id.
    negative = c.post(f"/api/v1/programmes/{pid}/rematch",
                      json={**ask, "joiners": [joiner, {**joiner, "id": "j-2", "capacity": -1}]})
    assert negative.status_code == 422
    assert negative.json()["detail"]["problems"] == [
        {"row": 2, "id": "j-2", "field": "joiners.capacity",
         "reason": "out of range: it must be at least 0"}]
    odd = c.post(f"/api/v1/programmes/{pid}/rematch",
                 json={**ask, "joiners": [{**joiner, "favourite": "x"}]})
    assert odd.status_code == 422
    assert odd.json()["detail"]["problems"] == [
        {"row": 1, "id": "j-new", "field": "joiners",
         "reason": "'favourite' is not a participant field"}]
    out = c.post(f"/api/v1/programmes/{pid}/rematch", json=ask)
    assert out.status_code == 200, out.text
    people = rm.read_participants(ROSTER)
    now_people = [p.model_copy(update={"role": None}) if p.id == s1 else p for p in people]
    now_people.append(rm.Participant.model_validate(joiner))
    juniors, seniors, _ = rm.split_roles(now_people)
    oracle = rm.rematch([(p["junior_id"], p["senior_id"]) for p in got["pairs"]], juniors,
                        seniors, change={j2}, org=rm.OrgChart.from_participants(now_people))
    assert sorted(map(tuple, out.json()["kept"])) == sorted(oracle.kept)
    assert sorted(map(tuple, out.json()["new"])) == sorted(oracle.new)
    again = c.get(f"/api/v1/programmes/{pid}/matchings/{out.json()['matching']}").json()
    ids = {p["junior_id"] for p in again["pairs"]} | {p["senior_id"] for p in again["pairs"]}
    assert s1 not in ids
    assert again["parent"] == mid


def test_rounds_and_calibrations_are_stored_against_the_programme(service: Service) -> None:
    c = service.client(service.user("admin", "admin"))
    pid = _programme(c)
    _upload(c, pid)
    job = c.post(f"/api/v1/programmes/{pid}/rounds", json={"rounds": 2}).json()["job"]
    state = service.wait(c, job)
    assert state["state"] == "done", state
    listed = c.get(f"/api/v1/programmes/{pid}/analyses").json()
    assert [a["kind"] for a in listed] == ["rounds"]
    plan = c.get(f"/api/v1/programmes/{pid}/analyses/{listed[0]['id']}").json()
    people = rm.read_participants(ROSTER)
    juniors, seniors, _ = rm.split_roles(people)
    oracle = rm.plan_rounds(juniors, seniors, rounds=2,
                            org=rm.OrgChart.from_participants(people))
    assert plan["objective"] == pytest.approx(oracle.objective, abs=1e-9)
    seen = [(p["junior_id"], p["senior_id"]) for r in plan["rounds"] for p in r["pairs"]]
    assert len(seen) == len(set(seen))  # no pair twice across rounds

    mid = _matched(service, c, pid)
    c.post(f"/api/v1/programmes/{pid}/matchings/{mid}/publish")
    got = c.get(f"/api/v1/programmes/{pid}/matchings/{mid}").json()["pairs"]
    rows = "".join(f"{p['junior_id']},{p['senior_id']},{1 + 4 * p['score']:.3f}\n"
                   for p in got)
    c.post(f"/api/v1/programmes/{pid}/feedback", files={
        "file": ("f.csv", f"junior_id,senior_id,rating\n{rows}".encode())})
    fit = c.post(f"/api/v1/programmes/{pid}/calibrations")
    assert fit.status_code == 201, fit.text
    assert fit.json()["pairs"] == len(got)
    assert set(fit.json()["weights"]) == set(got[0]["components"])


def test_a_hand_matching_is_judged_as_the_library_judges_it(service: Service) -> None:
    c = service.client(service.user("admin", "admin"))
    pid = _programme(c)
    assert c.post(f"/api/v1/programmes/{pid}/judgements", files={
        "file": ("h.csv", b"junior_id,senior_id\n")}).status_code == 409  # no people yet
    _upload(c, pid)
    people = rm.read_participants(ROSTER)
    juniors, seniors, _ = rm.split_roles(people)
    org = rm.OrgChart.from_participants(people)
    pairs = hand_matching(juniors, seniors, org)
    # A team's own sheet: a title, "Mentor" for the junior (as reverse mentoring says
    # it), "Mentee" for the senior, a notes column; told apart by their values.
    sheet = "Hand matching 2026\nMentee,Mentor,Notes\n" + "".join(
        f"{s},{j},ok\n" for j, s in pairs)
    answer = c.post(f"/api/v1/programmes/{pid}/judgements",
                    files={"file": ("hand.csv", sheet.encode())})
    assert answer.status_code == 201, answer.text
    got = answer.json()
    # The oracle: the library on the same people and pairs, the recommended rules.
    alone = rm.evaluate(pairs, juniors, seniors, org=org)
    assert got["objective"] == pytest.approx(alone.objective, abs=1e-9)
    assert [(p["junior_id"], p["senior_id"]) for p in got["pairs"]] == [
        (p.junior_id, p.senior_id) for p in alone.pairs]
    assert got["violations"] == [v.model_dump(mode="json") for v in alone.violations]
    assert (pairs[0][0], pairs[0][1]) in {(v["junior_id"], v["senior_id"])
                                          for v in got["violations"]}
    assert alone.optimum is not None
    assert got["optimum"]["objective"] == pytest.approx(alone.optimum.objective, abs=1e-9)
    assert any("read 'Mentor' as the juniors' ids" in n for n in got["notes"])
    stored = c.get(f"/api/v1/programmes/{pid}/analyses/{got['id']}").json()
    assert (stored["kind"], stored["objective"]) == ("judgement", got["objective"])

    # The same pairs on a workbook's second sheet: named by the form's sheet field.
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["notes only"])
    tab = book.create_sheet("Pairs 2026")
    tab.append(["Mentor", "Mentee"])
    for j, s in pairs:
        tab.append([j, s])
    data = io.BytesIO()
    book.save(data)
    upload = {"file": ("hand.xlsx", data.getvalue())}
    first = c.post(f"/api/v1/programmes/{pid}/judgements", files=upload)
    assert first.status_code == 422
    assert any("the workbook also has 'Pairs 2026'" in p["reason"]
               for p in first.json()["detail"]["problems"])
    chosen = c.post(f"/api/v1/programmes/{pid}/judgements", files=upload,
                    data={"sheet": "Pairs 2026"})
    assert chosen.status_code == 201, chosen.text
    assert chosen.json()["objective"] == pytest.approx(alone.objective, abs=1e-9)
    by_tab = c.post(f"/api/v1/programmes/{pid}/judgements", files=upload, data={"sheet": "2"})
    assert by_tab.status_code == 201, by_tab.text  # the second tab, as Excel counts them
    # The committee's sheet typed with names rather than ids: the same judgement.
    name = {p.id: p.name for p in people}
    assert all(name[j] and name[s] for j, s in pairs)
    by_name = c.post(f"/api/v1/programmes/{pid}/judgements", files={"file": (
        "names.csv", ("Mentor,Mentee\n" + "".join(
            f"{name[j]},{name[s]}\n" for j, s in pairs)).encode())})
    assert by_name.status_code == 201, by_name.text
    assert [(p["junior_id"], p["senior_id"]) for p in by_name.json()["pairs"]] == [
        (p.junior_id, p.senior_id) for p in alone.pairs]
    assert any("name(s) as the people's ids" in n for n in by_name.json()["notes"])
    assert by_tab.json()["pairs"] == chosen.json()["pairs"]

    # Someone not in the programme: refused by row, nothing stored.
    wrong = f"junior_id,senior_id\n{pairs[1][0]},{pairs[1][1]}\nnobody,{pairs[2][1]}\n"
    refused = c.post(f"/api/v1/programmes/{pid}/judgements",
                     files={"file": ("wrong.csv", wrong.encode())})
    assert refused.status_code == 422
    assert [(p["row"], p["field"]) for p in refused.json()["detail"]["problems"]] == [
        (3, "junior_id")]
    assert [a["kind"] for a in c.get(f"/api/v1/programmes/{pid}/analyses").json()] == [
        "judgement"] * 4

    # Judging stores an analysis: a viewer may read it, not make one; the audit
    # says who judged, never whom.
    viewer = service.client(service.user("viewer", "viewer"))
    assert c.post(f"/api/v1/programmes/{pid}/shares",
                  json={"user": "viewer"}).status_code == 201
    assert viewer.post(f"/api/v1/programmes/{pid}/judgements", files={
        "file": ("hand.csv", sheet.encode())}).status_code == 403
    assert viewer.get(f"/api/v1/programmes/{pid}/analyses/{got['id']}").status_code == 200
    with service.db() as db:
        details = [(e.user_name, e.detail) for e in db.scalars(select(AuditEntry).where(
            AuditEntry.action == "judged a matching made elsewhere"))]
    assert [who for who, _ in details] == ["admin"] * 4
    assert not any(text in detail for _, detail in details for pair in pairs for person in pair
                   for text in (person, name[person] or person))


def test_a_large_programmes_judgement_is_a_job_with_the_same_answer(
        service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    # Judging solves the programme once (17 s at 20,000 juniors): above the
    # inline size it runs in a worker, as a matching does, and stores the same
    # judgement as the request would have.
    from rmatch.app import judging

    c = service.client(service.user("admin", "admin"))
    pid = _programme(c)
    _upload(c, pid)
    people = rm.read_participants(ROSTER)
    juniors, seniors, _ = rm.split_roles(people)
    org = rm.OrgChart.from_participants(people)
    pairs = hand_matching(juniors, seniors, org)
    upload = {"file": ("hand.csv", ("Mentor,Mentee\n" + "".join(
        f"{j},{s}\n" for j, s in pairs)).encode())}
    inline = c.post(f"/api/v1/programmes/{pid}/judgements", files=upload)
    assert inline.status_code == 201, inline.text
    monkeypatch.setattr(judging, "INLINE_PAIRS", 0)  # every programme counts as large
    # A file that cannot be read is still refused at once, by row: no job.
    wrong = c.post(f"/api/v1/programmes/{pid}/judgements", files={
        "file": ("wrong.csv", f"junior_id,senior_id\nnobody,{pairs[0][1]}\n".encode())})
    assert wrong.status_code == 422
    assert [(p["row"], p["field"]) for p in wrong.json()["detail"]["problems"]] == [
        (2, "junior_id")]
    queued = c.post(f"/api/v1/programmes/{pid}/judgements", files=upload)
    assert queued.status_code == 202, queued.text
    ended = service.wait(c, queued.json()["job"])
    assert (ended["state"], ended["matching"]) == ("done", None), ended
    stored = c.get(f"/api/v1/programmes/{pid}/analyses/{ended['analysis']}").json()
    expected = inline.json()
    assert stored["kind"] == "judgement"
    for key in ("pairs", "objective", "status", "violations", "unmatched_juniors",
                "unmatched_seniors", "unmatched_reasons", "optimum", "notes"):
        assert stored[key] == expected[key], key
    assert any("read 'Mentor' as the juniors' ids" in n for n in stored["notes"])
    assert [a["kind"] for a in c.get(f"/api/v1/programmes/{pid}/analyses").json()] == [
        "judgement"] * 2
    with service.db() as db:
        started = [e.detail for e in db.scalars(select(AuditEntry).where(
            AuditEntry.action == "started judging a matching made elsewhere"))]
    assert started == [f"job {queued.json()['job']}: {len(pairs)} pairs"]


@pytest.mark.parametrize("slow", ["judging", "reading"])
def test_slow_work_leaves_other_requests_answered(service: Service, slow: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # A judgement solves the programme and a large export takes seconds to read: done on
    # the event loop, every other request waited meanwhile. Made slow here by a pause.
    import time

    from rmatch.app import api, judging

    c = service.client(service.user("admin", "admin"))
    pid = _programme(c)
    assert _upload(c, pid).status_code == 200
    where, name = (judging, "judge_matching") if slow == "judging" else (api, "read_upload")
    real = getattr(where, name)

    def paused(*args: object, **kwargs: object) -> object:
        time.sleep(3)
        return real(*args, **kwargs)

    monkeypatch.setattr(where, name, paused)
    other = service.client(service.user("other", "admin"))
    answers: list[httpx.Response] = []

    def call() -> None:
        answers.append(other.post(f"/api/v1/programmes/{pid}/judgements", files={
            "file": ("h.csv", b"junior_id,senior_id\nj-01,cto\n")})
            if slow == "judging" else _upload(other, pid))

    worker = threading.Thread(target=call)
    worker.start()
    time.sleep(0.5)  # the slow request is in
    start = time.monotonic()
    listed = c.get("/api/v1/programmes")
    took = time.monotonic() - start
    worker.join()
    assert listed.status_code == 200
    assert took < 1.5, f"a read waited {took:.1f} s for the slow request"
    assert answers[0].status_code in (200, 201), answers[0].text
