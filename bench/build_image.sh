#!/usr/bin/env bash
# Benchmark the build_image role: cold and warm wall time and peak memory per backend.
# Prints a markdown table. Usage: bench/build_image.sh [dib|debootstrap ...]
#   cold  = empty image cache AND empty DIB_IMAGE_CACHE (bootstrap, apt, pip caches)
#   warm  = same key again (cache hit)
#   rekey = one input changed, bootstrap/apt/pip caches warm (a typical rebuild)
# Peak memory is the host's "used" memory (incl. DIB's tmpfs) above the baseline,
# sampled every second, so other load on the machine shows up in it too.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC1091
source .venv/bin/activate
export ANSIBLE_CONFIG=$PWD/ansible.cfg
backends=("${@:-dib debootstrap}")
read -r -a backends <<< "${backends[*]}"
work=$(mktemp -d /var/tmp/gkimg-bench.XXXXXX)
# shellcheck disable=SC2154  # r is the trap's own loop variable (shellcheck misreads the trap body)
trap 'rm -rf "$work"; for r in $(podman images --format "{{.Repository}}:{{.Tag}}" | grep "^localhost/gkimg-bench"); do podman rmi -f "$r" >/dev/null 2>&1 || true; done' EXIT

used_mb() { free -m | awk '/^Mem:/ {print $3}'; }

run() {  # run LABEL BACKEND CACHE EXTRA_JSON -> "seconds peak_mb"
  local base peak start pid now
  base=$(used_mb); peak=$base; start=$(date +%s.%N)
  ansible-playbook playbooks/image.yml -e "$4" -e build_image_backend="$2" \
    -e build_image_cache_dir="$3" -e build_image_podman_repo=localhost/gkimg-bench \
    > "$work/$1-$2.log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    now=$(used_mb); [ "$now" -gt "$peak" ] && peak=$now; sleep 1
  done
  wait "$pid" || { echo "benchmark run $1/$2 failed, see below" >&2; tail -30 "$work/$1-$2.log" >&2; exit 1; }
  awk -v s="$start" -v e="$(date +%s.%N)" -v m="$((peak - base))" 'BEGIN { printf "%.1f %d\n", e - s, m }'
}

echo "| backend | run | wall time (s) | peak memory above baseline (MiB) |"
echo "|---|---|---|---|"
for b in "${backends[@]}"; do
  cache=$work/cache-$b
  read -r t m < <(run cold "$b" "$cache" '{}')
  echo "| $b | cold (no caches) | $t | $m |"
  read -r t m < <(run warm "$b" "$cache" '{}')
  echo "| $b | warm (cache hit) | $t | $m |"
  read -r t m < <(run rekey "$b" "$cache" '{"build_image_env_vars": {"DIB_GKIMG_BENCH": "1"}}')
  echo "| $b | new key, warm bootstrap/apt/pip caches | $t | $m |"
done
