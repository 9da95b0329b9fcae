# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""node_probe: parsers, and the facts read from a fake node."""

import fnmatch
import os

from ansible_collections.gatekit.devstack.plugins.module_utils.gate.node_probe import (
    LocalSystem,
    installed_packages,
    parse_os_release,
    parse_public_keys,
    probe_node,
)

OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_CODENAME=bookworm\n# c\n'


class FakeSystem:
    def __init__(self, files=None, dirs=(), programs=None, *, pids=(), users=None, hostname="node-1"):
        self.files = dict(files or {})
        self.dirs = set(dirs)
        self.programs = dict(programs or {})
        self.pids = set(pids)
        self.users = dict(users or {})
        self.name = hostname
        self.ran = []

    def read(self, path):
        return self.files.get(path)

    def size(self, path):
        return len(self.files[path]) if path in self.files else None

    def exists(self, path):
        return path in self.files or path in self.dirs

    def isdir(self, path):
        return path in self.dirs

    def glob(self, pattern):
        return sorted(p for p in self.files if fnmatch.fnmatch(p, pattern))

    def run(self, argv):
        self.ran.append(argv)
        answer = self.programs.get(argv[0])
        return answer(argv) if callable(answer) else answer

    def alive(self, pid):
        return pid in self.pids

    def user(self, name):
        return self.users.get(name)

    def hostname(self):
        return self.name


def test_parsers():
    assert parse_os_release(OS_RELEASE) == {"PRETTY_NAME": "Debian GNU/Linux 12 (bookworm)", "ID": "debian",
                                            "VERSION_CODENAME": "bookworm"}
    assert parse_public_keys("ssh-ed25519 AAAA root@x\n\nbad\nssh-rsa BBBB\n") == ["ssh-ed25519 AAAA", "ssh-rsa BBBB"]
    assert parse_public_keys(None) == []
    assert installed_packages("sudo installed\ngit not-installed\nlibc6:amd64 installed\n") == {"sudo", "libc6"}


def test_a_fresh_container():
    system = FakeSystem(
        files={"/run/.containerenv": "", "/etc/os-release": OS_RELEASE, "/proc/swaps": "Filename\tType\n",
               "/etc/ssh/ssh_host_rsa_key.pub": "ssh-rsa RRRR root@image\n",
               "/etc/ssh/ssh_host_ed25519_key.pub": "ssh-ed25519 EEEE root@image\n",
               "/etc/ssh/ssh_host_ed25519_key": "secret", "/etc/gatekit/ca.crt": "PEM"},
        programs={"dpkg-query": lambda argv: (1, "sudo installed\ngit deinstall\n"),
                  "ip": (0, "")})
    facts = probe_node(system, "zuul", "/etc/gatekit/ca.crt", ["sudo", "git", "curl"])
    assert facts["container"] is True and facts["systemd"] is False and facts["iptables"] is False
    assert facts["missing_packages"] == ["git", "curl"]
    assert facts["user_exists"] is False and facts["user_home"] == "/home/zuul" and facts["user_shell"] == ""
    assert facts["host_keys"] == ["ssh-ed25519 EEEE", "ssh-rsa RRRR"]
    assert facts["host_keys_present"] and not facts["host_keys_marker"]
    assert facts["nodeset_pub"] == [] and not facts["nodeset_key_present"]
    assert facts["ca_present"] and not facts["swap_active"] and not facts["ipv6_default_route"]
    assert (facts["distro"], facts["codename"], facts["hostname"]) == ("debian", "bookworm", "node-1")
    assert not facts["sshd_running"] and not facts["keepalive_running"]
    dpkg = next(argv for argv in system.ran if argv[0] == "dpkg-query")
    assert dpkg[-3:] == ["sudo", "git", "curl"]


def test_a_provisioned_host():
    system = FakeSystem(
        files={"/etc/os-release": "ID=ubuntu\nVERSION_CODENAME=noble\n", "/proc/swaps": "Filename\n/swapfile file\n",
               "/run/sshd.pid": "42\n", "/run/gatekit-keepalive-sshd.pid": "43\n", "/etc/ssh/.gatekit-host-keys": "",
               "/etc/nodepool/id_rsa.pub": "ssh-rsa NNNN nodepool-nodeset\n", "/etc/nodepool/id_rsa": "k",
               "/srv/zuul/.ssh/id_rsa.pub": "ssh-rsa NNNN nodepool-nodeset\n", "/srv/zuul/.ssh/id_rsa": "k"},
        dirs={"/run/systemd/system"}, pids={42},
        programs={"systemd-detect-virt": (1, ""), "iptables": (0, "-P INPUT ACCEPT\n"),
                  "dpkg-query": (0, "sudo installed\n"), "ip": (0, "default via fe80::1 dev eth0\n")},
        users={"zuul": ("/srv/zuul", "/bin/bash", "zuul")})
    facts = probe_node(system, "zuul", "/etc/gatekit/ca.crt", ["sudo"])
    assert facts["container"] is False and facts["systemd"] and facts["iptables"] and facts["swap_active"]
    assert facts["missing_packages"] == []
    assert (facts["user_exists"], facts["user_home"], facts["user_shell"], facts["user_group"]) == (
        True, "/srv/zuul", "/bin/bash", "zuul")
    assert facts["sshd_running"] and not facts["keepalive_running"] and facts["host_keys_marker"]
    assert facts["nodeset_pub"] == facts["zuul_pub"] == ["ssh-rsa NNNN"]
    assert facts["nodeset_key_present"] and facts["zuul_key_present"] and not facts["ca_present"]
    assert facts["ipv6_default_route"] and facts["distro"] == "ubuntu" and facts["codename"] == "noble"


def test_no_packages_no_dpkg_call():
    system = FakeSystem(programs={"dpkg-query": (0, "")})
    assert probe_node(system, "zuul", "/ca", [])["missing_packages"] == []
    assert not any(argv[0] == "dpkg-query" for argv in system.ran)


def test_local_system_reads_this_machine(tmp_path):
    system = LocalSystem(lambda argv: (0, "out", ""), lambda name: "/bin/" + name if name == "true" else None)
    path = tmp_path / "f"
    path.write_text("x")
    assert system.read(str(path)) == "x" and system.size(str(path)) == 1
    assert system.read(str(tmp_path / "none")) is None and system.size(str(tmp_path / "none")) is None
    assert system.run(["true"]) == (0, "out") and system.run(["absent-program"]) is None
    assert system.alive(os.getpid())
    assert system.user("root")[0] == "/root" and system.user("no-such-user-gatekit") is None
    assert system.glob(str(tmp_path) + "/*") == [str(path)]
