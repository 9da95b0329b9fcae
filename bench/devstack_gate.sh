#!/usr/bin/env bash
# Benchmark of the devstack-gate wrapper's own overhead on this host (no deployment):
# the translation helper, a whole wrapper run with a trivial gate_hook, and how long a
# run takes to end after its BUILD_TIMEOUT budget expires. Prints a markdown table.
#   bash bench/devstack_gate.sh [ROUNDS]
set -u -o pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
files=$root/roles/devstack_gate/files
py=${PYTHON:-$root/.venv/bin/python}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gkdg-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/conf" <<CONF
GATEKIT_DG_HOME=$files
GATEKIT_DG_VENV=$(dirname "$(dirname "$py")")
GATEKIT_DG_PYTHON=$py
GATEKIT_DG_COLLECTIONS=$root
GATEKIT_DG_DEFAULTS=
GATEKIT_DG_METHOD=pip
GATEKIT_DG_STACK_LOGS=$tmp/none
export GATEKIT_DG_HOME GATEKIT_DG_VENV GATEKIT_DG_PYTHON GATEKIT_DG_COLLECTIONS GATEKIT_DG_DEFAULTS GATEKIT_DG_METHOD GATEKIT_DG_STACK_LOGS
CONF
export GATEKIT_DG_CONF=$tmp/conf GATEKIT_DG_COLLECTIONS=$root GATEKIT_DG_LOCAL_CONF=$tmp/none
export WORKSPACE=$tmp/ws DEVSTACK_GATE_TEMPEST=1 DEVSTACK_GATE_TEMPEST_REGEX='^tempest\.api\.identity'
ms() { date +%s%N | cut -c1-13; }
best() { sort -n | head -1; }

translate() { for _i in $(seq "$rounds"); do s=$(ms); "$py" "$files/dg_translate.py" --vars "$tmp/v.json" >/dev/null; echo $(( $(ms) - s )); done | best; }
wrapper() {
    # shellcheck disable=SC2317  # the wrapper under test calls the exported hook
    gate_hook() { true; }; export -f gate_hook
    for _i in $(seq "$rounds"); do s=$(ms); bash "$files/devstack-vm-gate-wrap.sh" >/dev/null; echo $(( $(ms) - s )); done | best
    unset -f gate_hook
}
timeout_end() {
    # shellcheck disable=SC2317  # the wrapper under test calls the exported hook
    gate_hook() { sleep 600; }; export -f gate_hook
    for _i in $(seq "$rounds"); do
        s=$(ms); BUILD_TIMEOUT=2000 DEVSTACK_GATE_TIMEOUT_BUFFER=0 bash "$files/devstack-vm-gate-wrap.sh" >/dev/null
        echo $(( $(ms) - s - 2000 ))
    done | best
    unset -f gate_hook
}
echo "| measure (best of $rounds, ms) | value |"
echo "|---|---|"
echo "| dg_translate.py (python start + legacy_env_to_native + JSON) | $(translate) |"
echo "| wrapper run, trivial gate_hook (translation, hooks, log collection) | $(wrapper) |"
echo "| wrapper end after the budget expires (kill + logs), beyond the 2 s budget | $(timeout_end) |"
