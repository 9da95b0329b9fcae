#!/usr/bin/env bash
# gatekit.devstack -- devstack-vm-gate-wrap.sh
#
# devstack-gate's wrapper contract, on top of this collection's roles:
#   * WORKSPACE is required (exit 1 when unset);
#   * the job's environment (DEVSTACK_GATE_*, PROJECTS, DEVSTACK_LOCAL_CONFIG,
#     /tmp/dg-local.conf, ...) is translated with the collection's ONE legacy mapping
#     (plugins/module_utils/legacy/mapping.py) into native job variables, and the
#     devstack and tempest roles run on this node (ansible-core, connection local):
#     a legacy job gets the same deployment as a native one;
#   * hooks pre_test_hook, gate_hook, post_test_hook are exported bash functions;
#     post_test_hook runs only when the gate passed; the exit code is the gate's rc,
#     or post_test_hook's rc when the gate passed;
#   * BUILD_TIMEOUT (ms) minus DEVSTACK_GATE_TIMEOUT_BUFFER (min) bounds the run: on
#     expiry the whole process group (and every descendant, sudo'ed ones included) is
#     killed with SIGKILL and the wrapper exits 137;
#   * logs under $WORKSPACE/logs, kept on success, failure and timeout;
#   * the last line is `SUCCESSFULLY FINISHED` or `*** FAILED with status: N`.
#
# Jobs copy this file to ./safe-devstack-vm-gate-wrap.sh and run the copy: bash reads
# a script while it runs it, and a gate run may replace the checkout this file came
# from (devstack-gate itself can be a project under test), so the running script could
# change under bash's feet. The copy decouples the two. This wrapper also protects
# itself: everything below is one compound command, read in full before it starts, and
# it finds its helpers through /etc/gatekit/devstack-gate.conf, not through its own path.
{
set -u -o pipefail

GATEKIT_DG_CONF=${GATEKIT_DG_CONF:-/etc/gatekit/devstack-gate.conf}

if [[ -z "${WORKSPACE:-}" ]]; then
    echo "WORKSPACE must be set (devstack-gate runs in a job workspace; Zuul's legacy value is /home/zuul/workspace)" >&2
    exit 1
fi
if [[ ! -r "$GATEKIT_DG_CONF" ]]; then
    echo "$GATEKIT_DG_CONF: missing; install the wrapper with the gatekit.devstack.devstack_gate role" >&2
    exit 1
fi
# shellcheck disable=SC1090
source "$GATEKIT_DG_CONF"

dg_is_set() {
    # devstack-gate's truth test: anything but '', 0, false, False, FALSE
    case "${1:-}" in ''|0|false|False|FALSE) return 1 ;; *) return 0 ;; esac
}
dg_as_root() {
    if [[ $EUID -eq 0 ]]; then "$@"; else sudo -n "$@"; fi
}
dg_now_ms() {
    local t=${EPOCHREALTIME/[.,]/}
    echo $(( t / 1000 ))
}
dg_stamp() {
    echo "[devstack-gate $(date -u +%H:%M:%S) +$(( $(date +%s) - DG_START ))s] $*"
}

DG_START=$(date +%s)
DG_START_MS=$(dg_now_ms)
export WORKSPACE
mkdir -p "$WORKSPACE" || exit 1
cd "$WORKSPACE" || exit 1
LOGDIR=$WORKSPACE/logs
export DEVSTACK_GATE_LOG_DIR=$LOGDIR
# CLEAN_LOGS (default 1) was never read by devstack-gate; here it means what it says:
# start from an empty logs/ so a rerun in the same workspace does not mix two runs.
if dg_is_set "${DEVSTACK_GATE_CLEAN_LOGS:-1}" && [[ -d "$LOGDIR" ]]; then
    dg_as_root rm -rf -- "$LOGDIR"
fi
mkdir -p "$LOGDIR" || exit 1
exec > >(tee -a "$LOGDIR/devstack-gate-wrap.txt") 2>&1

