# gatekit.devstack: the two commands are `make gate` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV := $(CURDIR)/.venv
export PATH := $(VENV)/bin:$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
# Job spec for `make gate` (a Zuul-v3-shaped job); ZUUL_CONFIG + JOB_NAME pick a job
# from a zuul.d directory instead.
JOB ?= jobs/default.yml
ZUUL_CONFIG ?=
JOB_NAME ?=
KEEP_WORKERS ?= 0
GATE_ARGS ?=
# `make gate` prints the gate's own progress report (plugins/callback/gate.py; Ansible's
# whole output goes to builds/<id>/ansible.log); V=1 gives Ansible's usual output instead.
V ?= 0
GATE_OUTPUT := $(if $(filter-out 0,$(V)),,ANSIBLE_STDOUT_CALLBACK=gatekit.devstack.gate)

DEST ?= builds/jobs

.PHONY: help setup setup-gate gate test lint sanity units pytest molecule bench docs clean jobs
help:
	@echo "make gate   - run the whole gate (image -> workers -> devstack -> tempest -> report); V=1: Ansible's output"
	@echo "make test   - linters, ansible-test sanity + units, pytest, molecule, an end-to-end gate"
	@echo "make setup  - install what the two commands need (idempotent; make gate installs only its own part)"
	@echo "make jobs   - render a job spec as zuul.d, JJB + Jenkins XML, nodepool (JOB=..., DEST=...)"
	@echo "make bench | docs | clean"

setup:
	@bash tools/setup.sh --validators

# What the gate needs; the zuul and nodepool validator venvs are for the tests only.
setup-gate:
	@bash tools/setup.sh

gate: setup-gate
	$(GATE_OUTPUT) ansible-playbook site.yml -e gate_job_file=$(abspath $(JOB)) \
	  $(if $(ZUUL_CONFIG),-e gate_zuul_config=$(abspath $(ZUUL_CONFIG)) -e gate_zuul_job=$(JOB_NAME)) \
	  -e gate_keep_workers=$(KEEP_WORKERS) $(GATE_ARGS)

test: setup
	@bash tools/run-tests.sh all

# pytest runs the zuul / nodepool validators; the other steps need only the gate's toolchain.
pytest: setup
	@bash tools/run-tests.sh $@

lint sanity units molecule: setup-gate
	@bash tools/run-tests.sh $@

jobs: setup-gate
	ansible-playbook playbooks/jobs.yml -e job_file=$(abspath $(JOB)) -e jobs_dest=$(abspath $(DEST))

bench: setup-gate
	@bash bench/run.sh

docs: setup-gate
	@bash tools/build-docs.sh

clean:
	@bash tools/clean.sh
