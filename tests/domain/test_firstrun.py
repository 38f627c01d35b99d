"""The first-run checklist (issue #15, item 5): districts → budget → staff → first screening,
each step done as the database says, whatever made it (the TUI or the command line)."""
from __future__ import annotations

from models.budget import add_district, set_budget
from models.firstrun import first_steps
from models.staff import add_staff, set_staff
from tests.intake_helpers import screen


def _state(run):
    return [(s.id, s.done) for s in run.steps]


def test_each_step_is_ticked_off_as_it_is_made_and_the_list_goes_when_all_are(admin, frozen_day):
    run = first_steps(admin)
    assert _state(run) == [("districts", False), ("budget", False), ("staff", False), ("screening", False)]
    assert run.next.id == "districts" and run.done_count == 0
    assert [s.destination for s in run.steps] == ["distrikter", "puljer", "medarbejdere", "screening"]
    assert all(s.allowed for s in run.steps)  # the admin may take every step
    assert run.admins == [] and run.leaders == []  # nobody to ask: nothing is named

    add_district(admin, "Hedensted", 212)
    run = first_steps(admin)
    assert run.next.id == "budget" and run.done_count == 1
    set_budget(admin, frozen_day.year - 1, 1_200_000, 187, 60_000)
    assert first_steps(admin).next.id == "budget"  # last year's budget is not this year's
    set_budget(admin, frozen_day.year, 1_200_000, 187, 60_000)
    assert first_steps(admin).next.id == "staff"
    therapist = add_staff(admin, "daemon", "Tea Terapeut", "terapeut", "Hedensted")
    run = first_steps(admin)
    assert run.next.id == "screening" and run.done_count == 3
    from models.entities import District

    screen(therapist, District.get(District.name == "Hedensted"), 0)
    assert first_steps(admin) is None  # all done: the dashboard shows nothing of it


def test_the_staff_step_is_done_by_somebody_besides_the_admin_and_undone_when_they_leave(admin, frozen_day):
    from models.staff import deactivate_staff

    assert not {s.id: s.done for s in first_steps(admin).steps}["staff"]
    add_staff(admin, "daemon", "Tea Terapeut", "terapeut")
    assert {s.id: s.done for s in first_steps(admin).steps}["staff"]
    deactivate_staff(admin, "daemon")
    assert not {s.id: s.done for s in first_steps(admin).steps}["staff"]


def test_a_therapist_or_leader_is_told_whom_to_ask_for_what_they_may_not_do(admin, frozen_day):
    therapist = add_staff(admin, "daemon", "Tea Terapeut", "terapeut")
    leader = add_staff(admin, "nobody", "Lis Leder", "leder")
    set_staff(admin, admin.login, name="Anna Admin")
    run = first_steps(therapist)
    assert {s.id: s.allowed for s in run.steps} == {
        "districts": False, "budget": False, "staff": False, "screening": True}
    assert run.admins == ["Anna Admin"] and run.leaders == ["Lis Leder"]
    run = first_steps(leader)
    assert {s.id: s.allowed for s in run.steps} == {
        "districts": False, "budget": True, "staff": False, "screening": True}


def test_the_read_is_four_cheap_queries_when_all_is_done(demo, admin, monkeypatch):
    """It runs at every start: on a set-up database four EXISTS/COUNT queries and nothing else."""
    from models.base import db

    queries = []
    original = db.obj.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        queries.append(sql)
        return original(sql, params, *args, **kwargs)

    monkeypatch.setattr(db.obj, "execute_sql", counting)
    assert first_steps(admin) is None
    monkeypatch.undo()
    assert len(queries) == 4 and all("LIMIT" in q for q in queries), queries
