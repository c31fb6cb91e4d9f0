"""deploy/backup.sh and deploy/restore.sh: a backup restored into a new database and a new
media directory serves the same public pages, replies and files as the original; a damaged
backup, a database in use and a server out of reach are refused with one line.

The scripts run as the operator runs them, against the test database; the restored copy
is served by Gunicorn with the production configuration (deploy/gunicorn.conf.py) and read
over HTTP.
"""

from __future__ import annotations

import http.client
import io
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path
from urllib.parse import quote

import lxml.html
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from disclosure.services import reply_publish
from proposals import services as ps
from tests.conftest import _require_services
from tests.disclosure import cases

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BACKUP = ROOT / "deploy" / "backup.sh"
RESTORE = ROOT / "deploy" / "restore.sh"
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Title (\xe8\xb0\x83\xe7\xa0\x94) >>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


# --- Databases and scripts --------------------------------------------------------------


@pytest.fixture(autouse=True)
def client_programs():
    """PostgreSQL's client programs, which the scripts run (apt-get install postgresql-client)."""
    missing = [name for name in ("pg_dump", "pg_restore", "psql") if shutil.which(name) is None]
    if missing:
        message = f"needs PostgreSQL's client programs: {', '.join(missing)} not found"
        if _require_services():
            pytest.fail(message)
        pytest.skip(message)


def _url(name: str | None = None, port: int | None = None) -> str:
    """The test database's server as a DATABASE_URL, naming ``name`` (default: the test
    database itself)."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    if host.startswith("/"):  # a Unix socket's directory
        host = quote(host, safe="")
    return f"postgres://{auth}@{host}:{port or db['PORT'] or 5432}/{name or db['NAME']}"


def _psql(sql: str, database: str = "postgres") -> str:
    result = subprocess.run(
        ["psql", "-X", "-A", "-t", "-q", "-w", "-v", "ON_ERROR_STOP=1", "-d", _url(database)],
        input=sql,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return result.stdout.strip()


def _run(script: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """A script as an operator runs it, with only the settings it is given: no Redis, no
    replica, no /etc/portal/portal.env."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_REPLICA_URL", "BACKUP_KEEP", "PORTAL_PYTHON"}
    }
    environment.update(PORTAL_ENV_FILE="/nonexistent/portal.env", PORTAL_PYTHON=sys.executable)
    environment.update(env)
    return subprocess.run(
        ["bash", str(script), *args], env=environment, capture_output=True, text=True, timeout=120
    )


def _refused(result: subprocess.CompletedProcess, *words: str) -> str:
    """A refusal: a non-zero exit and one line on stderr saying why."""
    assert result.returncode != 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def scratch():
    """Names for databases of this test's own; every database starting with one of them
    (a restored copy, one renamed aside) is dropped afterwards."""
    prefix = f"portal_bk_{os.getpid()}_{secrets.token_hex(3)}"
    made = iter(range(1, 100))
    yield lambda: f"{prefix}_{next(made)}"
    for name in _psql(
        f"SELECT datname FROM pg_database WHERE left(datname, {len(prefix)}) = '{prefix}'"
    ).split():
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _exists(name: str) -> bool:
    return _psql(f"SELECT count(*) FROM pg_database WHERE datname = '{name}'") == "1"


def _backup(tmp_path: Path, media: Path, *args: str) -> Path:
    result = _run(
        BACKUP,
        *args,
        DATABASE_URL=_url(),
        MEDIA_ROOT=str(media),
        BACKUP_DIR=str(tmp_path / "backups"),
    )
    assert result.returncode == 0, result.stderr
    made = Path(result.stdout.strip())
    assert made.parent == tmp_path / "backups" and re.fullmatch(
        r"portal-\d{8}T\d{6}Z", made.name
    ), result.stdout
    return made


# --- The restored portal, over HTTP -----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, cookie: str = "") -> tuple[int, dict, bytes]:
    """A GET as a browser sends it, redirects not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.fixture
def serve(tmp_path):
    """Gunicorn with deploy/gunicorn.conf.py on a free port, on the given database and
    media directory; stopped afterwards."""
    started = []

    def start(database_url: str, media: Path) -> int:
        port = _free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("REDIS_", "DATABASE_", "CELERY_", "PORTAL_", "DJANGO_"))
        }
        env.update(
            DATABASE_URL=database_url,
            MEDIA_ROOT=str(media),
            DJANGO_DEBUG="1",
            PORTAL_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="1",
            LOG_LEVEL="WARNING",
        )
        log = tmp_path / f"gunicorn-{port}.log"
        process = subprocess.Popen(
            [GUNICORN, "-c", "deploy/gunicorn.conf.py", "portal.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                if _get(port, "/healthz")[0] == 200:
                    return port
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"Gunicorn did not answer on port {port}:\n{log.read_text()}")

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


# --- Comparing pages --------------------------------------------------------------------

# What differs from one request, process or host to the next, in the same page.
PER_REQUEST = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r"nonce-[A-Za-z0-9+/=_-]+|nonce=\"[^\"]*\""), "nonce"),
    (re.compile(r"浏览 \d+ 次"), "浏览 N 次"),  # the view count: gathered per process
    (re.compile(r"https?://(testserver|127\.0\.0\.1:\d+)"), "http://HOST"),
]


def _normalized(html: bytes) -> str:
    text = html.decode()
    for pattern, replacement in PER_REQUEST:
        text = pattern.sub(replacement, text)
    return text


def _text(node) -> str:
    return " ".join(node.text_content().split())


def _reply_page(html: bytes) -> dict:
    """What a reader takes from a reply's page: its title, its disclosure table (索引号 among
    it), the case it answers and the reply's text."""
    page = lxml.html.fromstring(html)
    [title] = page.xpath("//main//h1")
    [letter] = page.xpath("//article[contains(@class, 'letter')]")
    return {
        "title": _text(title),
        "table": [_text(row) for row in page.xpath("//table//tr | //dl//div")],
        "letter": _text(letter),
    }


