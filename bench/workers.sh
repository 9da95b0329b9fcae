#!/usr/bin/env bash
# Benchmark the embedded worker pool: create + provision 1 and 3 fresh workers
# (playbooks/workers.yml with worker_pool_fresh=true), then the idempotent re-run of each.
# Prints a markdown table. Image: GATEKIT_WORKERS_IMAGE (a podman ref) when set, else the
# build_image role's default image (a cache hit once built).
#   bash bench/workers.sh            # containers bench-w-*, network bench-w; removed at the end
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export ANSIBLE_CONFIG=$ROOT/ansible.cfg PATH=$ROOT/.venv/bin:$PATH ANSIBLE_FORCE_COLOR=0
prefix=bench-w
work=$(mktemp -d)
trap 'ansible-playbook playbooks/teardown.yml -e worker_pool_name_prefix=$prefix -e worker_pool_network=$prefix >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

t0=$SECONDS
if [ -n "${GATEKIT_WORKERS_IMAGE:-}" ]; then
  printf '{"gatekit_image": {"podman_ref": "%s"}}\n' "$GATEKIT_WORKERS_IMAGE" >"$work/image.json"
else
  echo "bench: build_image (cache) ..." >&2
  cat >"$work/image.yml" <<YML
- hosts: localhost
  gather_facts: false
  roles: [gatekit.devstack.build_image]
  tasks:
    - ansible.builtin.copy: {dest: "$work/image.json", content: "{{ {'gatekit_image': gatekit_image} | to_json }}", mode: "0600"}
YML
  ansible-playbook "$work/image.yml" >"$work/image.log" 2>&1 || { cat "$work/image.log" >&2; exit 1; }
fi
echo "bench: image ready ($((SECONDS - t0)) s): $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["gatekit_image"]["podman_ref"])' "$work/image.json")" >&2

run() {  # run LABEL SIZE FRESH -> prints "| label | seconds | changed |"
  local label=$1 size=$2 fresh=$3 start end log=$work/$1.log
  start=$(date +%s.%N)
  ansible-playbook playbooks/workers.yml -e @"$work/image.json" -e worker_pool_name_prefix=$prefix \
    -e worker_pool_network=$prefix -e worker_pool_size="$size" -e worker_pool_fresh="$fresh" >"$log" 2>&1 \
    || { echo "bench: $label failed, see below" >&2; tail -40 "$log" >&2; exit 1; }
  end=$(date +%s.%N)
  changed=$(awk '/ : ok=/ { for (i = 1; i <= NF; i++) if ($i ~ /^changed=/) { split($i, a, "="); s += a[2] } } END { print s + 0 }' "$log")
  # Tasks started per play (pool on the controller; provision per worker, all included).
  tasks=$(awk '/^PLAY \[/ { p++ } /^TASK \[/ { n[p]++ } END { printf "%d / %d", n[1], n[2] }' "$log")
  printf '| %s | %d | %.1f | %s | %s |\n' "$label" "$size" "$(python3 -c "print($end - $start)")" "$changed" "$tasks"
  echo "bench: $label done" >&2
}

load=$(cut -d' ' -f1 /proc/loadavg)
echo "| run | workers | seconds | changed tasks | tasks: pool / provision |"
echo "|---|---|---|---|---|"
run "create + provision (fresh)" 1 true
run "idempotent re-run" 1 false
run "create + provision (fresh)" 3 true
run "idempotent re-run" 3 false
echo
echo "Load average at start: $load ($(nproc) cores); playbook wall time includes ansible start-up."
