"""Citizen search as you type: names, CPR, card numbers, ranking, LIMIT, FTS kept in sync."""
from __future__ import annotations

import decimal

import pytest

from models.base import db
from models.cards import issue_card
from models.citizens import change_state, create_citizen, update_citizen
from models.entities import AccessLog, Budget, Card, Citizen, District, Pool
from models.search import EXACT, NAME_STARTS, OTHER, _like_name_ids, log_search, search_citizens


def _make(admin, cpr, name, district, active=False, card=False):
    citizen = create_citizen(admin, cpr, name, district=district)
    if active:
        with db.atomic():
            change_state(admin, citizen, "eligible")
            change_state(admin, citizen, "active")
    if card:
        issue_card(admin, citizen)
    return Citizen.get_by_id(citizen.id)


@pytest.fixture
def people(admin, frozen_day):
    district = District.create(name="Hedensted", home_help_count=10)
    budget = Budget.create(year=frozen_day.year, budget_dkk=decimal.Decimal(100000),
                           price_per_clip_dkk=decimal.Decimal(100), created_by=admin)
    Pool.create(budget=budget, district=district, allocated=1000)
    return {
        "karen": _make(admin, "010145-1235", "Karen Jensen", district, active=True, card=True),
        "jens": _make(admin, "020245-1234", "Jens Karlsen", district, active=True, card=True),
        "aase": _make(admin, "030345-1234", "Aase Holm", district),
        "åse": _make(admin, "040445-1234", "Åse Holm", district),
        "søren": _make(admin, "050545-1233", "Søren Østergaard", district, active=True),
        "anne": _make(admin, "100145-1234", "Anne-Marie Kjær", district, active=True, card=True),
    }


def names(matches):
    return [m.name for m in matches]


def test_any_word_of_the_name_by_prefix(people):
    assert set(names(search_citizens("jen"))) == {"Karen Jensen", "Jens Karlsen"}
    assert names(search_citizens("kjæ")) == ["Anne-Marie Kjær"]
    assert names(search_citizens("marie")) == ["Anne-Marie Kjær"]  # after the hyphen
    assert names(search_citizens("jensen karen")) == ["Karen Jensen"]  # any order


def test_names_starting_with_the_text_come_before_the_rest(people):
    matches = search_citizens("kar jen")
    assert names(matches) == ["Karen Jensen", "Jens Karlsen"]
    assert [m.group for m in matches] == [NAME_STARTS, OTHER]
    jens_first = search_citizens("jen")
    assert jens_first[0].name == "Jens Karlsen" and jens_first[0].group == NAME_STARTS


def test_å_is_not_a_and_case_folds_for_danish_letters(people):
    assert names(search_citizens("åse")) == ["Åse Holm"]
    assert names(search_citizens("ÅSE")) == ["Åse Holm"]
    assert names(search_citizens("aase")) == ["Aase Holm"]
    assert names(search_citizens("SØREN")) == ["Søren Østergaard"]
    assert names(search_citizens("øster")) == ["Søren Østergaard"]
    assert "Søren Østergaard" not in names(search_citizens("o"))  # Ø is not O either


def test_cpr_with_or_without_the_dash_is_an_exact_match_first(people):
    for text in ("010145-1235", "0101451235", "010145 1235"):
        matches = search_citizens(text)
        assert matches[0].name == "Karen Jensen" and matches[0].group == EXACT
        assert matches[0].cpr_masked == "010145-XXXX"


def test_cpr_prefix(people):
    assert names(search_citizens("0101")) == ["Karen Jensen"]
    assert set(names(search_citizens("0"))) >= {"Karen Jensen", "Jens Karlsen", "Aase Holm"}


def test_an_exact_card_number_comes_before_cpr_prefixes(people):
    card = Card.get(Card.citizen == people["karen"])
    assert card.number == 1001
    # Anne-Marie's CPR starts with 1001, Karen holds card 1001.
    matches = search_citizens("1001")
    assert [(m.name, m.group) for m in matches[:2]] == [("Karen Jensen", EXACT), ("Anne-Marie Kjær", OTHER)]
    assert matches[0].card_number == 1001 and matches[0].clips_left == 10


