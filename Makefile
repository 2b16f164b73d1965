# Terrain: two commands for a newcomer (make demo, make test), a few more for developers.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data
LANDING ?= $(DATA)/landing
SEED ?= 7
BENCH_SIZE ?= S

.PHONY: install chromium demo test test-unit lint bench ui clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"

# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set, every terrain, dbt and test
# process would otherwise compile Dagster, dbt and Great Expectations from source again (10-20 s each).
install: $(BIN)/uv
	$(BIN)/uv sync --frozen --extra dev --python $(BIN)/python --compile-bytecode
	$(BIN)/python -m compileall -q orchestration models_ml sample_world benchmarks tests

# The UI test opens the Dagster UI in Debian's chromium: install it when it is missing and apt is there.
chromium:
	@if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then \
		SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$SUDO apt-get install -y chromium || { $$SUDO apt-get update && $$SUDO apt-get install -y chromium; } \
			|| echo "chromium not installed: the UI browser test will be skipped"; \
	fi

demo: install
	@if [ -z "$$(ls -A $(LANDING) 2>/dev/null)" ]; then \
		echo "Generating the size-S sample world into $(LANDING)"; \
		$(BIN)/terrain sample --size S --seed $(SEED) --out $(LANDING); \
	fi
	$(BIN)/terrain run --landing $(LANDING) --data $(DATA)
	@echo ""
	@echo "Outputs: $(DATA)/serving/terrain.duckdb, $(DATA)/serving/parquet/, $(DATA)/serving/crm/account_updates.csv"
	@echo "Open the Dagster UI with: $(BIN)/terrain ui --data $(DATA)   (http://127.0.0.1:3000)"

# Two workers: tests that share an expensive fixture stay on one worker, and the groups that run the
# pipeline are handed out first, in the order tests/conftest.py puts them (not re-sorted by test count).
test: install chromium
	$(BIN)/pytest -q -n 2 --dist loadgroup --no-loadscope-reorder --durations=15

lint: install
	$(BIN)/ruff check .
	mkdir -p $(DATA)/lint
	TERRAIN_DUCKDB_PATH=$(abspath $(DATA))/lint/terrain.duckdb $(BIN)/sqlfluff lint dbt_project/models

test-unit: install
	$(BIN)/pytest -q tests/unit

bench: install
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m benchmarks.run --size $(BENCH_SIZE)

ui: install
	$(BIN)/terrain ui --data $(DATA)

clean:
	rm -rf $(DATA) dbt_project/target dbt_project/logs
