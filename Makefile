# Agora. `make run` starts the fleet, `make test` runs every test; both install
# what they need first. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.9.30
PYTHON ?= python3
UV := $(PYTHON) -m uv
PYTEST_ARGS ?=

.PHONY: soak chaos chaos-full chaos-rebalance chaos-skew chaos-slow console help install run test lint format format-check typecheck imports pins up down bench generate images clean audit sbom http

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# Python's bytecode of every module, the dependencies' and Agora's own, written at
# install (only what changed since the last one): with PYTHONDONTWRITEBYTECODE set, as
# on some machines and CI runners, Python never caches it, and each process compiled
# ~6 s of sources at start (ADR 0128).
BYTECODE_DIRS = .venv/lib $(wildcard libs/*/src services/*/src) gateway/src cli/src tools/src

install: ## Install uv and every package of the workspace into .venv
	@$(UV) --version 2>/dev/null | grep -q "uv $(UV_VERSION)" || \
		$(PYTHON) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@$(UV) sync --all-packages --quiet
	@$(UV) run --no-sync python -m compileall -q -j 0 $(BYTECODE_DIRS)

console: install ## Build the web console (console/dist, served by the gateway at /console/) when its sources changed
	$(UV) run python -m agora_tools.console

run: install console ## Start the gateway and the five services, all-in-one, on embedded PostgreSQL
	$(UV) run agora run $(ARGS)

test: install lint console ## Lint, build the console, then run the whole test suite
	$(UV) run pytest $(PYTEST_ARGS)

lint: install format-check typecheck imports ## ruff, mypy, the import contracts and module sizes
	$(UV) run ruff check .
	$(UV) run python tools/module_sizes.py

format-check:
	$(UV) run ruff format --check .

format: install ## Format and fix what ruff can
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

typecheck:
	$(UV) run mypy libs/agora-kit/src libs/agora-contracts/src services/*/src gateway/src gateway/bench cli/src tools \
		libs/agora-kit/tests cli/tests gateway/tests services/user/tests services/catalog/tests services/notification/tests services/order/tests services/payment/tests tests

imports: ## Fail when one service imports another, or a layer of a service one above it
	$(UV) run lint-imports

pins: install ## Re-resolve to the newest versions and pin them in pyproject.toml
	$(UV) lock --upgrade
	$(UV) run python tools/pin_versions.py

audit: install ## pip-audit the environment (needs the vulnerability service; SERVICE=osv|pypi), allow-list tools/pip-audit-allow.toml
	$(UV) run python -m agora_tools.supply_chain audit --service $(or $(SERVICE),osv)

sbom: install ## Write a CycloneDX SBOM of the environment to build/sbom.cdx.json
	$(UV) run python -m agora_tools.supply_chain sbom build/sbom.cdx.json

up: install ## Start the distributed fleet natively: each part its own process, PostgreSQL, Kafka, Jaeger
	$(UV) run agora-fleet up

down: ## Stop what `make up` started
	$(UV) run agora-fleet down

chaos: install ## On the fleet `make up` started: 500 checkouts while every part (gateway, services) is killed in turn at random and the Kafka broker twice for 30 s, then an audit; 120 checkouts and one outage in `make test`
	$(UV) run agora-chaos --scenario every-part-kill --checkouts 500 --stock 200 --broker-outages 2 $(ARGS)

chaos-full: install ## `agora run` killed 5 times (with its PostgreSQL every other time) during 200 checkouts, then the audit; then `make chaos-slow`, `make chaos-rebalance` and `make chaos-skew`; short versions are in `make test`
	$(UV) run agora-chaos --scenario agora-run-kill --checkouts 200 --kills 5 $(ARGS)
	$(MAKE) chaos-slow
	$(MAKE) chaos-rebalance
	$(MAKE) chaos-skew

chaos-rebalance: install ## On the fleet `make up` started: the order service scaled from 1 process to 3 and back to 1 (SIGTERM) during 500 checkouts, its consumer group rebalancing, then the audit; 100 checkouts in `make test`
	$(UV) run agora-chaos --scenario rebalance --victim order --checkouts 500 --stock 200 $(ARGS)

chaos-skew: install ## On the fleet `make up` started with AGORA_FLEET_PAYMENT_PROVIDER=stripe-mock: the user, order and payment service each in turn with its clock 2 minutes ahead and then 2 minutes behind (libfaketime) during 200 checkouts, tokens, webhooks and holds checked, then the audit; payment 2 minutes behind, 30 checkouts, in `make test`
	for victim in user order payment; do for skew in 120 -120; do \
		$(UV) run agora-chaos --scenario skew --victim $$victim --skew=$$skew --checkouts 200 $(ARGS) || exit 1; \
	done; done

chaos-slow: install ## On the fleet `make up` started with AGORA_FLEET_PAYMENT_PROVIDER=stripe-mock: the order service's PostgreSQL, then Stripe, 30 s slow (5 s latency) and 30 s cut off (connection resets) during 200 checkouts each, then the audit
	$(UV) run agora-chaos --scenario slow-db --victim order --checkouts 200 --fault-seconds 30 $(ARGS)
	$(UV) run agora-chaos --scenario slow-stripe --checkouts 200 --fault-seconds 30 $(ARGS)

soak: install ## 10 minutes of the journeys' mix through the gateway of `agora run` (Locust): errors, p50/p99, memory growth; report in docs/bench/soak.md
	$(UV) run agora-soak --seconds 600 --report docs/bench/soak.md $(ARGS)

bench: install ## Benchmarks: the request ladder (floor, catalog, gateway, nginx), the event pipeline, checkout, catalog search, search by meaning (recall and latency); reports in docs/bench/
	$(UV) run python gateway/bench/gateway_bench.py $(ARGS)
	$(UV) run python gateway/bench/events_bench.py
	$(UV) run python gateway/bench/checkout_bench.py
	$(UV) run python services/catalog/bench/search_bench.py
	$(UV) run python services/catalog/bench/semantic_bench.py

generate: install ## Rewrite the generated files (dashboards, configuration reference, kustomize base, docs/api/openapi.json, problem pages bundle, clients/)
	$(UV) run agora-ops generate

http: install ## Send docs/api/journeys.http to `make run` (ADMIN=you@example.com, AGORA_ADMIN_PASSWORD or a prompt)
	@test -n "$(ADMIN)" || { echo "make http ADMIN=you@example.com (an admin's email)" >&2; exit 2; }
	$(UV) run agora-ops http --admin-email "$(ADMIN)" $(ARGS)

images: install ## Build every part's image with podman (base image from Debian's packages, no registry needed)
	$(UV) run agora-images $(ARGS)

clean: ## Remove the virtualenv, caches and the all-in-one data directory
	rm -rf .venv .agora .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
