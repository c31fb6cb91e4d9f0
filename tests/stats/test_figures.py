"""The figures, against the thirteen items of ``conftest.handled`` counted by hand."""

from __future__ import annotations

import pytest

from stats import facts, tables
from stats.queries import Scope

# Counted by hand from the cases in conftest.py, on 3 August 2026.
TOTAL = {
    "filed": 13,  # every submitted item, the withdrawn, merged and rejected ones included
    "pending": 1,  # K
    "withdrawn": 1,  # I
    "merged": 1,  # H: counted here, and once more only through A
    "rejected": 1,  # J
    "accepted": 9,  # A B C D E F G L M
    "assigned": 9,
    "lead": 7,  # A B C D E F M
    "co": 2,  # A B
    "split": 1,  # G
    "reference": 1,  # L
    "due": 7,  # A B C F M replied, D past its date, G (one part replied, the other past)
    "replied": 5,  # A B C F M (G is half replied; E extended and not yet due)
    "on_time": 4,  # A B F, and C within its extension; M was late
    "overdue": 2,  # D, and G's second part; E's extended date has not come
    "extended": 2,  # C E
    "rehandled": 1,  # F
    "contacted": 4,  # A B C F
    "met": 2,  # A (面商) F (走访)
    "co_sent": 2,  # A B
    "co_on_time": 1,  # A; B's co-handler was late (its lead still on time)
    "rated": 3,  # A B M; F's second reply is not sent yet
    "satisfied": 1,
    "basically": 1,
    "dissatisfied": 1,  # M
    "class_A": 1,  # A (G's A-class reply is one part of a half-replied item)
    "class_B": 1,
    "class_C": 1,
    "class_D": 1,
    "uncategorized": 1,  # F, handled again
}
RATES = {
    "reply_rate": (5, 7),
    "on_time_rate": (4, 5),
    "contact_rate": (4, 5),
    "meeting_rate": (2, 5),
    "satisfaction_rate": (2, 3),
    "co_on_time_rate": (1, 2),
}
# Each agency counts its own assignments.
AGENCIES = {
    "杭州市民政局": {
        "assigned": 8,
        "lead": 7,
        "split": 1,
        "due": 7,
        "replied": 6,
        "on_time": 5,
        "overdue": 1,
        "extended": 2,
        "rehandled": 1,
        "contacted": 4,
        "met": 2,
        "rated": 3,
        "class_A": 2,
        "uncategorized": 1,
    },
    "杭州市卫生健康委员会": {
        "assigned": 3,
        "co": 2,
        "reference": 1,
        "co_sent": 2,
        "co_on_time": 1,
        "due": 0,
        "overdue": 0,
    },
    "杭州市交通运输局": {
        "assigned": 1,
        "split": 1,
        "due": 1,
        "replied": 0,
        "overdue": 1,
    },
}


@pytest.fixture
def board(settled):
    return tables.dashboard(settled.world.staff, Scope())


def test_every_figure_of_the_whole_is_as_counted_by_hand(board):
    counts = {key: board.total.counts.get(key) for key in TOTAL}
    assert counts == TOTAL


def test_every_rate_shows_its_numerator_and_denominator(board):
    columns = {c.key: c for c in tables.columns(board.classes, per_agency=False)}
    for key, (part, whole) in RATES.items():
        assert board.total.value(columns[key]) == (part, whole, part / whole), key


def test_each_agency_counts_its_own_assignments(board):
    table = board.tables["agency"]
    rows = {row.label: row.counts for row in table.rows}
    assert set(rows) == set(AGENCIES)
    for name, expected in AGENCIES.items():
        assert {key: rows[name].get(key) for key in expected} == expected, name
    # An item of two agencies counts once in the total, and in each agency's row.
    assert table.total.counts["assigned"] == 9 < sum(r["assigned"] for r in rows.values())


def test_an_agency_chosen_counts_the_items_by_its_assignment_alone(settled):
    w = settled.world
    board = tables.dashboard(w.staff, Scope(agency=w.other_agency))
    assert board.by_agency
    assert {k: board.total.counts.get(k) for k in ("assigned", "split", "due", "replied")} == {
        "assigned": 1,
        "split": 1,
        "due": 1,
        "replied": 0,
    }
    assert "filed" not in board.total.counts  # the items' own figures are not the agency's


def test_topics_roll_up_to_their_class_and_unclassed_items_have_a_row(board):
    rows = {row.label: row.counts["filed"] for row in board.tables["topic"].rows}
    # A (养老服务, under 民政) and B (民政 itself) are one class; C is 卫生; the rest none.
    assert rows == {"民政、扶贫、救灾": 2, "卫生、体育": 1, "未分类": 10}


def test_the_filing_time_and_proposer_type_tables_sum_to_the_total(board):
    for key in ("filed_during", "proposer"):
        table = board.tables[key]
        assert sum(r.counts["filed"] for r in table.rows) == TOTAL["filed"], key
    interim = next(r for r in board.tables["filed_during"].rows if r.key == "interim")
    assert interim.counts["filed"] == 1  # D


def test_a_year_range_without_sessions_is_empty(settled):
    board = tables.dashboard(settled.world.staff, Scope(year_from=2019, year_to=2020))
    assert board.empty
    assert board.total.counts.get("filed", 0) == 0


def test_the_other_body_sees_none_of_these_items(settled):
    board = tables.dashboard(settled.world.npc_staff, Scope())
    assert board.empty


def test_the_facts_kept_are_what_the_records_say(settled):
    assert facts.is_current()


def test_a_change_marks_its_item_and_the_next_read_sees_it(settled):
    w = settled.world
    letter = settled.letters["C"]
    from responses import services as rs

    rs.feedback_submit(letter=letter, rating="satisfied", by=w.lead_proposer_user)
    board = tables.dashboard(w.staff, Scope())
    assert board.total.counts["rated"] == TOTAL["rated"] + 1
    assert board.total.counts["satisfied"] == TOTAL["satisfied"] + 1
    assert facts.is_current()
