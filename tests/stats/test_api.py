"""/api/v1/stats/: the dashboard's figures with the same filters, the one error shape for a
filter that names nothing, and each count listed by /api/v1/proposals/ with ``stat``."""

from __future__ import annotations

import pytest

API = "/api/v1/stats/"


def _get(client, user, **params):
    client.force_login(user)
    return client.get(API, params)


@pytest.mark.parametrize(
    ("role", "status"),
    [("staff", 200), ("lead_clerk", 200), ("lead_proposer_user", 403), ("stranger", 403)],
)
def test_who_reads_the_statistics(world, client, role, status):
    response = _get(client, getattr(world, role))
    assert response.status_code == status
    if status == 403:
        assert response.json()["error"]["code"] == "permission_denied"


def test_anonymous_callers_must_sign_in(client):
    response = client.get(API)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_the_figures_and_their_rates(settled, client):
    data = _get(client, settled.world.staff).json()
    assert data["total"]["figures"]["replied"] == 5
    assert data["total"]["rates"]["reply_rate"] == {
        "numerator": 5,
        "denominator": 7,
        "value": 5 / 7,
    }
    agency = next(t for t in data["tables"] if t["key"] == "agency")
    rows = {row["label"]: row for row in agency["rows"]}
    assert rows["杭州市交通运输局"]["figures"]["overdue"] == 1
    assert rows["杭州市交通运输局"]["filters"] == {"agency": str(settled.world.other_agency.pk)}
    assert {d["key"] for d in data["definitions"]} >= {"replied", "reply_rate", "class_A"}


def test_an_agencys_figures_are_its_own(settled, client):
    data = _get(client, settled.world.other_clerk).json()
    assert data["scope"]["agency"] == settled.world.other_agency.pk
    assert data["total"]["figures"]["assigned"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"session": "abc"}, "session"),
        ({"session": "99999"}, "session"),
        ({"year_from": "3000"}, "year_from"),
        ({"year_from": "2026", "year_to": "2025"}, "year_to"),
        ({"body": "x"}, "body"),
        ({"topic": "\x00"}, "topic"),
    ],
)
def test_a_filter_that_names_nothing_is_a_400(settled, client, params, field):
    response = _get(client, settled.world.staff, **params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("invalid", [field])


def test_an_agency_naming_another_agency_is_a_400(settled, client):
    response = _get(client, settled.world.other_clerk, agency=settled.world.lead_agency.pk)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["agency"]


def test_a_year_range_with_no_data_is_empty(settled, client):
    data = _get(client, settled.world.staff, year_from=2019, year_to=2020).json()
    assert data["empty"] is True
    assert data["total"]["figures"].get("filed", 0) == 0


def test_an_unknown_stat_in_the_proposals_list_is_a_400(settled, client):
    client.force_login(settled.world.staff)
    response = client.get("/api/v1/proposals/", {"stat": "nonsense"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["stat"]
