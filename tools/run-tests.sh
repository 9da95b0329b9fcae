#!/usr/bin/env bash
# The test suite behind `make test`: every step runs, each is timed, and a summary
# table ends the output. Exit non-zero if any step failed.
# Usage: run-tests.sh all | lint | sanity | units | pytest | molecule | e2e | release
set -uo pipefail
cd "$(dirname "$0")/.." || exit
ROOT=$PWD
export ANSIBLE_CONFIG=$ROOT/ansible.cfg PATH=$ROOT/.venv/bin:$PATH
export ANSIBLE_FORCE_COLOR=${ANSIBLE_FORCE_COLOR:-0} PY_COLORS=${PY_COLORS:-0}
results=()
failed=0
tmpdirs=()
trap 'rm -rf "${tmpdirs[@]}"' EXIT

step() {  # step NAME CMD...
  local name=$1; shift
  local t0=$SECONDS
  printf '\n===== [%s] %s =====\n' "$(date +%H:%M:%S)" "$name"
  "$@"
  local rc=$?
  local dt=$((SECONDS - t0))
  results+=("$(printf '%-44s %-5s %5ss' "$name" "$([ $rc -eq 0 ] && echo ok || echo FAIL)" "$dt")")
  [ $rc -eq 0 ] || failed=1
  return 0
}

collection_copy() {
  # ansible-test wants the tree at ansible_collections/<ns>/<name>: a temporary copy
  # of the tracked (and new, not ignored) files.
  # Outside the checkout: inside it, ansible-test would list files with the outer git.
  local base
  base=$(mktemp -d "${TMPDIR:-/tmp}/gatekit-ansible-test.XXXXXX")
  tmpdirs+=("$base")
  local dst=$base/ansible_collections/gatekit/devstack
  mkdir -p "$dst"
  # What the collection ships (galaxy.yml build_ignore) plus tests/unit and tests/sanity:
  # molecule scenarios, benchmarks, tools and the functional tests are not collection content.
  git -C "$ROOT" ls-files -co --exclude-standard -z \
    | grep -zvE '^(molecule|bench|tools|tests/functional)/' \
    | rsync -a --from0 --files-from=- "$ROOT/" "$dst/"
  COPY=$dst
}

shell_scripts() {  # every tracked shell script, NUL-separated
  # *.sh and *.bash (DIB sources environment.d/*.bash), files with an sh/bash shebang
  # (DIB element scripts have no extension) and sourced files that name their shell in a
  # `# shellcheck shell=` directive on their first line (openrc). Jinja templates are not
  # shell until rendered.
  local f line shebang='^#!.*[/ ](ba)?sh([[:space:]]|$)'
  git ls-files -z | while IFS= read -r -d '' f; do
    case "$f" in
      *.j2) continue ;;
      *.sh | *.bash) printf '%s\0' "$f"; continue ;;
    esac
    if [ ! -f "$f" ] || [ -L "$f" ]; then continue; fi
    line=; IFS= read -r line < "$f"
    if [[ $line =~ $shebang || $line == '# shellcheck shell='* ]]; then printf '%s\0' "$f"; fi
  done
}

do_lint() {
  step "yamllint" yamllint -s .
  step "ruff" ruff check .
  step "ansible-lint (production)" ansible-lint --profile production
  step "shellcheck" xargs -0r -a <(shell_scripts) shellcheck
}

do_sanity() {
  local dst; collection_copy; dst=$COPY
  step "ansible-test sanity" bash -c "cd '$dst' && ansible-test sanity --local --python 3.11 --color no"
}

do_units() {
  local dst; collection_copy; dst=$COPY
  step "ansible-test units" bash -c "cd '$dst' && ansible-test units --local --python 3.11 --color no"
}

do_pytest() {
  if [ -d tests/functional ]; then
    step "pytest (functional)" pytest -q -p no:cacheprovider tests/functional
  fi
}

do_molecule() {
  local f s
  # The default job's full tempest selection already runs in the end-to-end gate and in
  # the Zuul playbooks test; the tempest scenario checks its own cases (failing test,
  # broken plugin, missing list, non-voting) on a smaller selection: two tempest identity
  # modules and keystone-tempest-plugin (its tests mostly skip by feature flag, in seconds).
  export GATEKIT_TEMPEST_REGEX=${GATEKIT_TEMPEST_REGEX:-'^(tempest\.api\.identity\.v3\.test_(tokens|projects)|keystone_tempest_plugin\.)'}
  for f in molecule/*/molecule.yml; do
    [ -e "$f" ] || continue  # no scenario: the pattern stays unexpanded
    s=${f#molecule/}; s=${s%/molecule.yml}
    step "molecule $s" molecule test -s "$s"
  done
}

do_e2e() {
  # The README's main command, as a user runs it (its output captured, the workers held),
  # then its report in a real browser, then the secrets check against the held workers
  # (tests/functional/test_gate_secrets.py), then the teardown as a step of its own, so the
  # workers are removed whatever the checks found. Its output is the gate's own report, as
  # `make gate` prints it (stages, progress, failures, verdict); Ansible's whole output is in
  # builds/latest/ansible.log, which the secrets check reads with the rest of the build.
  local out
  out=$(mktemp "${TMPDIR:-/tmp}/gatekit-e2e-output.XXXXXX"); tmpdirs+=("$out")
  # shellcheck disable=SC2016  # $1 and $2 are the inner shell's arguments
  step "end-to-end: ansible-playbook site.yml" bash -c 'set -o pipefail
    ANSIBLE_STDOUT_CALLBACK=gatekit.devstack.gate ansible-playbook site.yml -e gate_job_file="$1" -e gate_keep_workers=true 2>&1 | tee "$2"' \
    _ "$ROOT/jobs/default.yml" "$out"
  step "end-to-end: the gate report in Chromium" env GATEKIT_BUILD_DIR="$ROOT/builds/latest" \
    pytest -q -p no:cacheprovider tests/functional/test_gate_report.py
  step "end-to-end: no secret in the build dir or the output" env GATEKIT_BUILD_DIR="$ROOT/builds/latest" \
    GATEKIT_GATE_OUTPUT="$out" pytest -q -p no:cacheprovider tests/functional/test_gate_secrets.py
  step "end-to-end: teardown (workers removed)" ansible-playbook playbooks/teardown.yml
}

do_release() {
  # The collection tarball installed into a fresh venv, its gate run by FQCN (docs/release.md).
  step "release: tarball, fresh venv, FQCN gate" bash tools/release-check.sh
}

case "${1:-all}" in
  all) do_lint; do_sanity; do_units; do_e2e; do_release; do_pytest; do_molecule ;;
  lint) do_lint ;;
  sanity) do_sanity ;;
  units) do_units ;;
  pytest) do_pytest ;;
  molecule) do_molecule ;;
  e2e) do_e2e ;;
  release) do_release ;;
  *) echo "unknown step: $1" >&2; exit 2 ;;
esac

printf '\n===== summary (%ss) =====\n' "$SECONDS"
printf '%s\n' "${results[@]}"
[ $failed -eq 0 ] && echo "make test: PASSED" || echo "make test: FAILED"
exit $failed
