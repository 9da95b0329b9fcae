# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input, as a user meets it: one table of cases across modules, roles and job specs.

Every case runs through Ansible the way a user would (``ansible localhost -m
gatekit.devstack.X``, a play that includes a role, or ``ansible-playbook site.yml`` with a
bad job spec, which fails in the prepare stage before any image or worker work), and checks
what the user sees:

(a) it fails (non-zero exit, no Python traceback);
(b) the message names the offending key and the reason (each ``expect`` pattern, matched
    on the output with line wrapping undone);
(c) nothing is written or half-written: the case's directory holds exactly the files the
    case itself put there, and the paths a successful run would create do not exist.

Cases that are unsafe but valid (``$(``, backticks, quotes in values) are at the end: they
must be written literally, never executed.
"""

import json
import os
import re
import shlex
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
ANSIBLE = os.path.join(BIN, "ansible")
PLAYBOOK = os.path.join(BIN, "ansible-playbook")


def case(cid, kind, target, args=None, expect=(), files=None, extra=None, absent=()):  # noqa: PLR0917 - one table row
    """One bad input.

    kind: ``module`` (target = module name, args = its arguments), ``role`` (target =
    role[:tasks_from], args = its variables) or ``job`` (target = the job spec text given
    to site.yml, or None with ``files`` holding a Zuul configuration and ``extra`` its -e).
    ``{tmp}`` in any string is the case's own directory. ``absent``: paths (relative to it)
    that must not exist afterwards, on top of "no new file at all".
    """
    return pytest.param(dict(kind=kind, target=target, args=args or {}, expect=expect,
                             files=files or {}, extra=extra or {}, absent=absent), id=cid)


ZUUL_CYCLE = """\
- job: {name: gk-a, parent: gk-b}
- job: {name: gk-b, parent: gk-c}
- job: {name: gk-c, parent: gk-a}
"""

CASES = [
    # ---- job specs given to `make gate JOB=...` (site.yml, prepare stage) ----
    case("job-missing-file", "job", None, extra={"gate_job_file": "{tmp}/no-such-job.yml"},
         expect=[r"job_file: \S*/no-such-job\.yml does not exist"], absent=["builds"]),
    case("job-not-yaml", "job", "name: [unclosed\n", expect=[r"job\.yml: not valid YAML"], absent=["builds"]),
    case("job-not-a-mapping", "job", "- name: x\n", expect=[r"job\.yml: a job spec is a mapping .* got list"], absent=["builds"]),
    case("job-unknown-parent", "job", "name: gk-x\nparent: no-such-parent\n",
         expect=[r"gk-x\.parent", r"no-such-parent", r"not defined"], absent=["builds"]),
    case("job-parent-cycle", "job", None, files={"zuul.d/jobs.yaml": ZUUL_CYCLE},
         extra={"gate_zuul_config": "{tmp}/zuul.d", "gate_zuul_job": "gk-a"},
         expect=[r"\.parent", r"parent cycle", r"gk-a -> gk-b -> gk-c -> gk-a"], absent=["builds"]),
    case("job-self-parent", "job", "name: gk-x\nparent: gk-x\n",
         expect=[r"gk-x\.parent", r"(cycle|itself)"], absent=["builds"]),
    case("job-unknown-zuul-job", "job", None, files={"zuul.d/jobs.yaml": ZUUL_CYCLE},
         extra={"gate_zuul_config": "{tmp}/zuul.d", "gate_zuul_job": "gk-nope"},
         expect=[r"gk-nope", r"no job named"], absent=["builds"]),
    case("job-missing-zuul-config", "job", None,
         extra={"gate_zuul_config": "{tmp}/no-zuul.d", "gate_zuul_job": "gk-a"},
         expect=[r"config", r"no-zuul\.d does not exist"], absent=["builds"]),
    case("job-timeout-not-number", "job", "name: gk-x\nparent: gatekit-tempest\ntimeout: soon\n",
         expect=[r"job\.yml\.timeout: expected an integer, got str .soon"], absent=["builds"]),
    case("job-vars-not-mapping", "job", "name: gk-x\nparent: gatekit-tempest\nvars: [a, b]\n",
         expect=[r"vars", r"mapping"], absent=["builds"]),
    case("job-unknown-nodeset", "job", "name: gk-x\nparent: gatekit-tempest\nnodeset: gk-no-such-nodeset\n",
         expect=[r"nodeset", r"gk-no-such-nodeset"], absent=["builds"]),
    case("job-unknown-key", "job", "name: gk-x\nparent: gatekit-tempest\nvarz: {a: 1}\n",
         expect=[r"varz", r"unknown"], absent=["builds"]),
    case("job-name-missing", "job", "parent: gatekit-tempest\nvars: {}\n",
         expect=[r"name", r"(required|needs|give)"], absent=["builds"]),
    case("job-bad-regex", "job",
         "name: gk-x\nparent: gatekit-tempest\nvars: {tempest_test_regex: '^(tempest\\.api'}\n",
         expect=[r"tempest_test_regex", r"not a valid regular expression"], absent=["builds"]),
    case("job-localrc-newline", "job",
         "name: gk-x\nparent: gatekit-tempest\nvars:\n  devstack_localrc: {ADMIN_PASSWORD: \"a\\nb\"}\n",
         expect=[r"ADMIN_PASSWORD", r"newline"], absent=["builds"]),

    # ---- modules ----
    case("local_conf-localrc-not-dict", "module", "devstack_local_conf",
         {"path": "{tmp}/out/local.conf", "localrc": ["A=1"]},
         expect=[r"localrc", r"dict"], absent=["out"]),
    case("local_conf-unknown-option", "module", "devstack_local_conf",
         {"path": "{tmp}/local.conf", "locarc": {"A": 1}},
         expect=[r"locarc", r"Unsupported parameters"], absent=["local.conf"]),
    case("local_conf-newline-value", "module", "devstack_local_conf",
         {"path": "{tmp}/local.conf", "localrc": {"ADMIN_PASSWORD": "x\nrm -rf /"}},
         expect=[r"ADMIN_PASSWORD", r"newline"], absent=["local.conf"]),
    case("local_conf-bad-variable-name", "module", "devstack_local_conf",
         {"path": "{tmp}/local.conf", "localrc": {"A;touch /tmp/x": "1"}},
         expect=[r"A;touch /tmp/x", r"(not a valid|variable name)"], absent=["local.conf"]),
    case("local_conf-shell-not-string", "module", "devstack_local_conf",
         {"path": "{tmp}/local.conf", "localrc": {"HOST": {"shell": 1, "other": 2}}},
         expect=[r"HOST", r"shell"], absent=["local.conf"]),
    case("local_conf-missing-dir", "module", "devstack_local_conf",
         {"path": "{tmp}/no/such/dir/local.conf", "localrc": {"A": "1"}},
         expect=[r"no/such/dir", r"(does not exist|No such file)"], absent=["no"]),
    case("gate_env-bad-legacy-key", "module", "devstack_gate_env",
         {"path": "{tmp}/env.sh", "legacy_env": {"DEVSTACK_GATE_X; touch /tmp/gkbad": "1"}},
         expect=[r"DEVSTACK_GATE_X; touch /tmp/gkbad", r"(not a valid|variable name)"], absent=["env.sh"]),
    case("gate_env-timeout-type", "module", "devstack_gate_env",
         {"path": "{tmp}/env.sh", "job_vars": {}, "timeout": "soon"},
         expect=[r"timeout", r"int"], absent=["env.sh"]),
    case("gate_env-both-forms", "module", "devstack_gate_env",
         {"path": "{tmp}/env.sh", "job_vars": {}, "legacy_env": {"DEVSTACK_GATE_TEMPEST": "1"}},
         expect=[r"job_vars", r"legacy_env", r"mutually exclusive"], absent=["env.sh"]),
    case("zuul_job-cycle", "module", "zuul_job", {"config": "{tmp}/zuul.d", "name": "gk-b"},
         files={"zuul.d/jobs.yaml": ZUUL_CYCLE},
         expect=[r"\.parent", r"parent cycle: gk-b -> gk-c -> gk-a -> gk-b"]),
    case("zuul_job-job-not-dict", "module", "zuul_job", {"job": "gk-a"},
         expect=[r"job", r"dict"]),
    case("zuul_config-cycle", "module", "zuul_config",
         {"dest": "{tmp}/zuul.d", "config": {"jobs": [{"name": "gk-a", "parent": "gk-b"},
                                                       {"name": "gk-b", "parent": "gk-a"}]}},
         expect=[r"parent", r"cycle"], absent=["zuul.d"]),
    case("zuul_config-unknown-key", "module", "zuul_config",
         {"dest": "{tmp}/zuul.d", "config": {"jobs": [{"name": "gk-a", "nodesett": "x"}]}},
         expect=[r"nodesett", r"(extra keys not allowed|unknown)"], absent=["zuul.d"]),
    case("zuul_config-timeout-type", "module", "zuul_config",
         {"dest": "{tmp}/zuul.d", "config": {"jobs": [{"name": "gk-a", "timeout": "soon"}]}},
         expect=[r"timeout", r"int"], absent=["zuul.d"]),
    case("tempest_plan-bad-regex", "module", "tempest_plan",
         {"workspace": "{tmp}/ws", "test_regex": "^(tempest\\.api"},
         expect=[r"tempest_test_regex", r"not a valid regular expression"], absent=["ws"]),
    case("tempest_plan-bad-exclude-regex", "module", "tempest_plan",
         {"workspace": "{tmp}/ws", "exclude_regex": "[a-"},
         expect=[r"tempest_exclude_regex", r"not a valid regular expression"], absent=["ws"]),
    case("tempest_plan-regex-whitespace", "module", "tempest_plan",
         {"workspace": "{tmp}/ws", "test_regex": "(?x) tempest\\.api"},
         expect=[r"tempest_test_regex", r"whitespace"], absent=["ws"]),
    case("tempest_plan-missing-include-list", "module", "tempest_plan",
         {"workspace": "{tmp}/ws", "include_lists": ["{tmp}/no-such-list.txt"]},
         expect=[r"tempest_test_include_list", r"no-such-list\.txt"], absent=["ws"]),
    case("tempest_plan-unknown-envlist", "module", "tempest_plan",
         {"workspace": "{tmp}/ws", "tox_envlist": "fulll"},
         expect=[r"tox_envlist", r"fulll"], absent=["ws"]),
    case("tempest_plan-bad-plugin", "module", "tempest_plan",
         {"workspace": "{tmp}/ws", "plugins": ["!!not a plugin"]},
         expect=[r"tempest_plugins", r"cannot read a distribution name"], absent=["ws"]),
    case("tempest_plan-plugin-without-name", "module", "tempest_plan",
         {"workspace": "{tmp}/ws", "plugins": [{"src": "git+https://example.org/x"}]},
         expect=[r"tempest_plugins", r"needs a 'name'"], absent=["ws"]),
    case("tempest_plan-plugin-twice", "module", "tempest_plan",
         {"workspace": "{tmp}/ws", "plugins": ["keystone-tempest-plugin", "keystone_tempest_plugin"]},
         expect=[r"tempest_plugins", r"more than once"], absent=["ws"]),
    case("tempest_plan-concurrency-type", "module", "tempest_plan",
         {"workspace": "{tmp}/ws", "concurrency": "two"},
         expect=[r"concurrency", r"int"], absent=["ws"]),
    case("tempest_results-missing-subunit", "module", "tempest_results",
         {"path": "{tmp}/no.subunit", "junit_path": "{tmp}/junit.xml"},
         expect=[r"no\.subunit", r"(does not exist|not found|missing)"], absent=["junit.xml"]),
    case("nodepool_config-unknown-image", "module", "nodepool_config",
         {"nodepool_path": "{tmp}/nodepool.yaml",
          "labels": [{"name": "gk-l", "image": "gk-no-such-image"}]},
         expect=[r"labels\[0\]\.image", r"gk-no-such-image.? is not one of the images"], absent=["nodepool.yaml"]),
    case("nodepool_config-unknown-provider-key", "module", "nodepool_config",
         {"nodepool_path": "{tmp}/nodepool.yaml",
          "providers": [{"name": "p", "driver": "openstack", "cloud": "c", "max_servrs": 3}]},
         expect=[r"max_servrs", r"unknown"], absent=["nodepool.yaml"]),
    case("jjb_jobs-missing-source", "module", "jjb_jobs",
         {"output_dir": "{tmp}/jenkins", "sources": ["{tmp}/no-such.yaml"]},
         expect=[r"no-such\.yaml", r"(does not exist|not found|No such file)"], absent=["jenkins"]),
    case("zuul_migrate-missing-layout", "module", "zuul_migrate",
         {"layout": "{tmp}/layout.yaml", "jjb_paths": ["{tmp}/jjb"], "output_dir": "{tmp}/out"},
         expect=[r"layout", r"layout\.yaml", r"(does not exist|not found|No such file)"], absent=["out"]),
    case("node_tree-bad-mode", "module", "node_tree",
         {"paths": [{"path": "{tmp}/f", "content": "x", "mode": "0999"}]},
         expect=[r"mode", r"0999"], absent=["f"]),
    case("node_tree-relative-path", "module", "node_tree",
         {"paths": [{"path": "relative/f", "content": "x"}]},
         expect=[r"relative/f", r"absolute"]),
    case("gate_report-bad-verdict", "module", "gate_report",
         {"build_dir": "{tmp}/b", "build_id": "x", "verdict": "MAYBE"},
         expect=[r"verdict", r"MAYBE", r"one of"], absent=["b"]),
    case("image_build-unreachable-mirror", "module", "image_build",
         {"name": "gkbad", "backend": "debootstrap", "mirror": "http://127.0.0.1:9/debian",
          "security_mirror": "http://127.0.0.1:9/debian-security",
          "elements_path": [os.path.join(ROOT, "roles/build_image/files/elements")],
          "elements": ["gatekit-base"], "cache_dir": "{tmp}/images", "key_dir": "",
          "podman_import": False, "formats": ["tar"]},
         expect=[r"mirror", r"127\.0\.0\.1:9/debian", r"unreachable"], absent=["images"]),
    case("image_build-missing-elements-path", "module", "image_build",
         {"name": "gkbad", "elements_path": ["{tmp}/no-elements"], "cache_dir": "{tmp}/images", "key_dir": ""},
         expect=[r"elements_path", r"no-elements is not a directory"], absent=["images"]),

    # ---- roles (argument specs, checked before any task) ----
    case("role-devstack-method", "role", "devstack", {"devstack_method": "docker"},
         expect=[r"devstack_method", r"one of"]),
    case("role-devstack-localrc-type", "role", "devstack", {"devstack_localrc": ["ADMIN_PASSWORD=x"]},
         expect=[r"devstack_localrc", r"dict"]),
    case("role-tempest-concurrency-type", "role", "tempest", {"tempest_concurrency": "two"},
         expect=[r"tempest_concurrency", r"int"]),
    case("role-nodepool_worker-sshd-type", "role", "nodepool_worker",
         {"nodepool_worker_sshd_settings": "PasswordAuthentication yes"},
         expect=[r"nodepool_worker_sshd_settings", r"dict"]),
    case("role-devstack_gate-job-env-type", "role", "devstack_gate:run",
         {"devstack_gate_job_env": ["DEVSTACK_GATE_TEMPEST=1"]},
         expect=[r"devstack_gate_job_env", r"dict"]),
    case("role-worker_pool-size", "role", "worker_pool",
         {"worker_pool_size": 0, "worker_pool_name_prefix": "gkbad", "worker_pool_network": "gkbad",
          "worker_pool_image_ref": "localhost/gkbad-none"},
         expect=[r"worker_pool_size", r"(at least 1|>= ?1|positive)"]),
    case("role-build_image-mirror", "role", "build_image",
         {"build_image_mirror": "http://127.0.0.1:9/debian", "build_image_name": "gkbad",
          "build_image_security_mirror": "http://127.0.0.1:9/debian-security",
          "build_image_cache_dir": "{tmp}/images", "build_image_key_dir": "",
          "build_image_podman_import": False, "build_image_backend": "debootstrap"},
         expect=[r"mirror", r"127\.0\.0\.1:9/debian", r"unreachable"], absent=["images"]),
]


def _fill(value, tmp):
    if isinstance(value, str):
        return value.replace("{tmp}", tmp)
    if isinstance(value, list):
        return [_fill(v, tmp) for v in value]
    if isinstance(value, dict):
        return {_fill(k, tmp): _fill(v, tmp) for k, v in value.items()}
    return value


def _tree(path):
    found = set()
    for base, dirs, files in os.walk(path):
        for name in dirs + files:
            found.add(os.path.relpath(os.path.join(base, name), path))
    return found


def _env(tmp_path):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_FORCE_COLOR="0", ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"))
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    return env


def run_case(spec, tmp_path):
    """Run one case; return (returncode, output, the case directory)."""
    work = tmp_path / "case"
    work.mkdir()
    tmp = str(work)
    for rel, text in spec["files"].items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_text(text)
    kind, target = spec["kind"], spec["target"]
    args = _fill(spec["args"], tmp)
    if kind == "module":
        cmd = [ANSIBLE, "localhost", "-m", "gatekit.devstack." + target, "-a", json.dumps(args)]
    elif kind == "role":
        role, _, tasks_from = target.partition(":")
        include = {"name": "gatekit.devstack." + role}
        if tasks_from:
            include["tasks_from"] = tasks_from
        play = [{"hosts": "localhost", "gather_facts": False, "vars": args,
                 "tasks": [{"name": "Include the role", "ansible.builtin.include_role": include}]}]
        (tmp_path / "play.yml").write_text(json.dumps(play))
        cmd = [PLAYBOOK, str(tmp_path / "play.yml")]
    else:
        extra = _fill(spec["extra"], tmp)
        if target is not None:
            (work / "job.yml").write_text(target)
            extra.setdefault("gate_job_file", tmp + "/job.yml")
        extra.setdefault("gate_builds_dir", tmp + "/builds")
        # A safety net, should a case ever get past prepare: no worker of anyone else's
        # pool is touched (own prefix and network, and an engine that is not there).
        extra.update(worker_pool_name_prefix="gkbad", worker_pool_network="gkbad",
                     worker_pool_engine="docker", worker_pool_docker_host="unix://" + tmp + "/no.sock")
        cmd = [PLAYBOOK, os.path.join(ROOT, "site.yml"), "-e", json.dumps(extra)]
    before = _tree(tmp)
    proc = subprocess.run(cmd, cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True,
                          timeout=120, check=False)
    return proc.returncode, proc.stdout + proc.stderr, work, before


def flat(text):
    """The output with the callback's line wrapping (and YAML's quote doubling) undone."""
    return re.sub(r"\s+", " ", text).replace("''", "'")


@pytest.mark.parametrize("spec", CASES)
def test_bad_input(spec, tmp_path):
    rc, out, work, before = run_case(spec, tmp_path)
    shown = "\n$ %s case\n%s" % (spec["kind"], out[-4000:])
    # (a) it fails, as an Ansible failure, not a crash
    assert rc != 0, "expected a failure" + shown
    assert "Traceback (most recent call last)" not in out, "a Python traceback reached the user" + shown
    assert re.search(r"FAILED!|\[ERROR\]|fatal:", out), shown
    if spec["kind"] == "job":
        assert "===== [1/9]" not in out, "the job got past the prepare stage" + shown
    # (b) the message names the key and the reason
    text = flat(out)
    for pattern in spec["expect"]:
        assert re.search(pattern, text), "the message lacks %r%s" % (pattern, shown)
    # (c) nothing written or half-written
    after = _tree(str(work))
    assert after == before, "files were written: %s%s" % (sorted(after - before), shown)
    for rel in spec["absent"]:
        assert not (work / rel).exists(), "%s exists%s" % (rel, shown)


def test_case_count():
    """The table keeps at least 30 cases."""
    assert len(CASES) >= 30


# ---- unsafe but valid values: written literally, never executed ----

UNSAFE = "it's \"quoted\" `touch {canary}` $(touch {canary}) ${{HOME}}"


def _sourced(path, name):
    proc = subprocess.run(["bash", "-c", "set -eu; source %s; printf %%s \"$%s\"" % (shlex.quote(path), name)],
                          capture_output=True, text=True, check=False, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_unsafe_values_stay_literal(tmp_path):
    """`$(`, backticks and quotes in DEVSTACK_GATE_* and localrc values are data, not code."""
    canary = tmp_path / "canary"
    value = UNSAFE.format(canary=canary)
    env_sh, local_conf = tmp_path / "env.sh", tmp_path / "local.conf"
    tasks = [
        ["devstack_gate_env", {"path": str(env_sh), "legacy_env": {"DEVSTACK_GATE_TEMPEST_REGEX": value,
                                                                  "DEVSTACK_GATE_TEMPEST": "1"}}],
        ["devstack_local_conf", {"path": str(local_conf), "localrc": {"ADMIN_PASSWORD": value}}],
    ]
    for module, args in tasks:
        proc = subprocess.run([ANSIBLE, "localhost", "-m", "gatekit.devstack." + module, "-a", json.dumps(args)],
                              cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True, timeout=120,
                              check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _sourced(str(env_sh), "DEVSTACK_GATE_TEMPEST_REGEX") == value
    localrc = tmp_path / "localrc.sh"
    lines = local_conf.read_text().split("[[local|localrc]]\n", 1)[1].split("\n\n", 1)[0]
    localrc.write_text(lines + "\n")
    assert _sourced(str(localrc), "ADMIN_PASSWORD") == value
    assert not canary.exists(), "a value was executed"
