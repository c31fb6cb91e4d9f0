"""The read replica as a real PostgreSQL streaming standby (``deploy/pg-replica.sh``).

An anonymous public read is answered by the standby once it has replayed what the primary
wrote; writes never reach it; while it lags or is down the primary answers and nobody sees
an error. The standby copies the whole primary cluster, the test database included, so the
alias ``replica`` connects to the same database name on the standby's port.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import OperationalError, connections
from django.db.utils import load_backend
from django.test import Client
from django.urls import reverse

from disclosure import counting
from disclosure.models import Publication, PublicationStats
from disclosure.services import reply_publish
from portal import replica
from portal.replica import DEFAULT, REPLICA
from tests.conftest import _require_services
from tests.disclosure import cases

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "pg-replica.sh"
# Where deploy/pg-replica.sh puts the standby unless told otherwise.
REPLICA_HOST = os.environ.get("REPLICA_LISTEN", "127.0.0.1").split(",")[0].strip()
REPLICA_PORT = int(os.environ.get("REPLICA_PORT", "5433"))
WAIT = 20.0  # seconds at most for the standby to replay or receive what the primary wrote


def _unavailable(reason: str):
    if _require_services():
        pytest.fail(f"The streaming replica tests must run in CI: {reason}")
    pytest.skip(f"needs {reason}")


@pytest.fixture(scope="session")
def standby() -> Callable[[str], subprocess.CompletedProcess]:
    """A standby of the test database's server, started for the session; the fixture runs
    ``deploy/pg-replica.sh`` with another command (``standby("stop")``).

    It is stopped afterwards when the session started it, and its data directory stays: the
    next session's start only replays what the primary wrote since, or copies the primary
    anew when the primary no longer holds that WAL. No replication slot is used, so the
    primary keeps no WAL for a standby that is stopped.
    """
    owner = os.environ.get("REPLICA_OWNER", "postgres")
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != owner:
        _unavailable(f"root or {owner}, to run a standby as {owner} (deploy/pg-replica.sh)")
    installed = any(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"))
    if not (installed or shutil.which("pg_basebackup")):
        _unavailable("PostgreSQL's server programs (apt-get install postgresql)")
    primary = connections[DEFAULT].settings_dict
    env = {
        **os.environ,
        "PRIMARY_HOST": primary["HOST"] or "127.0.0.1",
        "PRIMARY_PORT": str(primary["PORT"] or 5432),
        "PRIMARY_USER": primary["USER"] or "postgres",
        "REPLICA_PORT": str(REPLICA_PORT),
    }
    if primary["PASSWORD"]:
        env["PGPASSWORD"] = primary["PASSWORD"]

    def script(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(SCRIPT), command], env=env, capture_output=True, text=True, timeout=600
        )

    def run(command: str) -> subprocess.CompletedProcess:
        result = script(command)
        assert result.returncode == 0, f"pg-replica.sh {command}:\n{result.stdout}{result.stderr}"
        return result

    already_running = script("status").returncode == 0
    started = script("start")
    if started.returncode != 0:
        _unavailable(f"a standby (deploy/pg-replica.sh start):\n{started.stderr}")
    yield run
    if not already_running:
        run("stop")


def _fresh_health() -> None:
    """This process has not looked at the replica yet, nor seen it fail."""
    replica.health.checked_at = -replica.CHECK_EVERY
    replica.health.resting_until = 0.0
    replica.health.usable = True


def _lsn_reached(function: str, what: str) -> None:
    """Wait until the standby's ``function`` LSN reaches what the primary has written."""
    with connections[DEFAULT].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (target,) = cursor.fetchone()
    deadline = time.monotonic() + WAIT
    while True:
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(f"SELECT {function}() >= %s::pg_lsn", [target])
                if cursor.fetchone()[0]:
                    return
        except OperationalError:
            connections[REPLICA].close()  # the test database is not on the standby yet
        if time.monotonic() > deadline:
            pytest.fail(f"the standby has not {what} the primary's WAL up to {target}")
        time.sleep(0.05)


def _replayed() -> None:
    _lsn_reached("pg_last_wal_replay_lsn", "replayed")


def _received() -> None:
    _lsn_reached("pg_last_wal_receive_lsn", "received")


@pytest.fixture
def on_standby(standby, transactional_db, monkeypatch):
    """The alias ``replica`` connected to the test database on the standby, caught up."""
    primary = connections[DEFAULT].settings_dict
    backend = load_backend(primary["ENGINE"])
    settings_dict = {**primary, "HOST": REPLICA_HOST, "PORT": REPLICA_PORT}
    connections[REPLICA] = backend.DatabaseWrapper(settings_dict, REPLICA)
    monkeypatch.setattr(replica, "configured", lambda: True)
    _fresh_health()
    _replayed()
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections[REPLICA]
    _fresh_health()


@pytest.fixture
def replay_paused(on_standby):
    """The standby receives the primary's WAL but replays none of it until the test ends."""
    with on_standby.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    yield
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")


