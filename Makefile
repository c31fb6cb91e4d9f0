# The two commands: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# Production-like settings for `check --deploy`; nothing here is a real secret.
DEPLOY_ENV := DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=portal.example.gov.cn \
	DJANGO_SECRET_KEY=deploy-check-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ

.PHONY: run test apicheck lint worker beat migrate demo bench bench-http stack replica backup restore clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo
	$(MANAGE) runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(DEPLOY_ENV) $(MANAGE) check --deploy --fail-level WARNING
	$(BIN)/pytest $(PYTEST_ARGS)

# Schemathesis against the live API schema, anonymously and as each demo role. Needs
# DATABASE_URL: a database of its own, migrated, given the demo data and changed by the run.
apicheck: $(VENV)/.installed-dev
	.ci/apicheck

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

worker: $(VENV)/.installed
	$(BIN)/celery -A portal worker --loglevel=INFO

beat: $(VENV)/.installed
	mkdir -p var
	$(BIN)/celery -A portal beat --loglevel=INFO --schedule=var/celerybeat-schedule

migrate: $(VENV)/.installed
	$(MANAGE) migrate --no-input

demo: $(VENV)/.installed
	$(MANAGE) load_demo

# Benchmarks print their figures; run them on PostgreSQL (set DATABASE_URL) for the targets.
bench: $(VENV)/.installed
	$(MANAGE) migrate --no-input
	$(MANAGE) bench_sweep --n $(or $(N),100000)
	$(MANAGE) bench_drafts --n $(or $(DRAFTS),200)
	$(MANAGE) bench_public --replies $(or $(REPLIES),100000)
	$(MANAGE) bench_stats --items $(or $(ITEMS),100000)
	$(MANAGE) bench_similar --items $(or $(SIMILAR),100000)

# The production shape on loopback (deploy/stack.py): nginx, two Gunicorns, two workers and
# beat on PostgreSQL and a Redis of their own. `make stack` runs the end-to-end check;
# `make bench-http` measures throughput with wrk. Both stop what they started.
stack: $(VENV)/.installed
	$(BIN)/python deploy/stack.py check

bench-http: $(VENV)/.installed
	$(BIN)/python deploy/stack.py bench --seconds $(or $(BENCH_SECONDS),15)

# A PostgreSQL streaming standby of the primary on 127.0.0.1:5433 for DATABASE_REPLICA_URL
# (deploy/pg-replica.sh, as root): `make replica`, or CMD=status|stop|remove.
replica:
	deploy/pg-replica.sh $(or $(CMD),start)

# Backup and restore of the database and uploaded files, DATABASE_URL and MEDIA_ROOT as the
# portal reads them: `make backup [KEEP=14]`; `make restore FROM=<dir> [ARGS=--create]`.
backup:
	deploy/backup.sh $(if $(KEEP),--keep $(KEEP))

restore: $(VENV)/.installed
	@test -n "$(FROM)" || { echo "usage: make restore FROM=<backup dir> [ARGS=--create|--force]" >&2; exit 2; }
	PORTAL_PYTHON=$(abspath $(BIN)/python) deploy/restore.sh $(ARGS) $(FROM)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
