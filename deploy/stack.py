"""The portal on loopback in its production shape, and the checks that run against it.

nginx (``deploy/nginx/portal.conf``, its paths and ports moved under ``var/stack``), two
Gunicorn instances (``deploy/gunicorn.conf.py``), two Celery workers and beat, on a
PostgreSQL database and a Redis of their own (so that the check may stop Redis without
disturbing anything else on the machine)::

    .venv/bin/python deploy/stack.py check   # start, run the end-to-end check, stop (make stack)
    .venv/bin/python deploy/stack.py bench   # start, measure throughput, stop (make bench-http)
    .venv/bin/python deploy/stack.py up      # start and leave running (http://127.0.0.1:8180)
    .venv/bin/python deploy/stack.py down    # stop what ``up`` started

Needs PostgreSQL (``STACK_DATABASE_URL``, default the local server's ``portal_stack``,
created afresh), ``redis-server``, ``nginx`` and, for ``bench``, ``wrk``. Each process
writes its log under ``var/stack/logs``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIR = Path(os.environ.get("STACK_DIR", ROOT / "var" / "stack"))
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get(
    "STACK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_stack"
)
HTTP_PORT = int(os.environ.get("STACK_HTTP_PORT", 8180))
STATIC_PORT = HTTP_PORT + 1
APP_PORTS = (HTTP_PORT - 79, HTTP_PORT - 78)  # 8101, 8102
REDIS_PORT = int(os.environ.get("STACK_REDIS_PORT", 6390))
SITE = f"http://127.0.0.1:{HTTP_PORT}"
# Short enough for the check to see a lost worker's task handed out again.
VISIBILITY_TIMEOUT = 15

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "stack-" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
    "CELERY_TASK_ALWAYS_EAGER": "0",
    "STATIC_ROOT": str(DIR / "static"),
    "MEDIA_ROOT": str(DIR / "media"),
    "LOG_FORMAT": "json",
    "PORTAL_TASK_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    "PORTAL_TASK_RELAY_SECONDS": "5",
    "PORTAL_API_USER_RATE": "100000/min",
    "PORTAL_API_ANON_RATE": "100000/min",
    "PYTHONPATH": str(ROOT),
}
ENV.pop("DATABASE_REPLICA_URL", None)


class StackError(RuntimeError):
    """A step of the stack or of its check went wrong; the message says which."""


def say(message: str) -> None:
    print(f"[stack] {message}", flush=True)


# -- the processes ------------------------------------------------------------------------


def _pids() -> dict:
    path = DIR / "pids.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _remember(name: str, pid: int) -> None:
    pids = _pids()
    pids[name] = pid
    (DIR / "pids.json").write_text(json.dumps(pids))


def start(name: str, command: list[str], **env: str) -> int:
    """Start a process in a session of its own (so that it and its children stop together)."""
    log = open(DIR / "logs" / f"{name}.log", "ab")  # noqa: SIM115 (the child keeps it)
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**ENV, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    _remember(name, process.pid)
    return process.pid


def stop(name: str, sig: int = signal.SIGTERM, wait: float = 20) -> None:
    pid = _pids().get(name)
    if not pid:
        return
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        with suppress(ChildProcessError):  # reap our own child, if it is one
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.1)
    os.killpg(pid, signal.SIGKILL)


def manage(*args: str) -> str:
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise StackError(f"manage.py {' '.join(args)}: {result.stderr.strip()[-800:]}")
    return result.stdout


def wait_for(what: str, probe, timeout: float = 60, every: float = 0.3):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = probe()
        except (OSError, urllib.error.URLError):
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise StackError(f"{what}: not within {timeout:.0f} s")
        time.sleep(every)


def _need(program: str) -> str:
    found = shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")
    if not found:
        raise StackError(f"{program} is not installed (Debian: apt-get install {program})")
    return found


def nginx_config() -> str:
    """The production config with its paths and ports moved to this loopback stack."""
    text = (ROOT / "deploy" / "nginx" / "portal.conf").read_text()
    moves = [
        ("/var/cache/nginx/portal", str(DIR / "nginx-cache")),
        ("server 127.0.0.1:8000 ", f"server 127.0.0.1:{APP_PORTS[0]} "),
        ("server 127.0.0.1:8001 ", f"server 127.0.0.1:{APP_PORTS[1]} "),
        ("    listen 80;\n", f"    listen 127.0.0.1:{HTTP_PORT};\n"),
        ("    listen [::]:80;\n", ""),
        ("server_name portal.example.gov.cn;", "server_name 127.0.0.1 localhost;"),
        ("alias /srv/portal/staticfiles/;", f"alias {DIR / 'static'}/;"),
    ]
    for old, new in moves:
        if old not in text:
            raise StackError(f"deploy/nginx/portal.conf no longer holds {old.strip()!r}")
        text = text.replace(old, new)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes auto;
pid {DIR / "nginx.pid"};
error_log {DIR / "logs" / "nginx-error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    # The same bytes as the portal's public page, as a plain file (for the benchmark).
    server {{
        listen 127.0.0.1:{STATIC_PORT};
        root {DIR / "plain"};
        default_type "text/html; charset=utf-8";
    }}
{text}
}}
"""