dg_finish() {
    local rc=$1
    dg_stamp "collecting logs into $LOGDIR"
    dg_collect_logs
    if [[ $rc -eq 0 ]]; then
        echo "SUCCESSFULLY FINISHED"
    else
        echo "*** FAILED with status: $rc"
    fi
    exit "$rc"
}

dg_collect_logs() {
    # DevStack's service logs, renamed *.log -> *.txt as devstack-gate did (browsers
    # show .txt inline); the local.conf inputs; a reproduce script.
    if [[ -d "$GATEKIT_DG_STACK_LOGS" ]]; then
        dg_as_root mkdir -p "$LOGDIR/stack"
        dg_as_root cp -a "$GATEKIT_DG_STACK_LOGS/." "$LOGDIR/stack/" 2>/dev/null || true
        local f
        while IFS= read -r -d '' f; do
            dg_as_root mv -f -- "$f" "${f%.log}.txt"
        done < <(find "$LOGDIR/stack" -name '*.log' -print0 2>/dev/null)
    fi
    [[ -r /tmp/dg-local.conf ]] && cp /tmp/dg-local.conf "$LOGDIR/dg-local.conf.txt"
    dg_write_reproduce > "$LOGDIR/reproduce.sh"
    chmod 0755 "$LOGDIR/reproduce.sh"
    dg_as_root chown -R "$(id -u):$(id -g)" "$LOGDIR" 2>/dev/null || true
}

dg_write_reproduce() {
    # The job's own settings (no secrets live in them) and hooks. Which variables make up
    # the job is the legacy mapping's to say: the translator lists them.
    echo "#!/bin/bash"
    echo "# Re-run this job on a node where the gatekit.devstack.devstack_gate role is installed."
    local name
    while IFS= read -r name; do
        printf 'export %s=%q\n' "$name" "${!name}"
    done < <("$GATEKIT_DG_PYTHON" "$GATEKIT_DG_HOME/dg_translate.py" --env-names)
    local hook
    for hook in pre_test_hook gate_hook post_test_hook; do
        if declare -F "$hook" >/dev/null; then
            declare -f "$hook"
            echo "export -f $hook"
        fi
    done
    echo "cp $GATEKIT_DG_HOME/devstack-vm-gate-wrap.sh ./safe-devstack-vm-gate-wrap.sh"
    echo "./safe-devstack-vm-gate-wrap.sh"
}

dg_stamp "devstack-gate wrapper (gatekit.devstack) in $WORKSPACE, logs in $LOGDIR"

# ---- time budget: BUILD_TIMEOUT (ms) minus the cleanup buffer (minutes)
DG_DEADLINE=""
if [[ -n "${BUILD_TIMEOUT:-}" ]]; then
    if [[ ! "$BUILD_TIMEOUT" =~ ^[0-9]+$ ]]; then
        echo "BUILD_TIMEOUT: expected milliseconds (an integer), got '$BUILD_TIMEOUT'"
        dg_finish 1
    fi
    buffer=${DEVSTACK_GATE_TIMEOUT_BUFFER:-10}
    if [[ ! "$buffer" =~ ^[0-9]+$ ]]; then
        echo "DEVSTACK_GATE_TIMEOUT_BUFFER: expected minutes (an integer), got '$buffer'"
        dg_finish 1
    fi
    budget=$(( BUILD_TIMEOUT / 1000 - buffer * 60 ))
    if (( budget <= 0 )); then
        echo "BUILD_TIMEOUT=${BUILD_TIMEOUT} ms leaves no time once DEVSTACK_GATE_TIMEOUT_BUFFER=${buffer} min is kept for cleanup"
        dg_finish 137
    fi
    DG_DEADLINE=$(( DG_START_MS + budget * 1000 ))
    dg_stamp "time budget ${budget}s (BUILD_TIMEOUT ${BUILD_TIMEOUT} ms - ${buffer} min buffer)"
fi