def test_card_number_prefix_finds_open_cards(people):
    assert set(names(search_citizens("100"))) >= {"Karen Jensen", "Jens Karlsen", "Anne-Marie Kjær"}


def test_citizens_without_an_open_card_are_shown_but_not_pickable(people, admin):
    aase = search_citizens("aase")[0]
    assert not aase.pickable and "ikke aktiv" in aase.why_not
    søren = search_citizens("søren")[0]
    assert not søren.pickable and søren.why_not == "Søren Østergaard har intet åbent klippekort."
    karen = search_citizens("karen")[0]
    assert karen.pickable and karen.why_not == ""
    with db.atomic():
        change_state(admin, Citizen.get_by_id(karen.citizen_id), "paused")
    paused = search_citizens("karen")[0]
    assert paused.card_number == 1001 and not paused.pickable and "pause" in paused.why_not


@pytest.mark.sqlite_only
def test_every_query_has_a_limit(people, database):
    for i in range(30):
        Citizen.create(cpr=f"0601450{i:03d}", name=f"Karen Nummer{i}", state="screened")
    statements: list[str] = []
    conn = database.connection()
    conn.set_trace_callback(statements.append)
    try:
        for text in ("k", "karen", "0", "06014", "1", "1001", "0601450001"):
            assert len(search_citizens(text, limit=5)) <= 5
    finally:
        conn.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert selects
    for sql in selects:
        bounded = "LIMIT" in sql.upper() or " IN (" in sql.upper() or '"number" = ' in sql or '"cpr" = ' in sql
        assert bounded, sql


def test_empty_or_punctuation_finds_nothing(people):
    assert search_citizens("") == []
    assert search_citizens("   ") == []
    assert search_citizens("-") == []
    assert search_citizens('"*') == []  # no FTS syntax reaches the query


def test_the_index_follows_renames_inserts_and_deletes(people, admin):
    update_citizen(admin, people["aase"].id, name="Aase Bundgaard")
    assert names(search_citizens("bund")) == ["Aase Bundgaard"]
    assert "Aase Bundgaard" not in names(search_citizens("holm"))
    Citizen.create(cpr="0707451234", name="Vagn Zacho", state="screened")
    assert names(search_citizens("zach")) == ["Vagn Zacho"]
    Citizen.delete().where(Citizen.name == "Vagn Zacho").execute()
    assert search_citizens("zach") == []


def test_the_migration_indexes_citizens_already_there(tmp_path):
    from playhouse.migrations import Runner

    from models import store as dbmod

    path = str(tmp_path / "old.db")
    database = dbmod.make_database(path)
    database.connect()
    dbmod.db.initialize(database)
    Runner(database, str(dbmod.MIGRATIONS_DIR)).up(target="0001_initial")
    Citizen.create(cpr="0101451235", name="Gammel Borger", state="screened")
    database.close()
    dbmod.open_database(path)  # applies 0002
    try:
        assert names(search_citizens("gammel")) == ["Gammel Borger"]
    finally:
        dbmod.close_database()


@pytest.mark.sqlite_only
def test_the_portable_fallback_means_the_same(people):
    for words, anchored in ((["kar"], False), (["jen"], True), (["kar", "jen"], False), (["marie"], False)):
        from models.search import _fts_name_ids

        assert set(_like_name_ids(words, anchored=anchored, limit=50)) == set(
            _fts_name_ids(words, anchored=anchored, limit=50)), words


def test_log_search_writes_one_access_row(people, admin):
    log_search(admin, "kar jen", people["karen"].id)
    log_search(admin, "", None)  # nothing searched: nothing logged
    rows = list(AccessLog.select().where(AccessLog.action == "search"))
    assert [(r.criterion, r.citizen_id, r.actor_id) for r in rows] == [("kar jen", people["karen"].id, admin.id)]


