#!/bin/sh
# gatekit-keepalive NAME COMMAND...: keep COMMAND (which must stay in the foreground)
# running on a node without systemd, e.g. a container whose PID 1 is a bare init.
# Its own pid is in /run/gatekit-keepalive-NAME.pid, the output in
# /var/log/gatekit-NAME.log. Installed by the nodepool_worker role.
set -u
name=$1; shift
echo $$ > "/run/gatekit-keepalive-$name.pid"
trap 'exit 0' TERM INT
while :; do
  "$@"
  echo "gatekit-keepalive: $name exited with $?, restarting in 1 s" >&2
  sleep 1
done
