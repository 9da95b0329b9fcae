#!/usr/bin/env bash
# Idempotent host + toolchain setup for gatekit.devstack.
#   tools/setup.sh               what `make gate` needs
#   tools/setup.sh --validators  that, plus the zuul and nodepool validator venvs the tests
#                                use (`make setup`, `make test`)
# Every step checks first and only acts when something is missing or stale, so a
# second run prints "setup: up to date" in a second or two.
set -euo pipefail
validators=0
case "${1:-}" in
  --validators) validators=1 ;;
  "") ;;
  *) echo "usage: $0 [--validators]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python3}
VENV=$ROOT/.venv
did=()

say() { printf 'setup: %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Debian packages.
mapfile -t pkgs < <(sed -e 's/#.*//' -e '/^\s*$/d' tools/apt-packages.txt)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  did+=("apt packages")
fi

# 2. Podman host settings: runc (crun fails on this host's hybrid cgroups) and explicit
# ulimits (the runtime's setrlimit fails without them). A drop-in under
# containers.conf.d leaves the user's own containers.conf untouched.
dropin=/etc/containers/containers.conf.d/50-gatekit.conf
want=$'# Written by gatekit.devstack `make setup`: crun fails on hybrid cgroups and the\n# runtime\'s setrlimit fails without explicit ulimits on these hosts.\n[engine]\nruntime = "runc"\n\n[containers]\ndefault_ulimits = ["nofile=1024:4096", "nproc=4096:4096"]'
if [ "$(cat "$dropin" 2>/dev/null)" != "$want" ]; then
  as_root mkdir -p "$(dirname "$dropin")"
  [ -f "$dropin" ] && as_root cp -a "$dropin" "$dropin.bak.$(date +%s)"
  printf '%s\n' "$want" | as_root tee "$dropin" >/dev/null
  did+=("podman settings ($dropin)")
fi

# 3. Python venvs, each rebuilt only when its requirements file changes:
#    .venv          the controller toolchain (ansible-core, molecule, linters, DIB, JJB)
#    .venv-zuul     zuul's config parsers, used by the tests to validate zuul.d output
#    .venv-nodepool nodepool's config-validate
# The validators pull ~140 packages with pins of their own; they stay out of .venv, and
# only the tests install them (the gate never runs them).
stamp_of() { sha256sum "$@" | sha256sum | cut -c1-16; }
ensure_venv() {  # ensure_venv DIR REQUIREMENTS
  local dir=$1 req=$2 want
  want=$(stamp_of "$req")
  [ "$(cat "$dir/.gatekit-stamp" 2>/dev/null)" = "$want" ] && return 0
  say "creating ${dir#"$ROOT"/} from $req (this takes a few minutes)"
  [ -x "$dir/bin/python" ] || "$PY" -m venv "$dir"
  "$dir/bin/pip" install -q --disable-pip-version-check --progress-bar off -r "$req"
  echo "$want" > "$dir/.gatekit-stamp"
  did+=("${dir#"$ROOT"/}")
}
ensure_venv "$VENV" requirements.txt
if [ "$validators" -eq 1 ]; then
  ensure_venv "$ROOT/.venv-zuul" requirements-validators.txt
  ensure_venv "$ROOT/.venv-nodepool" requirements-nodepool.txt
fi

# 5. Plain-checkout resolution of gatekit.devstack.* (ansible.cfg collections_path).
if [ "$(readlink ansible_collections/gatekit/devstack 2>/dev/null)" != "../.." ]; then
  mkdir -p ansible_collections/gatekit
  ln -sfn ../.. ansible_collections/gatekit/devstack
  did+=("ansible_collections/gatekit/devstack link")
fi

# 6. ansible-test's get-pip download is unreachable here: a stand-in that uses
# ensurepip, at the exact path ansible-test asks for.
getpip_ver=$(grep -ho "pip='[0-9.]*'" "$VENV"/lib/python3*/site-packages/ansible_test/_internal/python_requirements.py | head -n1 | tr -dc '0-9.')
getpip=$HOME/.ansible/test/cache/get_pip_${getpip_ver//./_}.py
if [ -n "$getpip_ver" ] && [ ! -f "$getpip" ]; then
  mkdir -p "$(dirname "$getpip")"
  cat > "$getpip" <<'PY'
# Stand-in for get-pip.py, written by gatekit.devstack `make setup`: the download host
# is unreachable; ensurepip gives pip, then the requested arguments are installed.
import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
# get-pip's own flags are not pip-install flags.
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
if [a for a in args if not a.startswith("-")]:
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
PY
  did+=("ansible-test get-pip stand-in")
fi

if [ ${#did[@]} -eq 0 ]; then
  say "up to date"
else
  say "done: ${did[*]}"
fi
