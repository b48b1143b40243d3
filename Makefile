# Build and test harness of the tencent.qcloud collection.
#
#   make test              venv + sanity, simulator tests, units, integration (newest and oldest
#                          ansible-core), reliability, AWX, docs, galaxy, lint, secret scan; one summary
#   make sanity | units | integration | simulator-tests | secret-scan    one step
#   make demo              build + install the collection, run examples/ against the simulator
#   make clean             remove build/ and the venv
#
# Everything is installed by this Makefile into $(VENV) (Python 3.12 when available, which gives
# ansible-core 2.21; else python3 with a warning). A stamp file keyed on the requirements files
# keeps reruns from reinstalling. Tests run in a real copy of the collection at $(COPY), because
# ansible-test needs the path .../ansible_collections/tencent/qcloud.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

VENV ?= .venv
PY := $(VENV)/bin/python
COPY := build/collections/ansible_collections/tencent/qcloud
DEMO_COLLECTIONS := build/demo-collections
DEMO_SIM := build/demo-sim
export VENV

REQ_FILES := requirements-dev.txt $(wildcard tests/simulator/requirements.txt tests/simulator/requirements-test.txt)
STAMP := $(VENV)/.make-stamp

.PHONY: test sanity units integration simulator-tests secret-scan demo clean venv copy setup

# The venv: hack/bootstrap.sh itself skips the install when its own hash of the requirements is
# unchanged; make only calls it when a requirements file is newer than the stamp.
$(STAMP): $(REQ_FILES) hack/bootstrap.sh hack/python.sh
	bash hack/bootstrap.sh $(VENV)
	$(PY) hack/seed_get_pip.py
	touch $@

venv: $(STAMP)

# The copy is refreshed on every run (cheap): it always matches the work tree.
copy: $(STAMP)
	bash hack/copy_collection.sh $(COPY) >/dev/null

setup: venv copy

# The steps of `make test`, in order; the secret scan always comes last and reads every output.
# A step is a function of hack/run_tests.sh or a script hack/steps/NAME.sh; A+B runs both at once.
# What runs where, all at once (each with its own simulator, copy or build dir; none writes where
# another reads, though several read the project venv):
#   galaxy               first in line for the CPU (the rest at nice 10; hack/run_tests.sh step_nice): galaxy-importer
#                        gives its ansible-lint run a fixed time (180 s, hard-coded), so it must not
#                        wait behind the others; it ends within the first minute or so
#   sanity, units        each in a copy of its own (build/collections-sanity, -units)
#   integration          newest ansible-core, every target but those of integration-side(2)
#   integration-side     newest ansible-core, the rest in two parts, each beside the others
#   integration-side2    (their lists: hack/steps/integration-side.sh; integration-side2.sh links to it)
#   oldest-core          on 2.16: units, the targets whose outcome ansible-core can change (the
#                        list and the reasons: hack/steps/oldest-core.sh), and within it, beside
#                        them, `lag` (hack/steps/lag.sh): the targets that cover every wait, with
#                        the simulator's reads lagging behind its writes
#   reliability          tests/reliability (fault matrix, races, deadlines, hostile input)
#   simulator-tests      pytest tests/simulator/tests: in-process simulators on free ports; it
#                        mostly waits on simulated time (15 CPU-s in 50 s)
#   awx docs lint        their own tools venvs and build/ dirs
# then secret-scan: every log, every copy's tests/output, every simulator's secrets.
# Much of the group waits (simulated tasks, pip on a clean clone), the rest keeps both cores busy;
# alone, any step of it gives the same result. run_tests.sh prints wall and CPU seconds per step.
TEST_STEPS := galaxy+sanity+units+integration+integration-side+integration-side2+oldest-core+reliability+simulator-tests+awx+docs+lint

test: setup
	bash hack/run_tests.sh $(TEST_STEPS) secret-scan

# Any single step, e.g. `make step-integration`, then the secret scan of what it wrote.
step-%: setup
	bash hack/run_tests.sh $* secret-scan

sanity: setup
	bash hack/run_tests.sh sanity

simulator-tests: setup
	bash hack/run_tests.sh simulator-tests

units: setup
	bash hack/run_tests.sh units

# integration (its three parts, side by side) is followed by the secret scan of its output
integration: setup
	bash hack/run_tests.sh integration+integration-side+integration-side2 secret-scan

secret-scan: setup
	bash hack/run_tests.sh secret-scan

demo: setup
	bash hack/demo.sh

clean:
	-$(PY) hack/sim.py stop build/sim >/dev/null 2>&1
	-$(PY) hack/sim.py stop $(DEMO_SIM) >/dev/null 2>&1
	rm -rf build $(VENV)

# ---- docs, packaging and AWX (owner: docs/EE/AWX) ----------------------------------------------
# make docs          lint the docs and changelog, build the HTML site offline (build/docs/html)
# make galaxy        build the tarball and run galaxy-importer on it (no error, no warning)
# make lint          ansible-lint, production profile, on examples/, awx/ and the integration targets
# make awx           ansible-builder create/introspect and AWX-style ansible-runner jobs on the simulator
# make oldest-core   units and integration on the oldest supported ansible-core (2.16)
# Each step installs its own tools into .venv-NAME on first use (make clean-tools removes them).
.PHONY: docs galaxy lint awx oldest-core clean-tools
docs galaxy lint awx oldest-core: setup
	bash hack/run_tests.sh $@ secret-scan

clean-tools:
	rm -rf .venv-docs .venv-galaxy .venv-lint .venv-awx .venv-core216
# ---- end docs, packaging and AWX -----------------------------------------------------------------

# ---- soak (tests/reliability owner; not part of `make test`) ----------------------------------
# 2,000 attach/detach/move operations over 100 ENIs, rate limits on, ~5% faults; prints its figures.
.PHONY: soak
soak: setup
	$(PY) hack/soak.py
# ---- end soak ----------------------------------------------------------------------------------

# ---- bench (owner: benchmarks; not part of `make test`) ----------------------------------------
# make bench   API calls, wait latency, module overhead, amazon.aws.ec2_eni on moto side by side, fleet
#              and scaling against the simulator, the qcloud_cvm inventory of 500 and 5,000 instances
#              beside amazon.aws.aws_ec2 on moto; prints one table, writes build/bench/results.json,
#              bench/results.json, docs/benchmarks-*.png and docs/benchmarks.md. Installs its own
#              .venv-bench (bench/requirements.txt) on first use; offline, loopback only.
.PHONY: bench
bench:
	bash bench/setup.sh .venv-bench
	.venv-bench/bin/python bench/bench.py
# ---- end bench ---------------------------------------------------------------------------------
