# Board papers portal. `make demo` serves the portal with demo data; `make test` runs every test.
SHELL := /bin/bash
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON_MIN := 3.12

.PHONY: govuk-frontend docx-deps ocr-deps drill-deps demo test lint format ci install system-deps browser-deps clean help

help:
	@echo "make demo   - set up everything and serve the portal with demo data on http://127.0.0.1:$(PORT)"
	@echo "make test   - run the whole test suite (SQLite; set DATABASE_URL for PostgreSQL)"
	@echo "make lint   - ruff check, ruff format --check, makemigrations --check and the import layers"

# A Python >= 3.12: python3.12/3.13/python3 on PATH, or any pyenv version (.python-version asks for 3.12).
define find_python
for cand in "$$PYTHON" python3.14 python3.13 python3.12 python3 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
  [ -n "$$cand" ] || continue; \
  if "$$cand" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then command -v "$$cand" || echo "$$cand"; exit 0; fi; \
done; exit 1
endef

$(BIN)/python:
	@py=$$( $(find_python) ) || { \
	  echo "Python $(PYTHON_MIN) or newer is needed and none was found."; \
	  echo "On Debian or Ubuntu: sudo apt-get install python3.12 python3.12-venv (or use pyenv: pyenv install 3.12)."; \
	  echo "Or name one: make demo PYTHON=/path/to/python3.12"; exit 1; }; \
	echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV)

# constraints.txt pins every package to an exact version, so a fresh machine installs what the
# tests ran with (and packs keep their input hashes).
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $@

install: $(VENV)/.installed system-deps

# Pango and HarfBuzz's subsetter (for WeasyPrint) cannot come from pip: install them with apt
# where we may, else say how.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
system-deps:
	@if ! $(BIN)/python -c "import ctypes.util as u, sys; sys.exit(not (u.find_library('pango-1.0') and u.find_library('harfbuzz-subset')))"; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing $(SYSTEM_PACKAGES) for WeasyPrint (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	  else \
	    echo "WeasyPrint needs Pango and HarfBuzz: sudo apt-get install $(SYSTEM_PACKAGES)"; exit 1; \
	  fi; \
	fi

demo: install ocr-deps
	$(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py load_demo
	DEBUG=1 $(BIN)/python manage.py build_packs
	@echo "Starting the task worker and the web server on http://127.0.0.1:$(PORT) (Ctrl-C stops both)"
	@DEBUG=1 $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Chromium for the browser tests: Debian's package, never a browser download.
browser-deps:
	@if ! command -v chromium >/dev/null && [ -z "$$CHROMIUM" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing chromium for the browser tests (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Chromium (sudo apt-get install chromium); they will be skipped."; \
	  fi; \
	fi

# LibreOffice converts uploaded Word documents to PDF (optional for the demo: without it a
# Word upload is refused with a message saying to save it as PDF). The tests need it.
docx-deps:
	@if ! command -v soffice >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing LibreOffice Writer (no GUI) to convert Word uploads (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null; \
	  else \
	    echo "Word uploads need LibreOffice (sudo apt-get install libreoffice-writer-nogui); their tests will be skipped."; \
	  fi; \
	fi

# Tesseract with English and Welsh reads scanned papers (OCR in the task worker, with OCRmyPDF
# from pip; pages are drawn with PDFium, so no Ghostscript). Without it a scan keeps no text
# (the paper's page says so) and the OCR tests are skipped.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-cym
ocr-deps:
	@if ! command -v tesseract >/dev/null || ! tesseract --list-langs 2>/dev/null | grep -qx cym; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing $(OCR_PACKAGES) to read scanned papers (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(OCR_PACKAGES) >/dev/null; \
	  else \
	    echo "Scanned papers need Tesseract (sudo apt-get install $(OCR_PACKAGES)); their OCR tests will be skipped."; \
	  fi; \
	fi

# nginx and Redis for the two-node drill (tests/test_two_nodes.py, on PostgreSQL only): Debian's
# packages; the drill starts its own of each on free ports. Without them it is skipped.
drill-deps:
	@if ! command -v nginx >/dev/null || ! command -v redis-server >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing nginx and redis-server for the two-node drill (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx redis-server >/dev/null; \
	  else \
	    echo "The two-node drill needs nginx and Redis (sudo apt-get install nginx redis-server); without Redis it is skipped."; \
	  fi; \
	fi

# The tests run on every core (pytest-xdist); each worker has its own test database, media folder
# and demo data. TEST_WORKERS=0 runs them in this one process (easier to debug).
TEST_WORKERS ?= auto
test: install browser-deps docx-deps ocr-deps drill-deps
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# GOV.UK Frontend, from its npm package at this pinned version (never copied by hand): the
# stylesheet is compiled with the council's settings (static/scss/govuk-frontend.scss) and the
# package's JavaScript copied beside it. The output in static/govuk/ is committed with
# static/govuk/VERSION, so `make demo` and `make test` need no Node.js; run this after changing
# the version or the settings (it needs Node.js and npm).
GOVUK_FRONTEND_VERSION := 6.6.0
SASS_VERSION := 1.108.2
GOVUK_BUILD := .build/govuk-frontend
govuk-frontend:
	@command -v npm >/dev/null || { echo "Building GOV.UK Frontend needs Node.js and npm (sudo apt-get install nodejs npm)"; exit 1; }
	mkdir -p $(GOVUK_BUILD)
	[ -f $(GOVUK_BUILD)/package.json ] || (cd $(GOVUK_BUILD) && npm init -y >/dev/null)
	cd $(GOVUK_BUILD) && npm install --silent --save-exact govuk-frontend@$(GOVUK_FRONTEND_VERSION) sass@$(SASS_VERSION)
	$(GOVUK_BUILD)/node_modules/.bin/sass --load-path=$(GOVUK_BUILD)/node_modules --style=compressed --no-source-map \
	  static/scss/govuk-frontend.scss static/govuk/govuk-frontend.min.css
	cp $(GOVUK_BUILD)/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/govuk/
	echo "govuk-frontend $(GOVUK_FRONTEND_VERSION) (npm, MIT licence), compiled with sass $(SASS_VERSION) from static/scss/govuk-frontend.scss" > static/govuk/VERSION
