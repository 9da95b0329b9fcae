#!/usr/bin/env bash
# gatekit.devstack -- devstack-vm-gate.sh: the default gate_hook.
#
# devstack-gate's devstack-vm-gate.sh wrote localrc from the test matrix and ran
# stack.sh and tempest. Here the job's environment (as it is now, after pre_test_hook
# and DEVSTACK_GATE_SETTINGS) is translated with the collection's ONE legacy mapping into
# native job variables, and this collection's devstack and tempest roles run on this
# node -- the same deployment and test run a native job gets. A custom gate_hook can
# call this script too, as jobs called devstack-gate's.
set -u -o pipefail

GATEKIT_DG_CONF=${GATEKIT_DG_CONF:-/etc/gatekit/devstack-gate.conf}
# shellcheck disable=SC1090
source "$GATEKIT_DG_CONF"
: "${WORKSPACE:?WORKSPACE must be set}"
LOGDIR=${DEVSTACK_GATE_LOG_DIR:-$WORKSPACE/logs}
mkdir -p "$LOGDIR"

vars_file=$LOGDIR/devstack-gate-vars.json
"$GATEKIT_DG_PYTHON" "$GATEKIT_DG_HOME/dg_translate.py" --vars "$vars_file" || exit 1

cmd=(env
    "ANSIBLE_CONFIG=$GATEKIT_DG_HOME/ansible.cfg"
    "ANSIBLE_COLLECTIONS_PATH=$GATEKIT_DG_COLLECTIONS"
    "ANSIBLE_LOG_PATH=$LOGDIR/devstack-gate-ansible.txt"
    "HOME=${GATEKIT_DG_ROOT_HOME:-/root}"
    "$GATEKIT_DG_VENV/bin/ansible-playbook" -i "localhost," -c local
    -e "@$vars_file" "$GATEKIT_DG_HOME/gate.yml")
echo "running: ${cmd[*]}"
if [[ $EUID -eq 0 ]]; then
    "${cmd[@]}"
else
    # the roles install packages and services: root, as devstack-gate's sudo calls were
    sudo -n "${cmd[@]}"
fi
