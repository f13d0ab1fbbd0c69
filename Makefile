# Two commands for a newcomer: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: install run serve test lint check browser lock bench worker load clean

# Idempotent: re-installs only when the lock file changed.
install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

# Regenerate the pinned lock after changing pyproject.toml dependencies.
lock:
	$(PYTHON) -m venv /tmp/taphuan-lock && /tmp/taphuan-lock/bin/pip install --quiet ".[dev]" \
	  && /tmp/taphuan-lock/bin/pip freeze --exclude taphuan > requirements.lock && rm -rf /tmp/taphuan-lock

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_units --province 02 --province 08
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py load_demo
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production server on this machine: gunicorn (workers from the CPU count), static files
# hashed and pre-compressed by collectstatic and served by whitenoise, pages gzip-compressed.
# Needs SECRET_KEY (and DATABASE_URL for PostgreSQL); see deploy/ and README «Production».
serve: install
	$(PY) manage.py migrate --no-input
	DJANGO_DEBUG=False $(PY) manage.py collectstatic --no-input --verbosity 0
	DJANGO_DEBUG=False $(VENV)/bin/gunicorn -c config/gunicorn.py config.wsgi

# A bounded load test of the API list pages against a running `make serve` (another terminal):
# 20 clients for 60 s; fails when a request fails or the 95th percentile exceeds 200 ms.
LOAD_USER ?= bantuyengiao
LOAD_HOST ?= http://127.0.0.1:$(PORT)
load: install
	LOAD_TOKEN=$$($(PY) manage.py drf_create_token $(LOAD_USER) | awk '{print $$3}') \
	  $(VENV)/bin/locust -f tests/load/locustfile.py --headless --host $(LOAD_HOST) \
	  --users 20 --spawn-rate 20 --run-time $${LOAD_TIME:-60s} --only-summary

# Browser tests drive Debian's chromium; install it when we are allowed to (root, apt).
browser:
	@test -x $(CHROMIUM) || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] \
	  && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "warning: $(CHROMIUM) missing: browser tests will be skipped"; }

# Every test, on as many workers as the machine has cores (pytest-xdist; each worker has its
# own test database and media folder; a test module stays on one worker, so module fixtures
# such as the production server start once). TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto
test: install browser
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Style, types and a security scan (bandit: nothing of medium or high severity may stand).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/bandit -q -ll -r access api audit backup certificates config coverage jobs people training -x '*/migrations/*'

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

worker: install
	$(PY) manage.py db_worker

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm .pytest_cache .ruff_cache .mypy_cache
