# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers for the devstack role's functional tests: a podman worker and playbook runs."""

import json
import os
import shutil
import subprocess
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAKE_DEVSTACK = os.path.join(ROOT, "tests", "functional", "fixtures", "fake-devstack")
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def podman(*args, check=True, **kw):
    return subprocess.run(["podman", *args], check=check, capture_output=True, text=True, **kw)


def pick_image():
    """GATEKIT_DEVSTACK_IMAGE, else the dev base image, else the newest default worker image."""
    wanted = os.environ.get("GATEKIT_DEVSTACK_IMAGE")
    candidates = [wanted] if wanted else ["localhost/gatekit-devbase:bookworm"]
    if not wanted:
        out = podman("images", "--format", "{{.Repository}}:{{.Tag}}", "localhost/gatekit-worker", check=False)
        candidates += out.stdout.split()
    for image in candidates:
        if podman("image", "exists", image, check=False).returncode == 0:
            return image
    pytest.skip("no worker image (set GATEKIT_DEVSTACK_IMAGE or build one with the build_image role)")


class Worker:
    """A podman container (init as PID 1, no systemd) that ansible reaches with the podman connection."""

    def __init__(self, tmp_path):
        if shutil.which("podman") is None:
            pytest.skip("podman is not installed")
        self.name = "gkds-test-%s" % uuid.uuid4().hex[:8]
        self.tmp = tmp_path
        podman("run", "-d", "--name", self.name, "--init", "-v", "%s:%s:ro" % (CA_BUNDLE, CA_BUNDLE),
               pick_image(), "sleep", "infinity")
        self.inventory = tmp_path / "inventory.json"
        self.inventory.write_text(json.dumps({"all": {"hosts": {self.name: {
            "ansible_connection": "containers.podman.podman",
            "ansible_python_interpreter": "/usr/bin/python3"}}}}))

    def sh(self, script, check=True):
        return podman("exec", self.name, "bash", "-c", script, check=check)

    def read(self, path):
        return self.sh("cat %s" % path).stdout

    def play(self, extra_vars, tasks=None):
        """Run the devstack role with extra_vars; return (rc, ansible json output, raw stdout)."""
        playbook = self.tmp / "play.yml"
        playbook.write_text(json.dumps([{
            "name": "devstack role under test", "hosts": "all", "gather_facts": False,
            "roles": [{"role": "gatekit.devstack.devstack"}],
            "tasks": tasks or [],
        }]))
        varsfile = self.tmp / "vars.json"
        varsfile.write_text(json.dumps(extra_vars))
        env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"),
                   ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
                   ANSIBLE_COLLECTIONS_PATH=ROOT, ANSIBLE_LOCAL_TEMP=str(self.tmp / "ansible-tmp"))
        res = subprocess.run(
            [os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "-i", str(self.inventory), str(playbook),
             "-e", "@%s" % varsfile],
            check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
        try:  # the json callback's document, then possibly the timer callback's line
            data = json.JSONDecoder().raw_decode(res.stdout[res.stdout.index("{"):])[0]
        except ValueError:
            data = {}
        return res.returncode, data, res.stdout + res.stderr

    def remove(self):
        podman("rm", "-f", "-t", "0", self.name, check=False)


def git_repo(src, dest, origin):
    """Copy the stand-in DevStack tree to dest and commit it (a local git 'server' repository)."""
    shutil.copytree(src, dest)
    (dest / "ORIGIN").write_text(origin + "\n")
    env = dict(os.environ, GIT_AUTHOR_NAME="gatekit", GIT_AUTHOR_EMAIL="gatekit@example.invalid",
               GIT_COMMITTER_NAME="gatekit", GIT_COMMITTER_EMAIL="gatekit@example.invalid")
    for cmd in (["init", "-q", "-b", "master"], ["add", "-A"], ["commit", "-q", "-m", "stand-in devstack"]):
        subprocess.run(["git", *cmd], cwd=dest, check=True, env=env, capture_output=True)
    return dest
