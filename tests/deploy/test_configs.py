"""The production files in deploy/: Gunicorn's workers follow the cores, nginx accepts its
configuration, and the units start what the repository holds."""

from __future__ import annotations

import multiprocessing
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_gunicorn_takes_its_workers_from_the_cores(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert config["preload_app"] and config["accesslog"] is None
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("PORTAL_BIND", "127.0.0.1:8001")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert (config["workers"], config["bind"]) == (3, "127.0.0.1:8001")


def test_the_units_run_what_the_repository_holds():
    web = (DEPLOY / "systemd" / "portal-web@.service").read_text()
    assert "-c deploy/gunicorn.conf.py portal.wsgi" in web
    assert "PORTAL_BIND=127.0.0.1:%i" in web
    worker = (DEPLOY / "systemd" / "portal-worker@.service").read_text()
    assert "celery -A portal worker" in worker
    beat = (DEPLOY / "systemd" / "portal-beat.service").read_text()
    assert "celery -A portal beat" in beat
    for unit in (web, worker, beat):
        assert "EnvironmentFile=/etc/portal/portal.env" in unit


def test_nginx_accepts_the_configuration(tmp_path):
    nginx = shutil.which("nginx")
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    site = (DEPLOY / "nginx" / "portal.conf").read_text()
    site = site.replace("/var/cache/nginx/portal", str(tmp_path / "cache"))
    (tmp_path / "portal.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/body; "
        f"proxy_temp_path {tmp_path}/proxy; include {tmp_path}/portal.conf; }}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
