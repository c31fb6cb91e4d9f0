import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

from agencies.models import AgencyMembership, Body
from portal.celery import app as celery_app
from tests import factories


def _require_services() -> bool:
    """In CI (PORTAL_REQUIRE_SERVICES=1) a test that needs a missing server fails, not skips."""
    return os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"


# axe-core, from the npm registry (package.json), checks the pages' accessibility.
AXE_SCRIPT = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"


def chromium_path() -> str | None:
    """Debian's Chromium, which the browser tests drive; None when it is not installed."""
    found = shutil.which("chromium")
    if found:
        return found
    debian = Path("/usr/bin/chromium")
    return str(debian) if debian.exists() else None


def _browser_missing() -> str | None:
    """What the browser tests lack here, in words for the skip or failure; None when ready."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package (pip install -r requirements-dev.txt)"
    if chromium_path() is None:
        return "Chromium (apt-get install chromium fonts-noto-cjk)"
    return None


def pytest_configure(config):
    from django.conf import settings

    # Hashing test users' passwords at full strength would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test starts with an empty cache of its own (see ``fresh_cache``), never a shared one.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    from disclosure import counting

    cache.clear()
    counting.reset()
    yield


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    has_redis = bool(os.environ.get("REDIS_URL"))
    browser_missing = _browser_missing()
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            if _require_services():
                pytest.fail("PostgreSQL tests must run in CI: DATABASE_URL is not PostgreSQL")
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        if "redis" in item.keywords and not has_redis:
            if _require_services():
                pytest.fail("Redis tests must run in CI: REDIS_URL is not set")
            item.add_marker(pytest.mark.skip(reason="needs Redis (set REDIS_URL)"))
        if "browser" in item.keywords and browser_missing:
            if _require_services():
                pytest.fail(f"Browser tests must run in CI: missing {browser_missing}")
            item.add_marker(pytest.mark.skip(reason=f"needs {browser_missing}"))
        if "axe" in item.keywords and not AXE_SCRIPT.exists():
            if _require_services():
                pytest.fail("Accessibility tests must run in CI: run `npm ci` for axe-core")
            item.add_marker(pytest.mark.skip(reason="needs axe-core (npm ci)"))


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Run tasks in-process unless a test asks for the real worker."""
    if "redis" in request.keywords:
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@dataclass
class World:
    """One CPPCC session with its people: staff, three agencies, proposers, a stranger."""

    session: object
    npc_session: object
    lead_agency: object
    co_agency: object
    other_agency: object
    staff: object
    npc_staff: object
    lead_clerk: object
    lead_leader: object
    co_clerk: object
    co_leader: object
    other_clerk: object
    lead_proposer: object
    cosigner: object
    other_proposer: object
    stranger: object

    @property
    def lead_proposer_user(self):
        return self.lead_proposer.user

    @property
    def cosigner_user(self):
        return self.cosigner.user

    @property
    def other_proposer_user(self):
        return self.other_proposer.user


def _member(agency, username, role=AgencyMembership.Role.CLERK):
    user = factories.UserFactory(username=username)
    factories.MembershipFactory(user=user, agency=agency, role=role)
    return user


def _proposer(username, name, body=Body.CPPCC):
    user = factories.UserFactory(username=username, full_name=name)
    return factories.ProposerFactory(name=name, user=user, body=body)


@pytest.fixture
def world(db) -> World:
    lead_agency = factories.AgencyFactory(name="杭州市民政局", short_name="市民政局")
    co_agency = factories.AgencyFactory(name="杭州市卫生健康委员会", short_name="市卫生健康委")
    other_agency = factories.AgencyFactory(name="杭州市交通运输局", short_name="市交通运输局")
    staff = factories.CommitteeStaffFactory(user__username="staff", body=Body.CPPCC).user
    npc_staff = factories.CommitteeStaffFactory(user__username="npc_staff", body=Body.NPC).user
    return World(
        session=factories.SessionFactory(body=Body.CPPCC, term=12, number=2),
        npc_session=factories.SessionFactory(body=Body.NPC, level_name="市人大", term=14, number=5),
        lead_agency=lead_agency,
        co_agency=co_agency,
        other_agency=other_agency,
        staff=staff,
        npc_staff=npc_staff,
        lead_clerk=_member(lead_agency, "lead_clerk"),
        lead_leader=_member(lead_agency, "lead_leader", AgencyMembership.Role.LEADER),
        co_clerk=_member(co_agency, "co_clerk"),
        co_leader=_member(co_agency, "co_leader", AgencyMembership.Role.LEADER),
        other_clerk=_member(other_agency, "other_clerk"),
        lead_proposer=_proposer("qiminmin", "戚敏敏"),
        cosigner=_proposer("cosigner", "郭锦"),
        other_proposer=_proposer("other_proposer", "邱小燕"),
        stranger=factories.UserFactory(username="stranger"),
    )


# The data migrations that seed what every installation starts with.
SEED_MIGRATIONS = [
    "proposals.migrations.0002_national_topics",
    "responses.migrations.0002_result_categories",
    "deadlines.migrations.0002_seed_calendar_and_rules",
    "responses.migrations.0004_default_templates_and_html_bodies",
]


@pytest.fixture
def seeded(transactional_db):
    """The seeded topics, result classes, working calendar and deadline rules.

    Tests that commit (a live server, several connections) start after a flush by an
    earlier one has emptied these tables; the seeds only add what is missing.
    """
    for name in SEED_MIGRATIONS:
        importlib.import_module(name).seed(apps, None)