@contextmanager
def _statements(alias: str):
    """The SQL each cursor of ``alias`` runs meanwhile (without connecting to it)."""
    run: list[str] = []

    def note(execute, sql, params, many, context):
        run.append(sql)
        return execute(sql, params, many, context)

    with connections[alias].execute_wrapper(note):
        yield run


def _where(client, method: str, url: str, **data):
    """Run a request; return the response, how many statements the primary ran, and the
    statements the standby ran other than the router's look at its lag."""
    with ExitStack() as stack:
        on_primary = stack.enter_context(_statements(DEFAULT))
        on_standby = stack.enter_context(_statements(REPLICA))
        response = getattr(client, method)(url, data)
    return response, len(on_primary), [sql for sql in on_standby if sql != replica.LAG_SQL]


def _publish(world, title: str) -> Publication:
    return reply_publish(letter=cases.sent(world, title=title), by=world.lead_clerk)


def test_an_anonymous_public_read_is_answered_by_the_standby(on_standby, world, seeded):
    title = "关于社区食堂的建议"
    publication = _publish(world, title)
    _replayed()
    with on_standby.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
        assert cursor.fetchone() == (True, REPLICA_PORT)
    client = Client()
    for url, shows_reply in (
        (reverse("public:list"), True),
        (reverse("public:detail", args=[publication.pk]), True),
        ("/api/v1/public/replies/", True),
        (reverse("stats:public"), False),
    ):
        response, on_primary, on_replica = _where(client, "get", url)
        assert response.status_code == 200, url
        assert on_replica, f"{url} was not read from the standby"
        assert on_primary == 0, f"{url} read the primary {on_primary} times"
        if shows_reply:
            assert title in response.content.decode(), url


def test_a_signed_in_publish_is_written_to_the_primary_only(on_standby, world, seeded):
    letter = cases.sent(world, title="关于老旧小区加装电梯的建议")
    client = Client()
    client.force_login(world.lead_clerk)
    response, on_primary, on_replica = _where(
        client, "post", reverse("disclosure:publish", args=[letter.pk])
    )
    assert response.status_code == 302
    assert on_replica == [] and on_primary > 0
    publication = Publication.objects.using(DEFAULT).get(letter=letter)
    # The standby has it by replication alone.
    _replayed()
    assert Publication.objects.using(REPLICA).filter(pk=publication.pk).exists()


def test_a_write_during_a_public_read_goes_to_the_primary(on_standby, world, seeded, monkeypatch):
    publication = _publish(world, "关于校园周边交通的建议")
    _replayed()
    monkeypatch.setattr(counting, "FLUSH_VISITS", 1)  # the visit is counted in the database now
    response, on_primary, on_replica = _where(
        Client(), "get", reverse("public:detail", args=[publication.pk])
    )
    assert response.status_code == 200
    assert on_replica, "the page was not read from the standby"
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in on_replica), on_replica
    assert on_primary > 0
    assert PublicationStats.objects.using(DEFAULT).get(publication=publication).views == 1


def test_a_standby_behind_is_passed_over_for_the_primary(
    on_standby, replay_paused, world, seeded, settings
):
    settings.PORTAL = {**settings.PORTAL, "REPLICA_MAX_LAG_SECONDS": 0.5}
    title = "关于夜间公交的建议"
    publication = _publish(world, title)
    _received()
    deadline = time.monotonic() + WAIT
    while replica.lag_seconds() <= settings.PORTAL["REPLICA_MAX_LAG_SECONDS"]:
        assert time.monotonic() < deadline, "the paused standby does not report its lag"
        time.sleep(0.05)
    assert not Publication.objects.using(REPLICA).filter(pk=publication.pk).exists()
    client = Client()
    for url in (reverse("public:list"), reverse("public:detail", args=[publication.pk])):
        _fresh_health()
        response, on_primary, on_replica = _where(client, "get", url)
        assert response.status_code == 200, url
        assert title in response.content.decode(), url
        assert on_replica == [] and on_primary > 0, url
        # Passed over for its lag, not for a failure.
        assert not replica.health.usable and replica.health.resting_until == 0.0


def test_a_standby_that_is_down_is_passed_over_for_the_primary(on_standby, standby, world, seeded):
    title = "关于农贸市场改造的建议"
    publication = _publish(world, title)
    _replayed()
    client = Client(raise_request_exception=False)
    response, _, on_replica = _where(client, "get", reverse("public:list"))
    assert response.status_code == 200 and on_replica
    standby("stop")
    try:
        # Between two looks at the standby: the read fails on it mid-way and is answered
        # again from the primary, and the standby is left alone for a while.
        cache.clear()
        response, on_primary, _ = _where(client, "get", reverse("public:list"))
        assert response.status_code == 200
        assert title in response.content.decode() and on_primary > 0
        assert replica.health.resting_until > time.monotonic()
        # At the next look it does not answer: the primary serves from the start.
        _fresh_health()
        response, on_primary, on_replica = _where(
            client, "get", reverse("public:detail", args=[publication.pk])
        )
        assert response.status_code == 200
        assert title in response.content.decode()
        assert on_replica == [] and on_primary > 0 and not replica.health.usable
    finally:
        standby("start")