def nginx(*args: str) -> None:
    subprocess.run(
        [_need("nginx"), "-c", str(DIR / "nginx.conf"), *args],
        check=True,
        capture_output=True,
    )


def redis_up() -> None:
    start(
        "redis",
        [
            _need("redis-server"),
            "--bind",
            "127.0.0.1",
            "--port",
            str(REDIS_PORT),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(DIR),
        ],
    )
    wait_for("Redis", lambda: _redis_ping())


def _redis_ping() -> bool:
    import socket

    with socket.create_connection(("127.0.0.1", REDIS_PORT), timeout=1) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(16).startswith(b"+PONG")


def worker_up(n: int) -> None:
    start(
        f"worker{n}",
        [
            str(BIN / "celery"),
            "-A",
            "portal",
            "worker",
            "--loglevel=INFO",
            f"--hostname=worker{n}@stack",
            "--concurrency=1",
            "--pool=prefork",
        ],
        # Its database sessions carry its name (libpq reads PGAPPNAME).
        PGAPPNAME=f"portal-worker{n}",
    )


def _worker_ready(n: int) -> bool:
    log = (DIR / "logs" / f"worker{n}.log").read_text(errors="replace")
    return log.count("ready.") >= _starts(n)


def _starts(n: int) -> int:
    return (DIR / "logs" / f"worker{n}.starts").read_text().count("x")


def up() -> None:
    for program in ("nginx", "redis-server"):
        _need(program)
    down(quiet=True)
    shutil.rmtree(DIR, ignore_errors=True)
    for sub in ("logs", "nginx-cache", "plain", "media"):
        (DIR / sub).mkdir(parents=True)
    (DIR / "nginx-cache").chmod(0o777)
    say(f"database {DATABASE_URL.rsplit('/', 1)[-1]} afresh, migrated, the demo loaded")
    _fresh_database()
    manage("migrate", "--no-input")
    manage("load_demo")
    manage("collectstatic", "--no-input")
    redis_up()
    for port in APP_PORTS:
        start(
            f"web{port}",
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "portal.wsgi"],
            PORTAL_BIND=f"127.0.0.1:{port}",
        )
    for n in (1, 2):
        (DIR / "logs" / f"worker{n}.starts").write_text("x")
        worker_up(n)
    start(
        "beat",
        [
            str(BIN / "celery"),
            "-A",
            "portal",
            "beat",
            "--loglevel=INFO",
            f"--schedule={DIR / 'celerybeat-schedule'}",
        ],
    )
    (DIR / "nginx.conf").write_text(nginx_config())
    nginx("-t")
    nginx()
    for port in APP_PORTS:
        wait_for(
            f"Gunicorn on {port}", lambda port=port: _status(f"http://127.0.0.1:{port}/healthz")
        )
    wait_for("nginx", lambda: _status(f"{SITE}/readyz") == 200)
    for n in (1, 2):
        wait_for(f"worker {n}", lambda n=n: _worker_ready(n))
    say(f"up: {SITE} (nginx), Gunicorn on {APP_PORTS}, 2 workers, beat, Redis :{REDIS_PORT}")


