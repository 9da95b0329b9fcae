#!/usr/bin/env bash
# Start or stop the Docker-compatible API the docker scenario runs against:
# `podman system service --time=0 unix://SOCK`. No Docker engine runs on the gate
# machines; podman serves the same API.
#   service.sh start|stop
# SOCK is DOCKER_HOST's path when DOCKER_HOST is a unix:// URL, else
# /run/gatekit/mol-docker.sock. molecule's docker driver pings the engine from its own
# process, which only reads DOCKER_HOST or /var/run/docker.sock: when DOCKER_HOST is
# unset and no /var/run/docker.sock exists, a symlink to SOCK is put there for the run
# and removed by `stop` (only if it is still ours).
set -euo pipefail
sock=/run/gatekit/mol-docker.sock
case "${DOCKER_HOST:-}" in unix://*) sock=${DOCKER_HOST#unix://} ;; esac
state=/run/gatekit/mol-docker
mkdir -p "$(dirname "$sock")" "$state"
ping() { curl -fsS --max-time 2 --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; }

case "${1:-}" in
  start)
    t0=$SECONDS
    if ! ping; then
      setsid podman system service --time=0 "unix://$sock" >"$state/service.log" 2>&1 </dev/null &
      echo $! >"$state/service.pid"
      for _ in $(seq 100); do ping && break; sleep 0.1; done
      ping || { echo "service.sh: podman system service did not answer on $sock" >&2; cat "$state/service.log" >&2; exit 1; }
      echo "service.sh: Docker API from podman on unix://$sock (pid $(cat "$state/service.pid"), $((SECONDS - t0)) s)"
    else
      echo "service.sh: Docker API already answering on unix://$sock"
    fi
    if [ -z "${DOCKER_HOST:-}" ] && [ ! -e /var/run/docker.sock ] && [ ! -L /var/run/docker.sock ]; then
      ln -s "$sock" /var/run/docker.sock
      echo "$sock" >"$state/docker.sock.link"
      echo "service.sh: /var/run/docker.sock -> $sock for this run"
    fi
    ;;
  stop)
    if [ -f "$state/docker.sock.link" ] && [ "$(readlink /var/run/docker.sock 2>/dev/null)" = "$(cat "$state/docker.sock.link")" ]; then
      rm -f /var/run/docker.sock
    fi
    rm -f "$state/docker.sock.link"
    if [ -f "$state/service.pid" ]; then
      pid=$(cat "$state/service.pid")
      if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "system service"; then
        kill "$pid"
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      fi
      rm -f "$state/service.pid"
      rm -f "$sock"
      echo "service.sh: stopped the Docker API on unix://$sock"
    fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
