#!/usr/bin/env bash
# `make docs`: regenerate docs/reference/ from the modules', filters' and roles' own docs,
# and the changelog from the fragments.
set -euo pipefail
cd "$(dirname "$0")/.."
export ANSIBLE_CONFIG=$PWD/ansible.cfg
.venv/bin/python tools/gen_docs.py
.venv/bin/antsibull-changelog lint
echo "docs: changelog fragments are valid (CHANGELOG.rst is written at release: antsibull-changelog release)"
