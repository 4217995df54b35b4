# TIP Clearinghouse — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench venv clean messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

## Set up everything (virtualenv, dependencies, database, demo catalogue) and serve on 127.0.0.1:$(PORT)
demo: $(STAMP)
	PORT=$(PORT) $(BIN)/clearinghouse demo --port $(PORT)

## Run the whole test suite (set CLEARINGHOUSE_DATABASE_URL=postgres://… for PostgreSQL)
test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check src tests bench config
	$(BIN)/ruff format --check src tests bench config

## Update the UI catalogues from the sources (makemessages needs GNU gettext), then compile them
LOCALES := fr es ru zh_Hans ar de sq sr sr_Latn bs hr mk
messages: $(STAMP)
	cd src/clearinghouse && ../../$(BIN)/clearinghouse makemessages $(addprefix -l ,$(LOCALES)) \
		--add-location file --no-obsolete --ignore "tests/*"
	$(BIN)/clearinghouse compile_catalogues

## Search benchmark: both backends at 10k and 100k synthetic records (SIZES overrides);
## ingestion benchmark: pages/s for text and scanned PDFs beside the raw libraries;
## gap-matrix benchmark: cold and cached matrix beside its one grouped SQL query (SQLite);
## crash benchmark: 20 kill -9 during a bulk import vs one clean import, backup under load;
## load test: serve --workers 4 under 50 clients on SQLite and PostgreSQL (LOAD_SECONDS, default 180)
## offline edition: build time and size at 10k records, search p95 in headless Chromium
bench: $(STAMP)
	$(BIN)/python bench/search_bench.py $(if $(SIZES),--sizes $(SIZES),)
	$(BIN)/python bench/ingest_bench.py
	$(BIN)/python bench/gap_bench.py $(if $(SIZES),--sizes $(SIZES),)
	$(BIN)/python bench/crash_bench.py
	$(BIN)/python bench/offline_bench.py
	$(BIN)/python bench/load_bench.py $(if $(LOAD_SECONDS),--duration $(LOAD_SECONDS),)

clean:
	rm -rf $(VENV) var
