#!/usr/bin/env bash
# `make clean`: remove what this project created, nothing else:
# - podman containers and networks labelled gatekit.pool=<prefix> (the worker pools,
#   molecule and test pools all carry the label);
# - podman images named localhost/gatekit-* (the built worker images);
# - build directories (builds/), the temporary ansible-test copies, tests/output;
# - the workers' pinned ssh host keys (~/.cache/gatekit/ssh).
# The image cache (~/.cache/gatekit) is kept: CLEAN_CACHE=1 removes it too.
set -uo pipefail
cd "$(dirname "$0")/.." || exit
removed=()
if command -v podman >/dev/null; then
  mapfile -t ctrs < <(podman ps -a --filter label=gatekit.pool --format '{{.Names}}')
  if [ ${#ctrs[@]} -gt 0 ]; then podman rm -f -t 0 "${ctrs[@]}" >/dev/null && removed+=("${#ctrs[@]} container(s)"); fi
  mapfile -t nets < <(podman network ls --filter label=gatekit.pool --format '{{.Name}}')
  if [ ${#nets[@]} -gt 0 ]; then podman network rm "${nets[@]}" >/dev/null && removed+=("${#nets[@]} network(s)"); fi
  mapfile -t imgs < <(podman images --format '{{.Repository}}:{{.Tag}}' | grep -E '^localhost/gatekit-' || true)
  if [ ${#imgs[@]} -gt 0 ]; then podman rmi -f "${imgs[@]}" >/dev/null && removed+=("${#imgs[@]} image(s)"); fi
fi
# the workers' pinned ssh host keys (nodepool_worker_connect_ssh): the workers are gone
if [ -d "$HOME/.cache/gatekit/ssh" ]; then
  # shellcheck disable=SC2088  # the label the summary prints, not a path
  rm -rf "$HOME/.cache/gatekit/ssh" && removed+=("~/.cache/gatekit/ssh")
fi
for d in builds tests/output; do
  [ -e "$d" ] && rm -rf "$d" && removed+=("$d/")
done
rm -rf "${TMPDIR:-/tmp}"/gatekit-ansible-test.* 2>/dev/null
if [ "${CLEAN_CACHE:-0}" = 1 ] && [ -d "$HOME/.cache/gatekit" ]; then
  # shellcheck disable=SC2088  # the label the summary prints, not a path
  rm -rf "$HOME/.cache/gatekit" && removed+=("~/.cache/gatekit")
fi
if [ ${#removed[@]} -eq 0 ]; then echo "clean: nothing to remove"; else echo "clean: removed ${removed[*]}"; fi
