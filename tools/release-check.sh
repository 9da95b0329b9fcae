#!/usr/bin/env bash
# The release, as a user gets it: build the collection tarball from a clean clone of HEAD,
# check what is in it, install it into a fresh venv (the pins of requirements.txt) and a
# temporary collections path, and run the gate by FQCN from an empty directory:
#   ansible-playbook gatekit.devstack.site
# It must pass and leave its build under that directory's builds/, as `make gate` does from
# the checkout. Called by tools/run-tests.sh (`make test`); docs/release.md explains it.
#
# Environment: GATEKIT_RELEASE_PREFIX (worker prefix and network, default gkrel),
# GATEKIT_RELEASE_REGEX (the tempest selection, small: the default job's full selection
# runs in the end-to-end gate), GATEKIT_RELEASE_KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PREFIX=${GATEKIT_RELEASE_PREFIX:-gkrel}
REGEX=${GATEKIT_RELEASE_REGEX:-'^(keystone_tempest_plugin\.|tempest\.api\.identity\.v3\.test_tokens)'}
PY=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gatekit-release.XXXXXX")
t0=$SECONDS

say() { printf 'release-check: %s\n' "$*"; }
fail() { printf 'release-check: FAILED: %s\n' "$*" >&2; exit 1; }
cleanup() {
  if [ -x "$WORK/venv/bin/ansible-playbook" ] && [ -d "$WORK/collections/ansible_collections/gatekit/devstack" ]; then
    (cd "$WORK/run" && env -u ANSIBLE_CONFIG ANSIBLE_COLLECTIONS_PATH="$WORK/collections" \
      "$WORK/venv/bin/ansible-playbook" gatekit.devstack.teardown \
      -e worker_pool_name_prefix="$PREFIX" -e worker_pool_network="$PREFIX" >/dev/null 2>&1) || true
  fi
  if [ "${GATEKIT_RELEASE_KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# 1. The tarball, from what is committed (a clean clone: no venvs, builds or caches).
git clone -q "$ROOT" "$WORK/src"
say "building from $(git -C "$WORK/src" rev-parse --short HEAD)"
"$ROOT/.venv/bin/ansible-galaxy" collection build --output-path "$WORK/dist" "$WORK/src" >/dev/null
tarball=$(ls "$WORK"/dist/gatekit-devstack-*.tar.gz)
say "$(basename "$tarball"): $(du -k "$tarball" | cut -f1) KiB, $(tar tzf "$tarball" | grep -vc '/$') files"

# 2. What is in it: the collection, nothing of the checkout's working state.
tar tzf "$tarball" > "$WORK/files.txt"
bad=$(grep -E '^(builds|\.venv[^/]*|tests|molecule|bench|tools|ansible_collections|\.cache|\.ansible|\.pytest_cache|\.ruff_cache|\.ci)/|(^|/)__pycache__/|\.pyc$|\.log$|\.tar\.gz$|\.bak(\.[0-9]+)?$' "$WORK/files.txt" || true)
[ -z "$bad" ] || fail "the tarball carries files that are not collection content:
$bad"
need=(MANIFEST.json FILES.json README.md meta/runtime.yml playbooks/site.yml playbooks/vars/gate_stages.yml playbooks/teardown.yml
      jobs/default.yml zuul.d/jobs.yaml zuul.d/nodesets.yaml playbooks/zuul/pre.yaml playbooks/zuul/run.yaml
      playbooks/zuul/post.yaml changelogs/changelog.yaml)
for role in "$WORK"/src/roles/*/; do need+=("roles/$(basename "$role")/tasks/main.yml"); done
for module in "$WORK"/src/plugins/modules/*.py; do need+=("plugins/modules/$(basename "$module")"); done
[ -f "$WORK/src/CHANGELOG.rst" ] && need+=(CHANGELOG.rst)
for f in "${need[@]}"; do grep -qxF "$f" "$WORK/files.txt" || fail "the tarball has no $f"; done
say "contents: ${#need[@]} required files present, no build, venv, test or cache files"

# 3. A fresh venv with the same pins, the collection installed from the tarball. The
# dependencies (containers.podman, community.general, ansible.posix) come from the
# `ansible` package of requirements.txt: Galaxy is not reachable here (--no-deps).
# --no-compile: Python compiles what the run imports; byte-compiling all of the `ansible`
# package up front was half of the install time.
"$PY" -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q --no-compile --disable-pip-version-check --progress-bar off -r "$WORK/src/requirements.txt" \
  > "$WORK/pip.log" 2>&1 || { grep -v 'is ignored: it is neither' "$WORK/pip.log" | tail -n 30; fail "pip install -r requirements.txt"; }
# 4. The gate by FQCN from an empty directory: no ansible.cfg, no inventory, no checkout.
mkdir "$WORK/run"
run_env=(env -u ANSIBLE_CONFIG -u VIRTUAL_ENV ANSIBLE_COLLECTIONS_PATH="$WORK/collections" ANSIBLE_NOCOLOR=1
         PATH="$WORK/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
(cd "$WORK/run" && "${run_env[@]}" ansible-galaxy collection install --no-deps -p "$WORK/collections" "$tarball" >/dev/null)
say "installed into $WORK/collections ($((SECONDS - t0)) s so far)"
cat > "$WORK/vars.yml" <<EOF
worker_pool_name_prefix: $PREFIX
worker_pool_network: $PREFIX
tempest_test_regex: '$REGEX'
EOF
listing=$(cd "$WORK/run" && "${run_env[@]}" ansible-galaxy collection list gatekit.devstack 2>&1) || true
grep -qxF "# $WORK/collections/ansible_collections" <<<"$listing" \
  || fail "gatekit.devstack does not resolve to the installed tarball: $listing"
say "running: ansible-playbook gatekit.devstack.site (in $WORK/run, workers $PREFIX-*)"
set +e
(cd "$WORK/run" && "${run_env[@]}" ansible-playbook gatekit.devstack.site -e "@$WORK/vars.yml") > "$WORK/gate.log" 2>&1
rc=$?
set -e
grep -E "=====|-----|GATE |tests: |report: " "$WORK/gate.log" | sed -e 's/^ *"\{0,1\}msg"\{0,1\}: //' -e "s/^ *- //" || true
[ $rc -eq 0 ] || { tail -n 60 "$WORK/gate.log"; fail "ansible-playbook gatekit.devstack.site exited $rc"; }
grep -q "GATE PASSED: gatekit-keystone-tempest" "$WORK/gate.log" || fail "no GATE PASSED line"
build=$(readlink -f "$WORK/run/builds/latest")
case "$build" in "$WORK/run/builds/"*) ;; *) fail "the build is not under $WORK/run/builds (builds/latest -> $build)" ;; esac
for f in index.html job-output.json tempest_summary.json junit.xml jobs/zuul.d/jobs.yaml; do
  [ -e "$build/$f" ] || fail "the build has no $f"
done
grep -q "gate_root: $WORK/collections/ansible_collections/gatekit/devstack$" "$build/job-vars.yml" \
  || fail "the gate did not run from the installed collection (job-vars.yml gate_root)"
say "PASSED in $((SECONDS - t0)) s: $(basename "$tarball") installs and its gate passes; build $build"
