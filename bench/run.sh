#!/usr/bin/env bash
# `make bench`: run every benchmark under bench/ and collect their markdown tables in
# builds/bench-<time>.md. Benchmarks print tables; nothing here asserts a time.
# BENCH=name1,name2 runs a subset (file names without extension).
set -uo pipefail
cd "$(dirname "$0")/.." || exit
export PATH=$PWD/.venv/bin:$PATH ANSIBLE_CONFIG=$PWD/ansible.cfg
mkdir -p builds
out=builds/bench-$(date -u +%Y%m%dT%H%M%SZ).md
{
  echo "# gatekit.devstack benchmarks, $(date -u +%FT%TZ)"
  echo
  echo "Host: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out"
rc=0
for f in bench/*.py bench/*.sh; do
  name=$(basename "${f%.*}")
  case "$name" in run | _*) continue ;; esac  # the runner and shared helpers are not benchmarks
  if [ -n "${BENCH:-}" ] && [[ ",$BENCH," != *",$name,"* ]]; then continue; fi
  printf '\n===== bench %s =====\n' "$name"
  printf '\n## %s\n\n' "$name" >> "$out"
  case "$f" in
    *.py) python "$f" ;;
    *.sh) bash "$f" ;;
  esac 2>&1 | tee -a "$out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "bench $name failed" | tee -a "$out"; rc=1; }
done
echo
echo "tables written to $out (copy the numbers into docs/performance.md)"
exit $rc