def test_participants_come_first_within_a_group_even_beyond_one_page(people, admin):
    district = District.get(District.name == "Hedensted")
    for i in range(30):  # a page and a half of non-participants who sort before her
        _make(admin, f"{(i % 28) + 1:02d}0350{1000 + i:04d}", f"Karen Andersen {i:02d}", district)
    karen = people["karen"]  # Karen Jensen: active with an open card, alphabetically after them
    matches = search_citizens("karen", limit=20)
    assert matches[0].citizen_id == karen.id and matches[0].pickable
    assert len(matches) == 20 and all(m.group == NAME_STARTS for m in matches)
    assert names(matches[1:4]) == ["Karen Andersen 00", "Karen Andersen 01", "Karen Andersen 02"]
    # a single letter is too broad for that (it would cost a keystroke ~20 ms): plain alphabetical
    assert search_citizens("k", limit=5)[0].name == "Karen Andersen 00"


@pytest.mark.sqlite_only
def test_the_portable_fallback_puts_participants_first_too(people):
    from models.search import _fts_name_ids

    for words, anchored in ((["kar"], False), (["jen"], True), (["a"], False)):
        assert _like_name_ids(words, anchored=anchored, limit=50, participants=True) == _fts_name_ids(
            words, anchored=anchored, limit=50, participants=True), words


@pytest.mark.postgresql_only
def test_postgresql_one_round_trip_gives_each_list_as_its_own_query_would(people, admin, database):
    """The four name lists fetched in one statement are prefixes of what each query returns alone."""
    from models.search import _pg_name_lists, _pg_name_sql

    district = District.get(District.name == "Hedensted")
    for i in range(12):
        _make(admin, f"{i + 1:02d}0450{2000 + i:04d}", f"Karen Kjær {i:02d}", district)
    for words in (["kar"], ["k"], ["kar", "jen"], ["kj"]):
        name_ids = _pg_name_lists(words, 5, ahead=True)
        for anchored in (True, False):
            for participants in (True, False):
                sql, args = _pg_name_sql(words, anchored=anchored, participants=participants, limit=50)
                alone = [row[0] for row in database.execute_sql(sql, args).fetchall()]
                for limit in (1, 5, 10):
                    got = name_ids(words, anchored=anchored, limit=limit, participants=participants)
                    assert got == alone[:limit], (words, anchored, participants, limit)


def test_each_match_carries_its_card_its_agreements_and_whether_its_card_is_used_up(people, admin, frozen_day):
    """What a match says of the citizen's clips (issue #17: read with SQL written out, not built per keystroke)."""
    import datetime as dt

    from models.entities import Agreement, Staff

    karen, jens, soren = people["karen"], people["jens"], people["søren"]
    card = Card.get((Card.citizen == karen) & (Card.status == "open"))
    Card.update(used=3).where(Card.id == card.id).execute()
    Card.update(status="used_up", used=10, ended_on=frozen_day).where(Card.citizen == jens).execute()
    pool = Pool.get()
    leader = Staff.get_by_id(admin.id)
    day = dt.timedelta(days=1)
    for clips, used, start, until, closed in (
            (20, 5, frozen_day - 10 * day, None, None),  # valid, 15 left
            (12, 2, frozen_day - 10 * day, frozen_day, None),  # valid through today, 10 left
            (30, 0, frozen_day + day, None, None),  # not begun
            (30, 0, frozen_day - 20 * day, frozen_day - day, None),  # ended yesterday
            (30, 0, frozen_day - 20 * day, None, frozen_day),  # closed
            (10, 10, frozen_day - 20 * day, None, None)):  # used up
        Agreement.create(citizen=soren, pool=pool, approved_by=leader, clips=clips, used=used, reason="test",
                         valid_from=start, valid_until=until, closed_on=closed)
    found = {m.name: m for who in (karen, jens, soren) for m in search_citizens(who.cpr)[:1]}
    k, j, s = found["Karen Jensen"], found["Jens Karlsen"], found["Søren Østergaard"]
    assert (k.card_number, k.clips_left, k.used_up) == (card.number, 7, False)
    assert (j.card_number, j.clips_left, j.used_up) == (None, None, True)
    assert (s.card_number, s.clips_left, s.used_up, s.agreement_left) == (None, None, False, 25)
    assert k.agreement_left == 0 and k.district == "Hedensted" and k.cpr_masked == "010145-XXXX"
