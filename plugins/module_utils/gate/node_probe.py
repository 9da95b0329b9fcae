# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A read-only look at a node for the nodepool_worker role (module ``node_probe``).

``probe_node(system, user, ca_bundle, packages)`` returns the plain facts the role
decides on. ``system`` is the node seen through a few calls (``LocalSystem`` on a real
node; a fake in the unit tests):

* ``read(path)`` -- text or ``None``; ``size(path)`` -- bytes or ``None``;
  ``exists(path)``, ``isdir(path)``; ``glob(pattern)`` -- sorted paths;
* ``run(argv)`` -- ``(rc, stdout)``, or ``None`` when the program is not installed;
* ``alive(pid)`` -- whether a process runs; ``user(name)`` -- ``(home, shell, group)`` or
  ``None``; ``hostname()``.

The parsers (``parse_os_release``, ``parse_public_keys``, ``installed_packages``) are pure.
"""

import glob
import grp
import os
import pwd
import shlex
import socket

CONTAINER_MARKERS = ("/run/.containerenv", "/.dockerenv")
HOST_KEYS_MARKER = "/etc/ssh/.gatekit-host-keys"


def parse_os_release(text):
    """``{KEY: value}`` of an os-release file (shell quoting undone)."""
    out = {}
    for line in (text or "").splitlines():
        key, sep, value = line.partition("=")
        if not sep or line.lstrip().startswith("#"):
            continue
        try:
            words = shlex.split(value)
        except ValueError:
            words = [value]
        out[key.strip()] = words[0] if words else ""
    return out


def parse_public_keys(text):
    """``["type base64", ...]`` from public key lines (comments dropped)."""
    return [" ".join(line.split()[:2]) for line in (text or "").splitlines() if len(line.split()) >= 2]


def installed_packages(dpkg_output):
    """Names whose status is ``installed`` in ``dpkg-query -W -f '${Package} ${db:Status-Status}\\n'`` output."""
    out = set()
    for line in (dpkg_output or "").splitlines():
        words = line.split()
        if len(words) == 2 and words[1] == "installed":
            out.add(words[0].split(":", 1)[0])
    return out


def _pid(system, path):
    text = (system.read(path) or "").strip()
    return int(text) if text.isdigit() else None


def _running(system, path):
    pid = _pid(system, path)
    return pid is not None and system.alive(pid)


def _nonempty(system, path):
    return bool(system.size(path))


def _succeeds(system, argv):
    result = system.run(argv)
    return result is not None and result[0] == 0


def probe_node(system, user, ca_bundle, packages):
    """The node's facts, with the keys the role reads."""
    container = any(system.exists(path) for path in CONTAINER_MARKERS) or _succeeds(
        system, ["systemd-detect-virt", "-q", "-c"])
    dpkg = system.run(["dpkg-query", "-W", "-f", "${Package} ${db:Status-Status}\n"] + list(packages)) if packages else None
    installed = installed_packages(dpkg[1]) if dpkg else set()
    account = system.user(user)
    home, shell, group = account if account else ("/home/%s" % user, "", "")
    swaps = (system.read("/proc/swaps") or "").splitlines()
    route6 = system.run(["ip", "-6", "route", "show", "default"])
    release = parse_os_release(system.read("/etc/os-release"))
    host_keys = []
    for path in system.glob("/etc/ssh/ssh_host_*_key.pub"):
        host_keys += parse_public_keys(system.read(path))
    return {
        "container": container,
        "systemd": system.isdir("/run/systemd/system"),
        "iptables": _succeeds(system, ["iptables", "-w", "-S"]),
        "swap_active": len(swaps) > 1,
        "missing_packages": [name for name in packages if name not in installed],
        "user_exists": account is not None,
        "user_home": home,
        "user_shell": shell,
        "user_group": group,
        "sshd_running": _running(system, "/run/sshd.pid"),
        "keepalive_running": _running(system, "/run/gatekit-keepalive-sshd.pid"),
        "host_keys": host_keys,
        "host_keys_present": _nonempty(system, "/etc/ssh/ssh_host_ed25519_key"),
        "host_keys_marker": system.exists(HOST_KEYS_MARKER),
        "nodeset_pub": parse_public_keys(system.read("/etc/nodepool/id_rsa.pub")),
        "nodeset_key_present": _nonempty(system, "/etc/nodepool/id_rsa"),
        "zuul_pub": parse_public_keys(system.read(home + "/.ssh/id_rsa.pub")),
        "zuul_key_present": _nonempty(system, home + "/.ssh/id_rsa"),
        "ca_present": _nonempty(system, ca_bundle),
        "ipv6_default_route": bool(route6 and route6[0] == 0 and route6[1].strip()),
        "distro": release.get("ID", ""),
        "codename": release.get("VERSION_CODENAME", ""),
        "hostname": system.hostname(),
    }


class LocalSystem:
    """The node this code runs on. ``run_command(argv) -> (rc, out, err)``, ``which(name) -> path or None``."""

    def __init__(self, run_command, which):
        self._run = run_command
        self._which = which

    @staticmethod
    def read(path):
        try:
            with open(path, "rb") as handle:
                return handle.read().decode("utf-8", "replace")
        except OSError:
            return None

    @staticmethod
    def size(path):
        try:
            return os.path.getsize(path)
        except OSError:
            return None

    @staticmethod
    def exists(path):
        return os.path.exists(path)

    @staticmethod
    def isdir(path):
        return os.path.isdir(path)

    @staticmethod
    def glob(pattern):
        return sorted(glob.glob(pattern))

    def run(self, argv):
        program = self._which(argv[0])
        if not program:
            return None
        rc, out, _err = self._run([program] + list(argv[1:]))
        return rc, out

    @staticmethod
    def alive(pid):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    @staticmethod
    def user(name):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            return None
        try:
            group = grp.getgrgid(entry.pw_gid).gr_name
        except KeyError:
            group = ""
        return entry.pw_dir, entry.pw_shell, group

    @staticmethod
    def hostname():
        return socket.gethostname()
