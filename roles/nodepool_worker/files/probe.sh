#!/bin/sh
# Read-only look at a node for the nodepool_worker role; prints one JSON object.
# Usage: probe.sh USER CA_BUNDLE PACKAGE...
set -u
user=$1 ca=$2
shift 2
b() { if "$@" >/dev/null 2>&1; then printf true; else printf false; fi; }
# "type base64" of each line of the given public key files, as a JSON list.
alive() { [ -n "$1" ] && kill -0 "$1"; }
keys() { cat "$@" 2>/dev/null | awk 'BEGIN { printf "[" } NF >= 2 { printf "%s\"%s %s\"", sep, $1, $2; sep = ", " } END { printf "]" }'; }
container=false
if [ -e /run/.containerenv ] || [ -e /.dockerenv ]; then container=true
elif command -v systemd-detect-virt >/dev/null 2>&1 && systemd-detect-virt -q -c; then container=true
fi
missing=""
for p in "$@"; do
  s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$s" = installed ] || missing="$missing\"$p\","
done
sshd_pid=$(cat /run/sshd.pid 2>/dev/null || true)
ka=$(cat /run/gatekit-keepalive-sshd.pid 2>/dev/null || true)
home=$(getent passwd "$user" | cut -d: -f6)
user_exists=true shell="" group=""
if [ -n "$home" ]; then
  shell=$(getent passwd "$user" | cut -d: -f7)
  group=$(id -gn "$user" 2>/dev/null || true)
else
  user_exists=false home=/home/$user
fi
. /etc/os-release
cat <<JSON
{"container": $container, "systemd": $(b test -d /run/systemd/system),
 "iptables": $(b iptables -w -S), "swap_active": $(b awk 'NR > 1 { f = 1 } END { exit !f }' /proc/swaps),
 "missing_packages": [${missing%,}],
 "user_exists": $user_exists, "user_home": "$home", "user_shell": "$shell", "user_group": "$group",
 "sshd_running": $(b alive "$sshd_pid"), "keepalive_running": $(b alive "$ka"),
 "host_keys": $(keys /etc/ssh/ssh_host_*_key.pub), "host_keys_present": $(b test -s /etc/ssh/ssh_host_ed25519_key),
 "host_keys_marker": $(b test -e /etc/ssh/.gatekit-host-keys),
 "nodeset_pub": $(keys /etc/nodepool/id_rsa.pub), "nodeset_key_present": $(b test -s /etc/nodepool/id_rsa),
 "zuul_pub": $(keys "$home/.ssh/id_rsa.pub"), "zuul_key_present": $(b test -s "$home/.ssh/id_rsa"),
 "ca_present": $(b test -s "$ca"), "ipv6_default_route": $(b sh -c 'ip -6 route show default | grep -q .'),
 "distro": "${ID:-}", "codename": "${VERSION_CODENAME:-}", "hostname": "$(hostname)"}
JSON
