# Union Pathways: `make run` starts the demo, `make test` runs the suite.
# Both create .venv and install the pinned dependencies (requirements.lock) first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages the product needs: CJK fonts and HarfBuzz subsetting for PDF certificates.
APT_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0
# Extra Debian packages for the test suite: Chromium for the browser tests, GNU gettext for the
# test that re-extracts the messages and compares them with the committed catalogue.
APT_TEST_PACKAGES := chromium gettext
# Folders makemessages skips; tests/test_i18n.py passes the same patterns.
MESSAGES_IGNORE := .venv/* var/* test-artifacts/* bench/* tests/*

.PHONY: run test sysdeps sysdeps-test install install-test lint messages clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python >= 3.11 is required (found $$($(PYTHON) --version))."; exit 1; }
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
		rm -rf $(VENV); \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); \
		else echo "Cannot create a virtualenv: install python3-venv (sudo apt-get install python3-venv)."; exit 1; fi; }
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml requirements.lock
	$(PY) -m pip install -q -c requirements.lock -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -c requirements.lock -e '.[test]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Install missing Debian packages with apt-get when we can; otherwise name them and stop.
define apt_ensure
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing system packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else echo "Missing system packages:$$missing. Install them with: sudo apt-get install$$missing"; exit 1; fi; \
	fi
endef

sysdeps:
	$(call apt_ensure,$(APT_PACKAGES))

sysdeps-test: sysdeps
	$(call apt_ensure,$(APT_TEST_PACKAGES))

run: install sysdeps
	@mkdir -p var
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) load_demo_data
	@# The background-task worker (bulk certificate issue, search index) runs beside the web
	@# server, quietly: a task's outcome is kept in the database and shown where it matters.
	$(MANAGE) db_worker -v 0 & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(MANAGE) runserver $(HOST):$(PORT)

test: install-test sysdeps-test
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .

# Re-extract the msgids into the English catalogue and compile it (needs GNU gettext). The
# translations are edited in locale/en/LC_MESSAGES/django.po; the .po and .mo are committed.
messages: install
	$(call apt_ensure,gettext)
	$(MANAGE) makemessages -l en $(foreach p,$(MESSAGES_IGNORE),--ignore '$(p)')
	$(MANAGE) compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var
