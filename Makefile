# Seamline — the two set-up commands are `make demo` and `make test`.
# With DATABASE_URL, REDIS_URL and MQTT_URL set, both use those services; without, the embedded
# defaults (SQLite under var/, eager Celery, in-memory channel layer, in-process simulator).

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO_FACTORY ?= zz-lusong
# The demo merchant's webhook receiver (simulation/webhook_receiver.py) listens on loopback,
# which webhooks may reach in the demo only (never in production settings).
WEBHOOK_PORT ?= 8199
PYTEST_ARGS ?=

.PHONY: demo test contract install lint format messages check-translations serve web worker beat ingest clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# seed_demo and run_demo (web, periodic jobs and the floor simulator) are simulation/'s commands.
demo: export ORDERS_WEBHOOK_ALLOWED_NETWORKS = 127.0.0.1/32
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py seed_demo --webhook-port $(WEBHOOK_PORT)
	@echo
	@echo "Seamline is starting at http://$(HOST):$(PORT)/  (log in with a login above, password: seamline-demo)"
	@echo "API docs: http://$(HOST):$(PORT)/api/docs/"
	@echo
	$(PY) manage.py run_demo --host $(HOST) --port $(PORT) --factory $(DEMO_FACTORY) \
		--webhook-port $(WEBHOOK_PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# The API contract (schemathesis against a real server; DATABASE_URL must be PostgreSQL).
contract: install
	bash .ci/contract

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract strings into each app's zh_Hans catalogue, then translate the new entries and compile.
messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-location -i "node_modules/*" -i ".venv/*" \
		-i "var/*" -i "staticfiles/*" -i "tests/*" -i "artifacts/*"
	# compilemessages skips a .mo newer than its .po, which a merge can make stale: start afresh.
	find . -path ./node_modules -prune -o -path ./.venv -prune -o -name django.mo -print | xargs -r rm
	$(PY) manage.py compilemessages -i .venv -i node_modules

check-translations: install
	$(PY) manage.py check_translations

# The real runtime, one process each (see README.md). `serve` is one daphne for HTTP and
# WebSockets (development); `web` is the production web tier: gunicorn workers for HTTP on PORT
# and daphne for /ws/ on WS_PORT, joined by nginx (deploy/web/serve, docs/operations.md).
WS_PORT ?= 8001
serve: install
	$(BIN)/daphne -b $(HOST) -p $(PORT) config.asgi:application
web: install
	BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) WS_PORT=$(WS_PORT) bash deploy/web/serve
worker: install
	$(BIN)/celery -A config worker --loglevel=INFO
beat: install
	$(BIN)/celery -A config beat --loglevel=INFO
ingest: install
	$(PY) manage.py ingest_mqtt

clean:
	rm -rf var staticfiles artifacts
