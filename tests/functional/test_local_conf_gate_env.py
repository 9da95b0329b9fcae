# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""devstack_local_conf / devstack_gate_env / zuul_legacy_vars against the real tools.

* zuul_legacy_vars is compared with Zuul 14.3's own filter (.venv-zuul) on many zuul dicts;
* both modules run through ansible-playbook on localhost: create, idempotence, check, diff;
* the env file and the localrc section are sourced by bash.
"""

import json
import os
import random
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ZUUL_PY = os.path.join(ROOT, ".venv-zuul", "bin", "python")
sys.path.insert(0, ROOT)  # ansible_collections/gatekit/devstack -> ../.. (see README)

from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.gate_env import zuul_legacy_vars  # noqa: E402


def zuul_dicts():
    rng = random.Random(7)
    out = [{"build": "b", "project": {"name": "openstack/nova"}, "pipeline": "check", "voting": True}]
    for i in range(60):
        zuul = {
            "build": "%032x" % rng.getrandbits(128),
            "project": {"name": rng.choice(["opendev.org/openstack/nova", "openstack/keystone", "x"])},
            "pipeline": rng.choice(["check", "gate", "post", "periodic"]),
            "voting": rng.random() < 0.5,
        }
        if rng.random() < 0.7:
            zuul["timeout"] = rng.choice([None, 60, 3600, "7200"])
        if rng.random() < 0.8:
            zuul["branch"] = rng.choice(["master", "stable/zed"])
        kind = rng.choice(["change", "ref", "none"])
        if kind == "change":
            items = []
            for _item in range(rng.randint(1, 3)):
                change = rng.choice([7, 42, 12345, 987654])
                items.append({"project": {"name": "openstack/p%d" % i}, "branch": "master", "change": change, "patchset": rng.randint(1, 9)})
            zuul.update(change=items[-1]["change"], patchset=items[-1]["patchset"], items=items)
        elif kind == "ref":
            zuul["ref"] = "refs/heads/master"
            if rng.random() < 0.5:
                zuul["newrev"] = "%040x" % rng.getrandbits(160)
            else:
                zuul["oldrev"] = "%040x" % rng.getrandbits(160)
        out.append(zuul)
    return out


@pytest.mark.skipif(not os.path.exists(ZUUL_PY), reason="needs .venv-zuul (make setup)")
def test_zuul_legacy_vars_same_as_zuul():
    cases = zuul_dicts()
    script = (
        "import json, sys\n"
        "from zuul.ansible.base.filter.zuul_filters import zuul_legacy_vars\n"
        "print(json.dumps([zuul_legacy_vars(z) for z in json.load(sys.stdin)]))\n"
    )
    proc = subprocess.run([ZUUL_PY, "-c", script], input=json.dumps(cases), capture_output=True, text=True, check=True)
    expected = json.loads(proc.stdout)
    ours = [json.loads(json.dumps(zuul_legacy_vars(z))) for z in cases]
    assert len(ours) == len(cases) == 61
    for case, exp, got in zip(cases, expected, ours, strict=True):
        assert got == exp, case
        assert list(got) == list(exp)  # same key order, so TOX_TESTENV_PASSENV matches too


PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: local.conf
      gatekit.devstack.devstack_local_conf:
        path: "{{ out }}/local.conf"
        base_dir: /opt/stack
        localrc:
          PYTHON3_VERSION: "3.10"
          ERROR_ON_CLONE: true
          LITERAL: 'a "b" $(c) `d`'
          HOST_IP: {shell: "$(echo 10.0.0.1)"}
          IMAGE_URLS: [http://a/x.img, http://b/y.img]
        services: {base: false, key: true, mysql: true}
        plugins: {neutron: https://opendev.org/openstack/neutron}
        tempest_plugins: [keystone-tempest-plugin]
        local_conf:
          post-config:
            $KEYSTONE_CONF:
              DEFAULT: {debug: true, allowed_origin: [http://a, http://b]}
    - name: gate env
      gatekit.devstack.devstack_gate_env:
        path: "{{ out }}/gate-env.sh"
        local_conf_path: "{{ out }}/dg-local.conf"
        job_vars:
          devstack_services: {tempest: true, tls-proxy: true}
          devstack_localrc: {ENABLE_FILE_INJECTION: true}
          tox_envlist: full
        timeout: 7200
        zuul:
          build: abc
          project: {name: opendev.org/openstack/nova}
          pipeline: check
          voting: true
          branch: master
          change: 12345
          patchset: 2
          items:
            - {project: {name: opendev.org/openstack/nova}, branch: master, change: 12345, patchset: 2}
"""


def run_playbook(tmp_path, *extra):
    pb = tmp_path / "pb.yml"
    pb.write_text(PLAYBOOK)
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), str(pb), "-e", "out=%s" % tmp_path, *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    recap = [line for line in proc.stdout.splitlines() if line.startswith("localhost")][-1]
    return proc.stdout, int(recap.split("changed=")[1].split()[0])


def test_modules_in_a_playbook(tmp_path):
    out, changed = run_playbook(tmp_path, "--check", "--diff")
    assert changed == 2
    assert "+enable_service key" in out and "+export DEVSTACK_GATE_TEMPEST_FULL=1" in out
    assert not (tmp_path / "local.conf").exists()
    _out, changed = run_playbook(tmp_path)
    assert changed == 2
    _out, changed = run_playbook(tmp_path)
    assert changed == 0
    _out, changed = run_playbook(tmp_path, "--check")
    assert changed == 0

    text = (tmp_path / "local.conf").read_text()
    localrc = text.split("[[local|localrc]]\n", 1)[1].split("\n\n", 1)[0]
    shell = "\n".join(
        [
            "disable_all_services() { :; }; enable_service() { :; }; enable_plugin() { :; }",
            localrc,
            'printf "%s\\0" "$PYTHON3_VERSION" "$ERROR_ON_CLONE" "$LITERAL" "$HOST_IP" "$IMAGE_URLS" "$TEMPEST_PLUGINS"',
        ]
    )
    got = subprocess.run(["bash", "-c", shell], capture_output=True, check=True).stdout.decode().split("\0")[:-1]
    assert got == ["3.10", "True", 'a "b" $(c) `d`', "10.0.0.1", "http://a/x.img,http://b/y.img", "/opt/stack/keystone-tempest-plugin"]
    assert "allowed_origin = http://a\nallowed_origin = http://b\n" in text
    assert text.rstrip("\n").endswith("allowed_origin = http://b")

    script = 'set -eu; source "$1"; printf "%s|%s|%s|%s|%s" "$ZUUL_CHANGES" "$BUILD_TIMEOUT" "$WORKSPACE" "$DEVSTACK_GATE_TLSPROXY" "$ZUUL_VOTING"'
    got = subprocess.run(["bash", "-c", script, "x", str(tmp_path / "gate-env.sh")], capture_output=True, check=True, text=True).stdout
    assert got == "opendev.org/openstack/nova:master:refs/changes/45/12345/2|7200000|/home/zuul/workspace|1|True"
    assert (tmp_path / "dg-local.conf").read_text() == '[[local|localrc]]\nENABLE_FILE_INJECTION="True"\n\n'
