#!/usr/bin/env bash
# The stage engine alone: site.yml of a git revision with every stage role replaced by one
# no-op task and the workers by local-connection hosts, so what remains is the engine's own
# cost (plays, includes, decisions, records, job-output.json). No container is started.
#   bash bench/gate_engine.sh [REV ...]      (default: HEAD; e.g. `main HEAD`)
#   GATE_ENGINE_WORKERS=2                    workers per run (default 1)
# Prints a markdown table: wall time (best of 3), task headers, host-task results.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH=$root/.venv/bin:$PATH
workers=${GATE_ENGINE_WORKERS:-1}
revs=("$@")
[ ${#revs[@]} -gt 0 ] || revs=(HEAD)

stub_roles() {  # stub_roles COLLECTION_DIR
  local dir=$1 role f raw=""
  # The workers: local hosts in the pool's groups, given the job's variables the way the
  # revision's worker_pool does (inventory variables at add_host time, when it does).
  if grep -q worker_pool_job_vars "$dir/roles/worker_pool/tasks/inventory.yml"; then
    raw='    _raw_params: "{{ ([worker_pool_job_vars.vars | default({})] + [(worker_pool_job_vars.node_vars | default([]))[item] | default({})]) | combine }}"'
  fi
  for role in build_image worker_pool nodepool_worker devstack tempest collect_logs job_definitions gate_report; do
    for f in "$dir/roles/$role/tasks/"*.yml; do
      printf -- '- name: Stub\n  ansible.builtin.debug:\n    msg: stub\n' > "$f"
    done
    rm -f "$dir/roles/$role/meta/argument_specs.yml"
  done
  cat > "$dir/roles/worker_pool/tasks/main.yml" <<EOF
- name: Stub workers
  ansible.builtin.add_host:
    name: "stub-{{ item }}"
    groups: ["workers", "{{ 'primary' if item == 0 else 'subnodes' }}"]
    ansible_connection: local
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
$raw
  loop: "{{ range(worker_pool_size | int) | list }}"
EOF
}

echo "| revision | workers | wall (best of 3) | task headers | host-task results |"
echo "|---|---:|---:|---:|---:|"
for rev in "${revs[@]}"; do
  tmp=$(mktemp -d)
  col=$tmp/ansible_collections/gatekit/devstack
  mkdir -p "$col"
  git -C "$root" archive "$rev" | tar -x -C "$col"
  stub_roles "$col"
  prefix=gate
  grep -q "gatekit_builds_dir" "$col/roles/"*/defaults/main.yml 2>/dev/null && prefix=gatekit
  best=""
  for _ in 1 2 3; do
    start=$(date +%s%N)
    (cd "$col" && ANSIBLE_CONFIG=$col/ansible.cfg ANSIBLE_COLLECTIONS_PATH=$tmp ANSIBLE_NOCOLOR=1 \
      ansible-playbook site.yml -e "${prefix}_builds_dir=$tmp/builds" -e "worker_pool_size=$workers" \
      > "$tmp/out.log" 2>&1) \
      || { tail -30 "$tmp/out.log"; exit 1; }
    wall=$(( ($(date +%s%N) - start) / 1000000 ))
    if [ -z "$best" ] || [ "$wall" -lt "$best" ]; then best=$wall; fi
  done
  headers=$(grep -c '^TASK \[' "$tmp/out.log")
  results=$(awk '/^PLAY RECAP/{r=1;next} r && /ok=/{for(i=1;i<=NF;i++){split($i,a,"="); if(a[1]=="ok"||a[1]=="skipped"||a[1]=="failed"||a[1]=="rescued") n+=a[2]}} END{print n}' "$tmp/out.log")
  printf '| %s | %s | %s.%s s | %s | %s |\n' "$(git -C "$root" rev-parse --short "$rev")" "$workers" $((best / 1000)) $((best % 1000 / 100)) "$headers" "$results"
  rm -rf "$tmp"
done