def _word_parts(docx: bytes) -> dict[str, bytes]:
    """A Word document's parts, but for the moment it was written: the zip's timestamps and
    the created and modified times in its properties (docProps/core.xml)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["docProps/core.xml"] = re.sub(
        rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", parts["docProps/core.xml"]
    )
    return parts


# --- The tests --------------------------------------------------------------------------


def test_a_restored_backup_serves_the_same_replies_and_files(
    world, seeded, settings, tmp_path, scratch, serve
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    first = reply_publish(
        letter=cases.sent(world, title="关于加快养老服务设施建设的建议"), by=world.lead_clerk
    )
    second = reply_publish(
        letter=cases.sent(world, title="关于完善社区卫生服务网络的建议"), by=world.lead_clerk
    )
    replies = [first, second]
    attachment = ps.proposal_attach(
        proposal=first.letter.assignment.proposal,
        upload=SimpleUploadedFile("调研报告.pdf", PDF),
        by=world.staff,
    )
    figure = ps.proposal_attach(
        proposal=second.letter.assignment.proposal,
        upload=SimpleUploadedFile("示意图.png", PNG),
        by=world.staff,
    )
    assert (media / attachment.file.name).read_bytes() == PDF

    # The original, as the portal renders it to a reader who is not signed in.
    reader = Client()
    original = {"list": reader.get(reverse("public:list"))}
    for reply in replies:
        original[reply.pk] = reader.get(reverse("public:detail", args=[reply.pk]))
        original[f"docx{reply.pk}"] = reader.get(reverse("public:docx", args=[reply.pk]))
    assert all(response.status_code == 200 for response in original.values())
    listed = original["list"].content.decode()
    for reply in replies:
        assert reply.index_number and reply.index_number in listed
        assert reply.title in listed
    # Uploaded files are served by the portal only to those who may see their item (nginx
    # answers /media/ with a 404), never linked from a public page: they are fetched as a
    # member of staff, signed in here; the session is a row of the database, backed up too.
    staff = Client()
    staff.force_login(world.staff)
    cookie = django_settings.SESSION_COOKIE_NAME
    session = f"{cookie}={staff.cookies[cookie].value}"
    download = reverse("proposals:attachment", args=[attachment.pk])
    assert b"".join(staff.get(download).streaming_content) == PDF

    made = _backup(tmp_path, media)
    assert sorted(p.name for p in made.iterdir()) == [
        "SHA256SUMS",
        "backup.info",
        "database.dump",
        "media.tar",
    ]
    with tarfile.open(made / "media.tar") as archive:
        names = {member.name.removeprefix("./") for member in archive.getmembers()}
    assert {attachment.file.name, figure.file.name} <= names

    database = scratch()
    restored_media = tmp_path / "restored-media"
    result = _run(
        RESTORE, "--create", str(made), DATABASE_URL=_url(database), MEDIA_ROOT=str(restored_media)
    )
    assert result.returncode == 0, result.stderr
    assert "2 files named by the database, all present" in result.stderr
    assert (restored_media / attachment.file.name).read_bytes() == PDF
    assert (restored_media / figure.file.name).read_bytes() == PNG
    assert _psql("SHOW server_encoding; SHOW lc_collate;", database).split() == ["UTF8", "C.UTF-8"]

    port = serve(_url(database), restored_media)

    # The public list: the same page, the same replies in the same order.
    status, _, body = _get(port, reverse("public:list"))
    assert status == 200
    assert _normalized(body) == _normalized(original["list"].content)
    for reply in replies:
        # Each reply's page: the same title, index number, disclosure table and text.
        status, _, body = _get(port, reverse("public:detail", args=[reply.pk]))
        assert status == 200
        page = _reply_page(body)
        assert page == _reply_page(original[reply.pk].content)
        assert page["title"] == reply.title
        assert any(reply.index_number in row for row in page["table"])
        assert "现答复如下" in page["letter"]
        assert _normalized(body) == _normalized(original[reply.pk].content)
        # The Word document the page offers: the same letter.
        status, headers, body = _get(port, reverse("public:docx", args=[reply.pk]))
        assert status == 200 and headers["Content-Type"].startswith("application/vnd.openxml")
        assert _word_parts(body) == _word_parts(original[f"docx{reply.pk}"].getvalue())

    # The uploaded file, byte for byte, to whoever may see the item, and to nobody else.
    status, headers, body = _get(port, download, cookie=session)
    assert status == 200, body[:300]
    assert body == PDF
    assert quote("调研报告.pdf") in headers["Content-Disposition"]
    status, _, body = _get(port, reverse("proposals:attachment", args=[figure.pk]), session)
    assert (status, body) == (200, PNG)
    status, headers, _ = _get(port, download)
    assert status == 302 and "/accounts/login/" in headers["Location"]


def test_a_damaged_backup_is_refused_and_nothing_restored(tmp_path, scratch):
    media = tmp_path / "media"
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "a.pdf").write_bytes(PDF)
    made = _backup(tmp_path, media)
    assert _run(RESTORE, "--verify", str(made)).returncode == 0

    with (made / "media.tar").open("r+b") as tar:
        tar.seek(600)
        tar.write(b"X")
    database = scratch()
    target = tmp_path / "restored"
    result = _run(
        RESTORE, "--create", str(made), DATABASE_URL=_url(database), MEDIA_ROOT=str(target)
    )
    _refused(result, "checksum mismatch", "media.tar")
    assert not _exists(database) and not target.exists()
    _refused(_run(RESTORE, "--verify", str(made)), "checksum mismatch")

    (made / "database.dump").unlink()
    _refused(_run(RESTORE, "--verify", str(made)), "database.dump", "media.tar")
    _refused(_run(RESTORE, str(tmp_path / "nowhere")), "no backup at")
    (tmp_path / "backups" / "empty").mkdir()
    _refused(_run(RESTORE, str(tmp_path / "backups" / "empty")), "no SHA256SUMS")


def test_a_database_that_holds_tables_is_replaced_only_when_forced(tmp_path, scratch):
    media = tmp_path / "media"
    media.mkdir()
    made = _backup(tmp_path, media)

    database = scratch()
    _psql(f"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8'")
    _psql("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('before');", database)
    target = tmp_path / "restored"
    result = _run(RESTORE, str(made), DATABASE_URL=_url(database), MEDIA_ROOT=str(target))
    _refused(result, f"the database {database} already holds tables (1)", "--force")
    assert _psql("SELECT note FROM kept", database) == "before"
    assert not target.exists()
    # Nor into the test database itself, the portal's tables and rows in it.
    result = _run(RESTORE, "--create", str(made), DATABASE_URL=_url(), MEDIA_ROOT=str(target))
    _refused(result, "already holds")

    # Forced: the database in use is renamed aside, not dropped, and a new one restored.
    result = _run(
        RESTORE, "--force", str(made), DATABASE_URL=_url(database), MEDIA_ROOT=str(target)
    )
    assert result.returncode == 0, result.stderr
    [aside] = re.findall(r"is now (\S+):", result.stderr)
    assert aside.startswith(f"{database}_replaced_")
    assert _psql("SELECT note FROM kept", aside) == "before"
    assert (
        _psql("SELECT to_regclass('kept') IS NULL, count(*) > 0 FROM django_migrations", database)
        == "t|t"
    )

    # Files already in MEDIA_ROOT are refused the same way.
    (media / "extra.txt").write_text("x")
    other = scratch()
    result = _run(RESTORE, "--create", str(made), DATABASE_URL=_url(other), MEDIA_ROOT=str(media))
    _refused(result, "already holds files", "--force")
    assert not _exists(other)


def test_a_server_out_of_reach_is_one_line(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    # Nothing listens on the port; the password is never shown.
    unreachable = f"postgres://postgres:s3cret@127.0.0.1:{_free_port()}/portal"
    result = _run(
        BACKUP,
        DATABASE_URL=unreachable,
        MEDIA_ROOT=str(media),
        BACKUP_DIR=str(tmp_path / "backups"),
    )
    _refused(result, "cannot connect to the database", "postgres://postgres:***@")
    assert not (tmp_path / "backups").exists()
    result = _run(BACKUP, DATABASE_URL="", MEDIA_ROOT=str(media))
    _refused(result, "DATABASE_URL is not set")

    made = _backup(tmp_path, media)
    target = tmp_path / "restored"
    result = _run(RESTORE, "--create", str(made), DATABASE_URL=unreachable, MEDIA_ROOT=str(target))
    _refused(result, "cannot connect to the database")
    assert not target.exists()


def test_backups_beyond_the_kept_number_are_removed(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    backups = tmp_path / "backups"
    for stamp in ("20200101T000000Z", "20210101T000000Z"):
        (backups / f"portal-{stamp}").mkdir(parents=True)
        (backups / f"portal-{stamp}" / "SHA256SUMS").write_text("")
    (backups / "portal-20220101T000000Z").mkdir()  # no manifest: not made by backup.sh
    (backups / "portal-20230101T000000Z.partial").mkdir()  # an interrupted backup
    made = _backup(tmp_path, media, "--keep", "2")
    assert sorted(p.name for p in backups.iterdir() if not p.name.startswith(".")) == [
        "portal-20210101T000000Z",
        "portal-20220101T000000Z",
        made.name,
    ]
