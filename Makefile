# Two commands for a newcomer: `make demo` and `make test`. Needs only Python >= 3.11, make, git.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint messages makemessages stop bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Courtyard needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

.env:
	cp .env.example .env

setup: $(STAMP) .env messages

# Compiled catalogues are built by a pure-Python tool, so GNU gettext is not needed.
messages: $(STAMP)
	$(BIN)/python scripts/compile_messages.py

# Maintainers only (needs GNU gettext): refresh the .po files from the source.
makemessages: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'static/vendor/*' --ignore 'tests/*' --ignore 'var/*' --ignore 'bench/*'

demo: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/honcho -f Procfile.demo start

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r portal tickets notices surveys events communications -x '*/migrations/*' -ll

# The benchmark harness (bench/README.md): BENCH_ARGS="--scale 0.01" for a quick smoke run.
bench: setup
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Stops the private Redis that the project starts when REDIS_URL is not set.
stop: $(STAMP)
	$(BIN)/python -c 'from pathlib import Path; from portal.embedded_redis import stop; stop(Path("var/redis"))'

clean: stop
	rm -rf var staticfiles
