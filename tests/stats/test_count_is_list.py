"""A count and its list never disagree: every number of every table, followed to the
register (and to the API's list) with the row's filters and its figure, lists as many
items as the number says."""

from __future__ import annotations

import pytest
from django.urls import reverse

from stats import tables
from stats.forms import checked

API = "/api/v1/proposals/"


def _cells(board):
    """Each number once: (table, row, column); a total shown under every table is one."""
    seen = set()
    for table in [*board.tables.values(), None]:
        rows = [board.total] if table is None else [*table.rows, table.total]
        columns = tables.columns(board.classes, per_agency=board.by_agency)
        if table is not None:
            columns = table.columns
        for row in rows:
            for column in columns:
                key = (tuple(sorted(row.filters.items())), column.key)
                if not column.is_rate and key not in seen:
                    seen.add(key)
                    yield (table.key if table else "total"), row, column


def _register_count(client, filters, key) -> int:
    response = client.get(reverse("proposals:register"), filters | {"stat": key})
    assert response.status_code == 200
    assert not response.context["ignored"], response.context["ignored"]
    return response.context["page"].paginator.count


@pytest.mark.parametrize("role", ["staff", "lead_clerk", "other_clerk"])
def test_every_number_lists_as_many_items_in_the_register(settled, client, role):
    user = getattr(settled.world, role)
    client.force_login(user)
    board = tables.dashboard(user, checked({}, user=user).scope())
    checked_cells = 0
    for table, row, column in _cells(board):
        expected = row.value(column)
        found = _register_count(client, row.filters, column.key)
        assert found == expected, f"{table} · {row.label} · {column.label}"
        checked_cells += 1
    assert checked_cells > 50


def test_every_number_of_the_agency_table_lists_as_many_in_the_api(settled, client):
    staff = settled.world.staff
    client.force_login(staff)
    board = tables.dashboard(staff, checked({}, user=staff).scope())
    table = board.tables["agency"]
    for row in [*table.rows, table.total]:
        for column in table.columns:
            if column.is_rate:
                continue
            response = client.get(API, row.filters | {"stat": column.key, "page_size": 100})
            assert response.status_code == 200, response.content[:300]
            assert response.json()["count"] == row.value(column), (row.label, column.label)


def test_a_filtered_dashboard_agrees_with_its_register(settled, client):
    w = settled.world
    client.force_login(w.staff)
    scope = checked({"topic": str(settled.topics["B"].pk)}, user=w.staff).scope()
    board = tables.dashboard(w.staff, scope)
    assert board.total.counts["filed"] == 2  # A (a subtopic) and B
    for _, row, column in _cells(board):
        assert _register_count(client, row.filters, column.key) == row.value(column)