# ---- translate the environment now, so bad settings fail before anything is set up
# and unknown DEVSTACK_GATE_* names are reported (never turned into features).
dg_stamp "translating the legacy environment (the collection's legacy_mapping)"
if ! "$GATEKIT_DG_PYTHON" "$GATEKIT_DG_HOME/dg_translate.py" --report "$LOGDIR/devstack-gate-translation.json"; then
    echo "the job's environment cannot be translated (see above)"
    dg_finish 1
fi

# ---- the run: settings, hooks and the gate, in a session of its own so that a timeout
# can kill all of it (process group) and nothing else.
# shellcheck disable=SC2317  # exported, run by the setsid'd `bash -c dg_body` below
dg_body() {
    local rc
    dg_hook() {
        local hook=$1 hrc
        dg_stamp "running $hook"
        set -x
        "$hook" > >(tee -a "$DEVSTACK_GATE_LOG_DIR/devstack-gate-$hook.txt") 2>&1
        hrc=$?
        { set +x; } 2>/dev/null
        dg_stamp "$hook returned $hrc"
        return "$hrc"
    }
    if [[ -n "${DEVSTACK_GATE_SETTINGS:-}" ]]; then
        dg_stamp "sourcing DEVSTACK_GATE_SETTINGS=$DEVSTACK_GATE_SETTINGS"
        # shellcheck disable=SC1090
        source "$DEVSTACK_GATE_SETTINGS" || return 1
    fi
    if declare -F pre_test_hook >/dev/null; then
        dg_hook pre_test_hook || { rc=$?; dg_stamp "pre_test_hook failed: the gate does not run"; return "$rc"; }
    fi
    if declare -F gate_hook >/dev/null; then
        dg_hook gate_hook
        rc=$?
    else
        dg_stamp "running the default gate: $GATEKIT_DG_HOME/devstack-vm-gate.sh"
        "$GATEKIT_DG_HOME/devstack-vm-gate.sh"
        rc=$?
    fi
    dg_stamp "gate returned $rc"
    if [[ $rc -eq 0 ]] && declare -F post_test_hook >/dev/null; then
        dg_hook post_test_hook
        rc=$?
    fi
    return "$rc"
}
export -f dg_body dg_stamp dg_is_set dg_as_root
export DG_START GATEKIT_DG_HOME GATEKIT_DG_PYTHON

setsid bash -c 'dg_body' &
DG_CHILD=$!
echo "$DG_CHILD" > "$WORKSPACE/gate.pid"

dg_descendants() {
    local pid child
    for pid in "$@"; do
        for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
            echo "$child"
            dg_descendants "$child"
        done
    done
}
dg_kill_all() {
    # The process group, plus descendants that left it (sudo with use_pty starts a new
    # session; killing root's processes needs root). Daemons that detached to init
    # (the service supervisor) are not ours to kill.
    local pids
    pids=$(dg_descendants "$DG_CHILD")
    dg_as_root kill -9 -- "-$DG_CHILD" 2>/dev/null
    # shellcheck disable=SC2086
    [[ -n "$pids" ]] && dg_as_root kill -9 $pids 2>/dev/null
    return 0
}
trap 'dg_stamp "interrupted: killing the gate"; dg_kill_all; wait "$DG_CHILD" 2>/dev/null; dg_finish 130' INT TERM

DG_TIMED_OUT=0
while kill -0 "$DG_CHILD" 2>/dev/null; do
    if [[ -n "$DG_DEADLINE" ]] && (( $(dg_now_ms) >= DG_DEADLINE )); then
        DG_TIMED_OUT=1
        dg_stamp "*** BUILD_TIMEOUT reached: killing the gate's process group $DG_CHILD"
        dg_kill_all
        break
    fi
    sleep 0.2
done
wait "$DG_CHILD"
DG_RC=$?
rm -f "$WORKSPACE/gate.pid"
if [[ $DG_TIMED_OUT -eq 1 ]]; then
    # anything that was between two descendant scans
    dg_kill_all
    DG_RC=137
fi
dg_finish "$DG_RC"
}
