# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The default worker image, started with podman, checked from the inside."""

import json
import os

import pytest
import testinfra

NAME = "gkimg-molecule"


@pytest.fixture(scope="module")
def worker():
    return testinfra.get_host("podman://" + NAME)


@pytest.fixture(scope="module")
def image():
    path = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "gatekit_image.json")
    with open(path) as f:
        return json.load(f)


def test_fact_shape(image):
    for key in ("name", "digest", "tar", "qcow2", "podman_ref", "built_at", "packages",
                "cache_hit", "key"):
        assert key in image
    assert image["podman_ref"].endswith(":" + image["digest"][:12])


def test_zuul_user_with_valid_sudo(worker):
    zuul = worker.user("zuul")
    assert zuul.exists
    assert zuul.uid == 1000
    assert zuul.shell == "/bin/bash"
    sudoers = worker.file("/etc/sudoers.d/zuul")
    assert sudoers.mode == 0o440
    assert worker.run("visudo -c").rc == 0
    assert worker.run("su - zuul -c 'sudo -n true'").rc == 0


def test_authorized_key_is_the_controller_key(worker):
    keys = worker.file("/home/zuul/.ssh/authorized_keys")
    assert keys.mode == 0o600
    assert keys.user == "zuul"
    with open(os.path.expanduser("~/.cache/gatekit/keys/id_ed25519.pub")) as f:
        assert f.read().strip() in keys.content_string
    assert oct(os.stat(os.path.expanduser("~/.cache/gatekit/keys/id_ed25519")).st_mode & 0o777) == "0o600"


def test_metadata_and_layout(worker):
    assert worker.file("/etc/image-hostname.txt").content_string.strip() == "gatekit-worker"
    assert worker.file("/etc/dib-builddate.txt").exists
    assert worker.file("/opt/git").user == "zuul"
    assert worker.file("/home/zuul/cache/files").linked_to == "/opt/cache/files"
    # /run/sshd is a runtime directory (systemd's tmpfiles make it on a VM); a worker
    # container creates it before starting sshd, as nodepool_worker does.
    assert worker.run("mkdir -p /run/sshd && /usr/sbin/sshd -t").rc == 0


@pytest.mark.parametrize("pkg", ["python3-venv", "python3-dev", "build-essential", "sudo",
                                 "openssh-server", "git", "rsync", "curl", "iproute2",
                                 "procps", "iptables", "mariadb-server", "mariadb-client"])
def test_packages(worker, pkg):
    assert worker.package(pkg).is_installed


def test_host_ca_is_trusted(worker):
    assert worker.file("/etc/pip.conf").contains("/etc/ssl/certs/ca-certificates.crt")
    extra = worker.run("ls /usr/local/share/ca-certificates/gatekit/")
    assert extra.rc == 0 and extra.stdout.strip()


def test_wheelhouse_installs_offline(worker):
    assert worker.file("/opt/cache/wheels/requirements.txt").exists
    cmd = ("rm -rf /tmp/gkimg-venv && python3 -m venv /tmp/gkimg-venv && "
           "/tmp/gkimg-venv/bin/pip install -q --no-index --find-links /opt/cache/wheels "
           "keystone tempest uwsgi PyMySQL && /tmp/gkimg-venv/bin/uwsgi --version && "
           "/tmp/gkimg-venv/bin/tempest --version")
    out = worker.run(cmd)
    assert out.rc == 0, out.stderr
