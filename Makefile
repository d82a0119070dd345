# Two entry points: `make demo` runs the product, `make test` runs every check.
VENV ?= .venv
PYTHON ?= python3
SUNSHINE := $(VENV)/bin/sunshine
SUNSHINE_PORT ?= 8000
export SUNSHINE_PORT

.PHONY: demo test install bench lint messages

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

install: $(VENV)/.installed

demo: install
	$(SUNSHINE) migrate --noinput
	$(SUNSHINE) load_regions
	$(SUNSHINE) demo --if-empty
	$(SUNSHINE) runserver 127.0.0.1:$(SUNSHINE_PORT) --noreload

test: install
	VENV=$(VENV) scripts/run-tests

bench: install
	VENV=$(VENV) $(VENV)/bin/python -m bench

messages: install
	VENV=$(VENV) scripts/compile-messages