def _fresh_database() -> None:
    import psycopg2

    name = DATABASE_URL.rsplit("/", 1)[-1]
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise StackError(f"the stack's database name {name!r} is not a plain name")
    server = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    connection = psycopg2.connect(server)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(
            f"CREATE DATABASE {name} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' "
            "LC_CTYPE 'C.UTF-8' TEMPLATE template0"
        )
    connection.close()


def down(quiet: bool = False) -> None:
    if (DIR / "nginx.pid").exists():
        with suppress(subprocess.CalledProcessError):
            nginx("-s", "stop")
    for name in list(_pids()):
        stop(name)
    if (DIR / "pids.json").exists():
        (DIR / "pids.json").unlink()
    if not quiet:
        say("down")


@contextmanager
def running():
    up()
    try:
        yield
    finally:
        down()


# -- HTTP ---------------------------------------------------------------------------------


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def fetch(url: str, *, token: str = "", method: str = "GET", data: dict | None = None):
    """Return (status, headers, body) of one request through nginx."""
    request = urllib.request.Request(url if url.startswith("http") else SITE + url, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.data = json.dumps(data).encode()
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class Api:
    def __init__(self, token: str):
        self.token = token

    def call(self, method: str, path: str, data: dict | None = None, expect: int = 200):
        status, _, body = fetch(f"/api/v1{path}", token=self.token, method=method, data=data)
        if status != expect:
            raise StackError(f"{method} {path}: {status}, not {expect}: {body[:300]!r}")
        return json.loads(body) if body else None

    def get(self, path: str, **params):
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return self.call("GET", f"{path}?{query}" if query else path)

    def post(self, path: str, data: dict | None = None, expect: int = 200):
        return self.call("POST", path, data or {}, expect)


# -- the check ----------------------------------------------------------------------------


def _django():
    os.environ.update({k: v for k, v in ENV.items() if k != "PYTHONPATH"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def check() -> None:
    """File → assign → a draft by a worker (one worker killed mid-draft) → sign → send →
    publish → seen through nginx; reminders once with two sweeps racing on two workers;
    Redis stopped and started; nginx and Gunicorn reloaded under load."""
    _django()
    tokens = manage(
        "api_token", "qiminmin", "cppcc_staff", "mz_clerk", "mz_leader", "--name", "stack"
    ).split()
    proposer, staff, clerk, leader = (Api(token) for token in tokens)

    say("1. the member files a proposal; staff accept it and assign it to 杭州市民政局")
    me = proposer.get("/me/")
    session = next(s for s in proposer.get("/sessions/")["results"] if s["body"] == "cppcc")
    agencies = proposer.get("/agencies/", page_size=100)["results"]
    lead_agency = next(a["id"] for a in agencies if a["name"] == "杭州市民政局")
    title = f"关于完善社区助餐服务的建议(联调 {time.strftime('%H%M%S')})"
    filed = proposer.post(
        "/proposals/",
        {
            "session": session["id"],
            "title": title,
            "body": "一、扩大社区老年食堂覆盖\n二、落实运营补贴",
            "lead_proposer": me["roles"]["proposer_id"],
        },
        expect=201,
    )
    item = f"/proposals/{filed['id']}/"
    proposer.post(f"{item}submit/")
    staff.post(f"{item}accept/")
    assigned = staff.post(f"{item}assign/", {"lead": lead_agency, "note": "请认真办理。"})
    lead = next(a for a in assigned["assignments"] if a["mode"] == "lead")
    clerk.post(f"/assignments/{lead['id']}/sign-for/")

    say("2. two reminder sweeps at once, one on each worker: each reminder once")
    _reminders_once(lead["id"])

    say("3. the clerk asks for a draft from the template; the worker drafting it is killed")
    category = clerk.get("/result-categories/", body="cppcc")["results"][0]["id"]
    letter_id = _draft_with_a_worker_killed(clerk, lead["id"], category)

    say("4. the leader signs it off, the clerk sends and publishes it")
    letter = f"/letters/{letter_id}/"
    clerk.post(f"{letter}submit/")
    leader.post(f"{letter}approve/")
    clerk.post(f"{letter}send/")
    publication = clerk.post(f"{letter}publish/")["publication"]
    page = f"/replies/{publication['id']}/"
    wait_for(
        "the reply's public page through nginx",
        lambda: title.encode() in fetch(page)[2],
        timeout=20,
    )
    wait_for("the reply in the feed", lambda: title.encode() in fetch("/feeds/replies.atom")[2])
    wait_for("the reply in the search index", lambda: _found(title), timeout=30)
    say(f"   published: {SITE}{page} and in /feeds/replies.atom")

    say("5. Redis stopped: requests still answered, the task kept; Redis back: the task done")
    _redis_outage(clerk, staff, lead_agency, session, me, category, proposer)

    say("6. nginx and both Gunicorns reloaded under load: no error to the public")
    _reloads_under_load(page)
    say("check passed")


def _found(title: str) -> bool:
    status, _, body = fetch("/api/v1/public/replies/?q=" + urllib.parse.quote("社区助餐"))
    return status == 200 and title in json.loads(body).get("results", [{}])[0].get(
        "proposal_title", ""
    )


def _draft_with_a_worker_killed(clerk: Api, assignment: int, category: int) -> int:
    """Hold the new letter's row so that the worker drafting it waits on it, kill that
    worker, and see the other one write the draft once, after the visibility timeout."""
    import psycopg2

    # The workers stop taking messages; their pending fetches lapse (a second at most).
    for n in (1, 2):
        os.killpg(_pids()[f"worker{n}"], signal.SIGSTOP)
    time.sleep(2.5)
    letter = clerk.post(
        "/letters/",
        {
            "assignment": assignment,
            "generate": True,
            "result_category": category,
            "disclosure": "public",
        },
        expect=201,
    )
    holder = psycopg2.connect(DATABASE_URL)
    with holder.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM responses_replyletter WHERE id = %s FOR UPDATE", [letter["id"]]
        )
    for n in (1, 2):
        os.killpg(_pids()[f"worker{n}"], signal.SIGCONT)
    watcher = psycopg2.connect(DATABASE_URL)
    watcher.autocommit = True

    def drafting_worker():
        with watcher.cursor() as cursor:
            cursor.execute(
                "SELECT application_name FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND application_name LIKE 'portal-worker%%'"
            )
            row = cursor.fetchone()
        return row and row[0]

    victim = wait_for("a worker waiting to write the draft", drafting_worker, timeout=30)
    n = int(victim.removeprefix("portal-worker"))
    say(f"   worker{n} is writing the draft: killed (SIGKILL)")
    stop(f"worker{n}", signal.SIGKILL, wait=5)
    holder.rollback()
    holder.close()
    started = time.monotonic()

    def drafted():
        state = clerk.get(f"/letters/{letter['id']}/")
        return state if state["generation"] != "queued" else None

    state = wait_for("the draft by the other worker", drafted, timeout=VISIBILITY_TIMEOUT + 60)
    if state["generation"] != "done" or not state["body_html"]:
        raise StackError(f"the draft was not written: {state['generation']}")
    revisions = clerk.get(f"/letters/{letter['id']}/revisions/")
    generated = [r for r in revisions["results"] if r.get("note") == "按模板生成"]
    if len(generated) != 1:
        raise StackError(f"the draft was written {len(generated)} times")
    say(f"   written once by the other worker, {time.monotonic() - started:.0f} s after")
    (DIR / "logs" / f"worker{n}.starts").write_text("x" * (_starts(n) + 1))
    worker_up(n)
    wait_for(f"worker {n} again", lambda: _worker_ready(n))
    watcher.close()
    return letter["id"]


def _reminders_once(assignment: int) -> None:
    from deadlines.models import Deadline, Reminder
    from notifications.models import Notification
    from portal.celery import app

    deadline = (
        Deadline.objects.filter(assignment_id=assignment, status=Deadline.Status.OPEN)
        .order_by("effective_due_on")
        .first()
    )
    if deadline is None:
        raise StackError("the assignment has no open deadline to be reminded of")
    day = deadline.effective_due_on.isoformat()
    before = _succeeded("deadlines.tasks.sweep_reminders")
    for _ in range(2):
        app.send_task("deadlines.tasks.sweep_reminders", args=[day])
    wait_for(
        "both sweeps",
        lambda: _succeeded("deadlines.tasks.sweep_reminders") >= before + 2,
        timeout=60,
    )
    reminders = Reminder.objects.filter(deadline=deadline)
    wait_for("the sweep's reminder", reminders.exists, timeout=10)
    if reminders.count() != 1:
        raise StackError(f"{reminders.count()} reminders of one deadline on its day")
    notices = Notification.objects.filter(reminder__deadline=deadline)
    recipients = set(notices.values_list("recipient_id", flat=True))
    if not notices.exists() or notices.count() != len(recipients):
        raise StackError(f"{notices.count()} notices for {len(recipients)} people")
    say(f"   1 reminder, {notices.count()} notices (one each) after 2 sweeps on due day {day}")


def _succeeded(task: str) -> int:
    return sum(
        (DIR / "logs" / f"worker{n}.log").read_text(errors="replace").count(f"{task}[")
        - (DIR / "logs" / f"worker{n}.log")
        .read_text(errors="replace")
        .count(f"Received task: {task}[")
        for n in (1, 2)
    )


def _redis_outage(clerk, staff, lead_agency, session, me, category, proposer) -> None:
    from portal.models import QueuedTask

    stop("redis", signal.SIGKILL, wait=5)
    second = proposer.post(
        "/proposals/",
        {
            "session": session["id"],
            "title": f"关于加装老旧小区电梯的建议(联调 {time.strftime('%H%M%S')})",
            "body": "建议简化审批。",
            "lead_proposer": me["roles"]["proposer_id"],
        },
        expect=201,
    )
    item = f"/proposals/{second['id']}/"
    proposer.post(f"{item}submit/")
    staff.post(f"{item}accept/")
    assigned = staff.post(f"{item}assign/", {"lead": lead_agency})
    lead = next(a for a in assigned["assignments"] if a["mode"] == "lead")
    clerk.post(f"/assignments/{lead['id']}/sign-for/")
    letter = clerk.post(
        "/letters/",
        {"assignment": lead["id"], "generate": True, "result_category": category},
        expect=201,
    )
    status, _, body = fetch("/readyz")
    if status != 200 or json.loads(body)["status"] != "degraded":
        raise StackError(f"/readyz with Redis down: {status} {body[:200]!r}")
    if _status(f"{SITE}/replies/") != 200 or _status(f"{SITE}/stats/") != 200:
        raise StackError("a public page failed with Redis down")
    waiting = QueuedTask.objects.filter(name="responses.tasks.generate_draft").count()
    if not waiting:
        raise StackError("the draft's task was not kept while Redis was down")
    say(f"   every request answered; {QueuedTask.objects.count()} tasks kept; Redis restarted")
    redis_up()
    state = wait_for(
        "the kept draft task, relayed",
        lambda: (s := clerk.get(f"/letters/{letter['id']}/"))["generation"] == "done" and s,
        timeout=90,
        every=1,
    )
    if QueuedTask.objects.exists():
        wait_for("the other kept tasks, relayed", lambda: not QueuedTask.objects.exists(), 30)
    say(f"   the draft written after Redis returned ({len(state['body_html'])} bytes)")
    # Beat outlived the outage (it sent the relay that sent the draft); a reminder sweep
    # sent now runs as before the outage.
    from portal.celery import app

    before = _succeeded("deadlines.tasks.sweep_reminders")
    app.send_task("deadlines.tasks.sweep_reminders")
    wait_for(
        "a reminder sweep after Redis returned",
        lambda: _succeeded("deadlines.tasks.sweep_reminders") > before,
        timeout=30,
    )
    say("   a reminder sweep sent after Redis returned ran")


def _reloads_under_load(page: str) -> None:
    """Reload nginx and both Gunicorns under load: every request answered 200. Each request
    opens its own connection, as a browser's retry of a closed keep-alive connection would
    hide what a reload costs. Then nginx stopped and started, and both Gunicorns stopped:
    the kept page is served from nginx's cache on disk."""
    wrk = _need("wrk")
    load = subprocess.Popen(
        [wrk, "-t2", "-c16", "-d12s", "-H", "Connection: close", f"{SITE}{page}"],
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(2)
    nginx("-s", "reload")
    time.sleep(2)
    for port in APP_PORTS:
        os.killpg(_pids()[f"web{port}"], signal.SIGHUP)
        time.sleep(3)
    output = load.communicate()[0]
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    if re.search(r"Non-2xx or 3xx responses|Socket errors", output):
        raise StackError(f"errors under reload: {output}")
    say(f"   {requests} requests, none failed, through an nginx reload and two Gunicorn reloads")

    nginx("-s", "stop")
    wait_for("nginx stopped", lambda: not (DIR / "nginx.pid").exists(), timeout=10)
    stopped = time.monotonic()
    nginx()
    status, _, _ = wait_for("nginx again", lambda: _answer(page), timeout=10)
    gap = time.monotonic() - stopped
    if status != 200:
        raise StackError(f"{page} after nginx restarted: {status}")
    say(f"   nginx stopped and started: answering again after {gap:.2f} s")

    for port in APP_PORTS:
        stop(f"web{port}")
    status, headers, _ = _answer(page)
    cache = headers.get("X-Cache-Status")
    if status != 200 or cache not in ("HIT", "STALE", "UPDATING"):
        raise StackError(f"{page} with both Gunicorns down: {status} {cache}")
    say(f"   both Gunicorns down: {page} still 200 from nginx's cache ({cache})")
    for port in APP_PORTS:
        start(
            f"web{port}",
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "portal.wsgi"],
            PORTAL_BIND=f"127.0.0.1:{port}",
        )
        wait_for(
            f"Gunicorn on {port}", lambda port=port: _status(f"http://127.0.0.1:{port}/healthz")
        )


def _answer(page: str):
    try:
        return fetch(page)
    except (OSError, urllib.error.URLError):
        return None


# -- throughput ---------------------------------------------------------------------------


def bench(seconds: int, connections: int) -> None:
    """The same bytes three ways: nginx serving them as a file, Gunicorn (Django) alone,
    and nginx's microcache in front of Gunicorn."""
    wrk = _need("wrk")
    path = "/replies/1/"
    status, _, body = fetch(f"http://127.0.0.1:{APP_PORTS[0]}{path}")
    if status != 200:
        raise StackError(f"{path}: {status}")
    (DIR / "plain" / "replies" / "1").mkdir(parents=True)
    (DIR / "plain" / "replies" / "1" / "index.html").write_bytes(body)
    targets = [
        ("nginx, a static file", f"http://127.0.0.1:{STATIC_PORT}{path}"),
        ("Django alone (one Gunicorn)", f"http://127.0.0.1:{APP_PORTS[0]}{path}"),
        ("nginx microcache", f"{SITE}{path}"),
    ]
    for _, url in targets:  # each answers the same bytes, and the cache is warm
        if fetch(url)[2] != body:
            raise StackError(f"{url} does not answer the same bytes")
    say(f"{len(body)} bytes each; wrk -t2 -c{connections} -d{seconds}s, each after 2 s warm-up")
    results = []
    for label, url in targets:
        subprocess.run([wrk, "-t2", f"-c{connections}", "-d2s", url], capture_output=True)
        output = subprocess.run(
            [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        p99 = re.search(r"99%\s+([\d.]+\w+)", output).group(1)
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        results.append((label, rate, p99, int(bad.group(1)) if bad else 0))
    static = results[0][1]
    print(f"{'':30} {'req/s':>10} {'p99':>10} {'of static':>10} {'errors':>7}")
    for label, rate, p99, bad in results:
        print(f"{label:30} {rate:10.0f} {p99:>10} {rate / static:10.3f} {bad:7d}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["up", "down", "check", "bench"])
    parser.add_argument("--seconds", type=int, default=15, help="each wrk run (bench)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (bench)")
    options = parser.parse_args()
    try:
        if options.command == "up":
            up()
        elif options.command == "down":
            down()
        elif options.command == "check":
            with running():
                check()
        else:
            with running():
                bench(options.seconds, options.connections)
    except StackError as error:
        print(f"[stack] FAILED: {error}", file=sys.stderr)
        print(f"[stack] the processes' logs are in {DIR / 'logs'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
