"""Publishing letters of one agency at the same moment: each gets its own serial, and
the serials run 1, 2, 3… with no gap, even when a publisher's transaction rolls back."""

import threading
import time

import pytest
from django.db import connection, transaction

from disclosure.models import IndexSerial, Publication
from disclosure.services import reply_publish

from . import cases

# Each test commits from several connections; the seeded vocabularies are put back first.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded"),
]

THREADS = 6
LETTERS = 12


class RolledBack(Exception):
    pass


def run_together(jobs):
    """Run each list of calls in its own thread (its own connection), all released at once;
    return every result or raised error."""
    barrier = threading.Barrier(len(jobs))
    results = []
    lock = threading.Lock()

    def worker(calls):
        try:
            barrier.wait()
            for call in calls:
                try:
                    outcome = call()
                except Exception as error:
                    outcome = error
                with lock:
                    results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(calls,)) for calls in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


def letters(world, n=LETTERS):
    return [cases.sent(world, title=f"关于第{i}件事的建议") for i in range(n)]


def publisher(world, letter):
    return lambda: reply_publish(letter=letter, by=world.lead_clerk)


def serials(world):
    return sorted(
        Publication.objects.filter(agency=world.lead_agency).values_list("serial", flat=True)
    )


def test_letters_published_at_once_get_consecutive_serials(world):
    todo = letters(world)
    jobs = [[publisher(world, letter) for letter in todo[i::THREADS]] for i in range(THREADS)]
    results = run_together(jobs)
    assert all(isinstance(r, Publication) for r in results), results
    assert serials(world) == list(range(1, LETTERS + 1))
    numbers = Publication.objects.values_list("index_number", flat=True)
    assert len(set(numbers)) == LETTERS
    assert IndexSerial.objects.get(agency=world.lead_agency).last == LETTERS


def test_a_publication_rolled_back_gives_its_number_back(world):
    todo = letters(world)
    abandoned = todo[0]

    def publish_then_roll_back():
        with transaction.atomic():
            reply_publish(letter=abandoned, by=world.lead_clerk)
            time.sleep(0.3)  # holding the number while the others queue for it
            raise RolledBack

    rest = todo[1:]
    jobs = [[publish_then_roll_back]] + [
        [publisher(world, letter) for letter in rest[i :: THREADS - 1]] for i in range(THREADS - 1)
    ]
    results = run_together(jobs)
    assert sum(isinstance(r, RolledBack) for r in results) == 1
    assert sum(isinstance(r, Publication) for r in results) == LETTERS - 1
    assert serials(world) == list(range(1, LETTERS))
    assert not Publication.objects.filter(letter=abandoned).exists()
    again = reply_publish(letter=abandoned, by=world.lead_clerk)
    assert again.serial == LETTERS
    assert serials(world) == list(range(1, LETTERS + 1))


def test_the_first_publications_of_a_year_create_one_counter(world):
    todo = letters(world, THREADS)
    results = run_together([[publisher(world, letter)] for letter in todo])
    assert all(isinstance(r, Publication) for r in results), results
    assert IndexSerial.objects.filter(agency=world.lead_agency).count() == 1
    assert serials(world) == list(range(1, THREADS + 1))
