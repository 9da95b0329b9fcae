#!/usr/bin/env bash
# The whole gate, cold and warm, next to the bare tempest run it orchestrates.
#   cold: the image cache emptied first (GATE_BENCH_COLD=1 only; it rebuilds the image)
#   warm: image and wheelhouse cached; workers and deployment fresh (every gate)
#   bare: the same tempest command (run-tempest.sh the role wrote) run again directly on the
#         same worker against the same keystone, no orchestration
# Prints a markdown table; peak memory is the controller-side ansible-playbook's max RSS.
set -uo pipefail
cd "$(dirname "$0")/.." || exit
export ANSIBLE_CONFIG=$PWD/ansible.cfg PATH=$PWD/.venv/bin:$PATH
prefix=gkbench
run_gate() {  # run_gate LABEL [extra ansible args]
  local label=$1; shift
  local t0=$SECONDS
  /usr/bin/time -f '%M' -o /tmp/gkbench.rss ansible-playbook site.yml -e worker_pool_name_prefix=$prefix \
    -e worker_pool_network=$prefix "$@" > "/tmp/gkbench-$label.log" 2>&1
  local rc=$?
  local wall=$((SECONDS - t0))
  local rss_mb=$(( $(cat /tmp/gkbench.rss) / 1024 ))
  local stages
  stages=$(python3 -c "
import json,sys
d=json.load(open('builds/latest/job-output.json'))
print(', '.join('%s %.0fs' % (s['name'], float(s['duration'])) for s in d['stages']))")
  printf '| %s | %s | %ss | %s MiB | %s |\n' "$label" "$rc" "$wall" "$rss_mb" "$stages"
}
echo "| run | rc | wall | peak RSS | stages |"
echo "|---|---|---|---|---|"
if [ "${GATE_BENCH_COLD:-0}" = 1 ]; then
  rm -rf "$HOME/.cache/gatekit/images"
  run_gate cold
fi
run_gate warm -e gate_keep_workers=true
ws=$(grep -E '^tempest_workspace:' roles/tempest/defaults/main.yml | sed -E 's/^[^:]+: *//; s/"//g')
user=$(grep -E '^tempest_user:' roles/tempest/defaults/main.yml | sed -E 's/^[^:]+: *//; s/"//g')
t0=$SECONDS
# The bare run is the script's `tempest run` phases only: its test listing (for the gate's
# progress line) is orchestration, so it is left out here.
podman exec -u "${user:-tempest}" -w "$ws" $prefix-primary bash -c \
  "grep -v -e '--list-tests' -e 'stestr init' run-tempest.sh > .bare-tempest.sh && bash .bare-tempest.sh" > /tmp/gkbench-bare.log 2>&1
brc=$?
bare=$((SECONDS - t0))
printf '| bare tempest (same tests, same keystone) | %s | %ss | - | - |\n' "$brc" "$bare"
ansible-playbook playbooks/teardown.yml -e worker_pool_name_prefix=$prefix -e worker_pool_network=$prefix > /dev/null 2>&1
