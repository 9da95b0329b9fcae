#!/usr/bin/env bash
# Benchmark playbooks/jobs.yml (the job_definitions role, site.yml's stage 7): wall and CPU
# time of a first render into an empty directory and of a re-render (nothing changes),
# best of N rounds (the machine is shared). Prints a markdown table.
# Usage: bench/job_definitions.sh [ROUNDS] [JOB_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC1091
source .venv/bin/activate
export ANSIBLE_CONFIG=$PWD/ansible.cfg
rounds=${1:-3}
job=${2:-jobs/default.yml}
work=$(mktemp -d /tmp/gkjd-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

measure() {  # measure DEST -> "wall cpu" (seconds)
  local start end cpu
  start=$(date +%s.%N)
  /usr/bin/time -o "$work/time" -f "%U %S" ansible-playbook playbooks/jobs.yml -e job_file="$job" \
    -e jobs_dest="$1" > "$work/last.log" 2>&1
  cpu=$(awk '{print $1 + $2}' "$work/time")
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $cpu"
}

best() { sort -n | head -1; }
first_wall=(); first_cpu=(); again_wall=(); again_cpu=()
for i in $(seq "$rounds"); do
  read -r w c < <(measure "$work/out-$i"); first_wall+=("$w"); first_cpu+=("$c")
  read -r w c < <(measure "$work/out-$i"); again_wall+=("$w"); again_cpu+=("$c")
  grep -q "changed=0" "$work/last.log" || { echo "re-render changed something" >&2; exit 1; }
done
echo "| job_definitions ($job), best of $rounds | wall s | CPU s (user+sys) |"
echo "|---|---|---|"
printf '| first render (empty dir) | %.1f | %.1f |\n' "$(printf '%s\n' "${first_wall[@]}" | best)" "$(printf '%s\n' "${first_cpu[@]}" | best)"
printf '| re-render (changed=0) | %.1f | %.1f |\n' "$(printf '%s\n' "${again_wall[@]}" | best)" "$(printf '%s\n' "${again_cpu[@]}" | best)"
echo "| load average at the end | $(cut -d' ' -f1 /proc/loadavg) | |"
