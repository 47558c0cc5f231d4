# Everything a fresh clone needs, in two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export TERMINPRAXIS_CONFIG ?= config/demo-office.toml
export TERMINPRAXIS_DATABASE ?= instance/terminpraxis.db

.PHONY: run test bench setup assets test-tools translations lock clean screenshots cluster cluster-tools

run: setup
	$(BIN)/terminpraxis init-db
	$(BIN)/terminpraxis demo
	$(BIN)/python run_kiosk.py --host $(HOST) --port $(PORT)

test: setup test-tools cluster-tools
	bash tools/with-redis.sh $(BIN)/python -m pytest -q

# The README's pictures (docs/screenshots/*.png), taken by a browser test against the demo office.
screenshots: setup test-tools
	TERMINPRAXIS_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/test_screenshots.py

# A big office on one host: Redis, PROCESSES × run_kiosk.py on one database, nginx in front
# (ports printed; Ctrl-C stops everything). docs/deployment.md explains it.
PROCESSES ?= 3
CLUSTER_PORT ?= 8080
cluster: setup cluster-tools
	$(BIN)/terminpraxis init-db
	$(BIN)/terminpraxis demo
	PROCESSES=$(PROCESSES) CLUSTER_PORT=$(CLUSTER_PORT) HOST=$(HOST) $(BIN)/python tools/cluster.py

cluster-tools:
	@if ! command -v redis-server >/dev/null || [ ! -x /usr/sbin/nginx ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server nginx >/dev/null; \
	fi

# Benchmarks (never part of `make test`); the board fan-out's message-queue row needs a throw-away Redis.
bench: setup
	@if command -v redis-server >/dev/null; then bash tools/with-redis.sh $(BIN)/python -m bench; \
	else $(BIN)/python -m bench; fi

setup: $(VENV)/.installed static/vendor/.installed translations

# Compile each surface's message catalogues (.po → .mo).
translations: $(VENV)/.installed
	@for d in kiosk display desk booking_public; do \
		if [ -n "$$(ls $$d/translations/*/LC_MESSAGES/*.po 2>/dev/null)" ]; then \
			$(BIN)/pybabel compile -d $$d/translations || exit 1; \
		fi; \
	done

# Exactly the versions in constraints.txt (the Python lock; pyproject.toml keeps the lower bounds).
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,printer]'
	touch $@

# Third-party browser files come from npm and are copied to static/vendor (never committed).
static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor && mkdir -p static/vendor/fonts
	cp node_modules/socket.io-client/dist/socket.io.min.js static/vendor/
	cp node_modules/axe-core/axe.min.js static/vendor/
	cp -r node_modules/@fontsource/atkinson-hyperlegible/files static/vendor/fonts/atkinson-hyperlegible
	cp -r node_modules/@fontsource/noto-sans/files static/vendor/fonts/noto-sans
	cp -r node_modules/@fontsource/noto-sans-arabic/files static/vendor/fonts/noto-sans-arabic
	touch $@

# Test-only system tools from Debian's packages: Chromium for browser tests, Redis for the
# message-queue mode, espeak-ng for the board's spoken call (the product runs without it, silently
# falling back to the browser's voices). Skipped when already there, so a repeated `make test` stays fast.
test-tools:
	@if [ ! -x /usr/bin/chromium ] || ! command -v redis-server >/dev/null || ! command -v espeak-ng >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium redis-server espeak-ng >/dev/null; \
	fi

# Renew both locks to the newest versions pyproject.toml and package.json allow (docs/dependencies.md).
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet pip-tools
	.venv-lock/bin/pip-compile --quiet --upgrade --extra test --extra printer --strip-extras \
		--no-emit-index-url --no-emit-find-links --no-emit-trusted-host -o constraints.txt pyproject.toml
	npm install --package-lock-only --no-audit --no-fund --loglevel=error

clean:
	rm -rf $(VENV) .venv-lock node_modules static/vendor
