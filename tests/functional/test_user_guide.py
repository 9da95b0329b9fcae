# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The user guides (docs/guide/*.md), run as a user runs them.

A guide's runnable blocks are its ```console blocks: ``$ `` starts a command (a trailing
backslash continues it), the other lines are what it prints (``...`` elides). Each guide's
commands run in order, in one shell state (environment variables carry over, as in a
terminal), from a fresh ``git clone`` of this repository's HEAD: commit before testing.
Every command must match exactly one entry of CHECKS, which checks its result beyond the
exit status (files written, zuul / nodepool / JJB accept them, the printed lines the guide
shows); a command nobody checks fails test_every_command_is_checked. Blocks in other
languages must not contain ``$ `` commands (a command the test would not see).

``make gate`` gets a worker prefix of its own (GATE_ARGS, appended by the test, not shown
in the guide) so it does not meet other gates on the same machine: GKGUIDE_PREFIX, default
``gkguide``.
"""

import json
import os
import re
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUIDES = {
    "add-a-devstack-gate": os.path.join(ROOT, "docs", "guide", "add-a-devstack-gate.md"),
    "migrate-a-legacy-job": os.path.join(ROOT, "docs", "guide", "migrate-a-legacy-job.md"),
}
PREFIX = os.environ.get("GKGUIDE_PREFIX", "gkguide")
GATE_ARGS = "-e worker_pool_name_prefix=%s -e worker_pool_network=%s" % (PREFIX, PREFIX)
ELIDED = "..."


# ---- reading a guide ---------------------------------------------------------------------

def blocks(path):
    """[(language, [lines], line number of the fence)] of a markdown file's fenced blocks."""
    out, lang, body, start = [], None, [], 0
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle.read().splitlines(), 1):
            if lang is None and line.startswith("```"):
                lang, body, start = line[3:].strip(), [], number
            elif lang is not None and line.startswith("```"):
                out.append((lang, body, start))
                lang = None
            elif lang is not None:
                body.append(line)
    assert lang is None, "%s: fenced block at line %d is not closed" % (path, start)
    return out


def commands(path):
    """[(command, [expected output lines], line)] of the guide's console blocks, in order."""
    out = []
    for lang, body, start in blocks(path):
        if lang != "console":
            continue
        current = None
        for offset, line in enumerate(body, 1):
            if current is not None and current[0].endswith("\\"):
                current[0] = current[0][:-1].rstrip() + " " + line.strip()
            elif line.startswith("$ "):
                current = [line[2:].strip(), [], start + offset]
                out.append(current)
            elif current is not None:
                current[1].append(line)
    return [tuple(c) for c in out]


# ---- checking what a command printed ------------------------------------------------------

def shown(expected):
    """The guide's output lines that are real output (not ``...``, not blank)."""
    return [line.rstrip() for line in expected if line.strip() and line.strip() != ELIDED]


def expect_in_order(output, expected):
    """The guide's output lines appear in the command's output, in that order."""
    lines = [line.rstrip() for line in output.splitlines()]
    position = 0
    for want in shown(expected):
        while position < len(lines) and lines[position] != want:
            position += 1
        assert position < len(lines), "the guide shows %r, the command did not print it (in this order):\n%s" % (
            want, output[-3000:])
        position += 1


def expect_listed(output, expected):
    """ls: every name the guide lists is listed (ls sorts by locale; order is not checked)."""
    listed = {line.strip() for line in output.splitlines()}
    for want in shown(expected):
        if want.endswith(":"):
            continue
        assert want.strip() in listed, "the guide lists %r; ls printed:\n%s" % (want, output)


def check_gate(ctx, proc, expected):
    expect_in_order(proc.stdout, [line for line in expected if "GATE PASSED" not in line and "=====" not in line])
    # the verdict is the last task's message (a list item in Ansible's output)
    assert re.search(r"GATE PASSED: keystone-gatekit-tempest \(build [0-9]{8}-[0-9]{6}-[a-z0-9]{4}\)",
                     proc.stdout), proc.stdout[-3000:]
    for line in expected:
        if "=====" in line:
            assert line.strip() in proc.stdout, line
    build = os.path.join(ctx["clone"], "builds", "latest")
    assert os.path.realpath(build).startswith(os.path.join(ctx["clone"], "builds") + os.sep)
    summary = json.load(open(os.path.join(build, "tempest_summary.json"), encoding="utf-8"))
    assert summary["failed"] == 0 and summary["passed"] > 0, summary
    junit = open(os.path.join(build, "junit.xml"), encoding="utf-8").read()
    # the project's own plugin ran, and the two tempest modules of the selection
    for name in ("keystone_tempest_plugin.", "tempest.api.identity.v3.test_tokens", "tempest.api.identity.v3.test_projects"):
        assert name in junit, name
    assert "tempest.api.identity.admin" not in junit  # the selection is the job's, not the default's
    assert os.path.exists(os.path.join(build, "index.html"))
    assert os.path.exists(os.path.join(build, "jobs", "zuul.d", "jobs.yaml"))
    assert os.path.isdir(os.path.join(build, "logs", PREFIX + "-primary"))


def check_ls(_ctx, proc, expected):
    expect_listed(proc.stdout, expected)


def check_stages(_ctx, proc, expected):
    rows = [line.split() for line in proc.stdout.splitlines() if line.strip()]
    names = [row[0] for row in rows]
    assert names == ["image", "workers", "provision", "deploy", "tempest", "collect", "jobs", "release", "report"], rows
    assert all(row[1] == "passed" for row in rows), rows
    assert all(float(row[2]) >= 0 for row in rows), rows
    assert [row[0] for row in rows[:5]] == [line.split()[0] for line in shown(expected)]


def check_summary(_ctx, proc, _expected):
    data = json.loads(proc.stdout)
    assert set(data) == {"passed", "failed", "skipped", "total"}, data
    assert data["failed"] == 0 and data["passed"] > 0
    assert data["total"] == data["passed"] + data["failed"] + data["skipped"]


def check_make_jobs(ctx, proc, _expected):
    dest = os.path.join(ctx["clone"], "builds", "keystone-jobs")
    for name in ("README.txt", "zuul.d/jobs.yaml", "zuul.d/projects.yaml", "launcher/launcher.yaml",
                 "nodepool/nodepool.yaml", "jjb/keystone-gatekit-tempest.yaml",
                 "jenkins/keystone-gatekit-tempest/config.xml", "devstack-gate/env.sh", "devstack-gate/dg-local.conf"):
        assert os.path.isfile(os.path.join(dest, name)), name
    assert "failed=0" in proc.stdout


def check_zuul_yaml(ctx, _proc, _expected):
    import yaml  # noqa: PLC0415

    dest = os.path.join(ctx["clone"], "builds", "keystone-jobs")
    data = yaml.safe_load(open(os.path.join(dest, ".zuul.yaml"), encoding="utf-8"))
    jobs = [item["job"] for item in data if "job" in item]
    projects = [item["project"] for item in data if "project" in item]
    assert [job["name"] for job in jobs] == ["keystone-gatekit-tempest"]
    assert jobs[0]["parent"] == "gatekit-tempest"
    assert jobs[0]["vars"]["tempest_plugins"] == ["keystone-tempest-plugin"]
    assert projects[0]["check"]["jobs"] == ["keystone-gatekit-tempest"]
    assert projects[0]["gate"]["jobs"] == ["keystone-gatekit-tempest"]


def check_zuul_validate(_ctx, proc, expected):
    data = json.loads(proc.stdout)
    assert data["ok"] is True, data
    assert all(f["ok"] for f in data["files"]) and data["files"], data
    assert '"ok": true' in "\n".join(expected)


def check_nodepool(_ctx, proc, _expected):
    assert "validating" in proc.stdout + proc.stderr


def check_jjb(ctx, _proc, _expected):
    assert os.path.isfile(os.path.join(ctx["clone"], "builds", "keystone-jobs", "jenkins-xml",
                                       "keystone-gatekit-tempest", "config.xml"))


def check_printed(_ctx, proc, expected):
    expect_in_order(proc.stdout, expected)
    assert shown(expected), "the guide shows no output for this command"


def check_setup(_ctx, proc, _expected):
    assert "setup: " in proc.stdout


def check_activate(ctx, _proc, _expected):
    assert ctx["env"].get("VIRTUAL_ENV"), "the venv is not active after the command"


def check_migrate(ctx, proc, expected):
    expect_in_order(proc.stdout, expected)
    out = os.path.join(ctx["clone"], "builds", "keystone-v3")
    for name in ("migration-report.md", "zuul.d/migrated-jobs.yaml", "zuul.d/migrated-projects.yaml"):
        assert os.path.isfile(os.path.join(out, name)), name


def check_migrated_ls(ctx, proc, expected):
    expect_listed(proc.stdout, expected)
    assert sorted(proc.stdout.split()) == sorted(os.listdir(os.path.join(ctx["clone"], "builds", "keystone-v3", "zuul.d")))


def check_migrated_jobs(ctx, proc, expected):
    import yaml  # noqa: PLC0415

    expect_in_order(proc.stdout, expected)
    jobs = {item["job"]["name"]: item["job"] for item in yaml.safe_load(proc.stdout)}
    assert jobs["legacy-keystone-dsvm-functional"]["parent"] == "gatekit-legacy-dsvm"
    assert jobs["legacy-keystone-dsvm-functional"]["voting"] is False
    assert "post_test_hook" in jobs["legacy-keystone-dsvm-functional"]["vars"]["devstack_gate_job_hooks"]
    projects = yaml.safe_load(open(os.path.join(ctx["clone"], "builds", "keystone-v3", "zuul.d",
                                                "migrated-projects.yaml"), encoding="utf-8"))
    project = projects[0]["project"]
    assert project["check"]["jobs"] == ["tempest-dsvm-keystone-plugin", "legacy-keystone-dsvm-functional"]
    assert project["gate"]["jobs"] == ["tempest-dsvm-keystone-plugin"]


def check_resolved_defs(ctx, proc, _expected):
    assert "failed=0" in proc.stdout
    assert os.path.isfile(os.path.join(ctx["clone"], "builds", "keystone-v3-defs", "zuul.d", "jobs.yaml"))
    assert os.path.isfile(os.path.join(ctx["clone"], "builds", "keystone-v3-defs", "nodepool", "nodepool.yaml"))


# (pattern of the command, check): each command of the guides matches exactly one.
CHECKS = [
    (r"^make gate JOB=docs/examples/keystone/keystone-gatekit-tempest\.yml$", check_gate),
    (r"^ls builds/latest$", check_ls),
    (r"^jq -r .*\.stages\[\].* builds/latest/job-output\.json$", check_stages),
    (r"^jq '\{passed, failed, skipped, total\}' builds/latest/tempest_summary\.json$", check_summary),
    (r"^make jobs JOB=docs/examples/keystone/keystone-gatekit-tempest\.yml DEST=builds/keystone-jobs$", check_make_jobs),
    (r"^ls builds/keystone-jobs builds/keystone-jobs/zuul\.d$", check_ls),
    (r"^cat builds/keystone-jobs/zuul\.d/jobs\.yaml builds/keystone-jobs/zuul\.d/projects\.yaml > builds/keystone-jobs/\.zuul\.yaml$",
     check_zuul_yaml),
    (r"^\.venv-zuul/bin/python tests/functional/zuul_validate\.py builds/keystone-(jobs/\.zuul\.yaml|v3/zuul\.d)$",
     check_zuul_validate),
    (r"^\.venv-nodepool/bin/nodepool -c builds/keystone-jobs/nodepool/nodepool\.yaml config-validate$", check_nodepool),
    (r"^\.venv/bin/jenkins-jobs test --config-xml builds/keystone-jobs/jjb -o builds/keystone-jobs/jenkins-xml$", check_jjb),
    (r"^diff -r builds/keystone-jobs/jenkins-xml builds/keystone-jobs/jenkins && echo same$", check_printed),
    (r"^cat builds/keystone-jobs/devstack-gate/dg-local\.conf$", check_printed),
    (r"^make setup$", check_setup),
    (r"^\. \.venv/bin/activate$", check_activate),
    (r"^ansible-playbook playbooks/migrate\.yml -e migrate_layout=docs/examples/legacy/layout\.yaml "
     r"-e migrate_jjb_paths=docs/examples/legacy/jenkins/jobs -e migrate_output_dir=builds/keystone-v3$", check_migrate),
    (r"^cat builds/keystone-v3/migration-report\.md$", check_printed),
    (r"^ls builds/keystone-v3/zuul\.d$", check_migrated_ls),
    (r"^cat builds/keystone-v3/zuul\.d/migrated-jobs\.yaml$", check_migrated_jobs),
    (r"^ansible-playbook playbooks/jobs\.yml -e gate_zuul_config=builds/keystone-v3/zuul\.d "
     r"-e gate_zuul_job=tempest-dsvm-keystone-plugin -e jobs_dest=builds/keystone-v3-defs$", check_resolved_defs),
    (r"^grep -A4 'devstack_services:' builds/keystone-v3-defs/zuul\.d/jobs\.yaml$", check_printed),
]


def check_of(command):
    found = [check for pattern, check in CHECKS if re.search(pattern, command)]
    return found


# ---- running a guide ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A fresh clone of HEAD, with the checkout's venvs (as `make setup` would create them)."""
    base = tmp_path_factory.mktemp("guide")
    dest = str(base / "gatekit-devstack")
    subprocess.run(["git", "clone", "-q", ROOT, dest], check=True, timeout=120)
    for venv in (".venv", ".venv-zuul", ".venv-nodepool"):
        if os.path.isdir(os.path.join(ROOT, venv)):
            os.symlink(os.path.join(ROOT, venv), os.path.join(dest, venv))
    yield dest
    shutil.rmtree(str(base), ignore_errors=True)


def user_env():
    """A login shell's environment: nothing of the test runner's venv or ansible settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "VIRTUAL_ENV", "PYTEST", "MOLECULE_"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(ROOT))
    env["ANSIBLE_NOCOLOR"] = "1"
    env.pop("PY_COLORS", None)
    return env


def stage_errors(clone_dir, command):
    """For a failed gate: every failed stage's host, task and message from job-output.json."""
    if not command.startswith("make gate"):
        return ""
    try:
        with open(os.path.join(clone_dir, "builds", "latest", "job-output.json")) as handle:
            stages = json.load(handle)["stages"]
    except (OSError, ValueError, KeyError):
        return "(no job-output.json)\n"
    return "".join("stage %s failed: %s\n" % (s["name"], json.dumps(s.get("error"))) for s in stages
                   if s.get("status") == "failed")


def run_guide(name, clone_dir):
    ctx = {"clone": clone_dir, "env": user_env()}
    envfile = os.path.join(os.path.dirname(clone_dir), ".guide-env")
    for command, expected, line in commands(GUIDES[name]):
        checks = check_of(command)
        assert len(checks) == 1, "%s.md:%d: %r has %d checks" % (name, line, command, len(checks))
        run = command
        if command.startswith("make gate"):
            run = '%s GATE_ARGS="%s"' % (command, GATE_ARGS)
        script = '%s\nrc=$?\nenv -0 > "%s"\nexit $rc\n' % (run, envfile)
        proc = subprocess.run(["bash", "-c", script], cwd=clone_dir, env=ctx["env"], capture_output=True,
                              text=True, check=False, timeout=2400)
        assert proc.returncode == 0, "%s.md:%d: %s exited %d\n%s%s\n%s" % (
            name, line, command, proc.returncode, stage_errors(clone_dir, command), proc.stdout[-4000:],
            proc.stderr[-4000:])
        with open(envfile, "rb") as handle:
            ctx["env"] = dict(item.split(b"=", 1) for item in handle.read().split(b"\0") if b"=" in item)
            ctx["env"] = {k.decode(): v.decode() for k, v in ctx["env"].items()}
        try:
            checks[0](ctx, proc, expected)
        except AssertionError as err:
            raise AssertionError("%s.md:%d: %s: %s" % (name, line, command, err)) from err


def test_every_command_is_checked():
    for name, path in GUIDES.items():
        found = commands(path)
        assert found, name
        for command, _expected, line in found:
            assert len(check_of(command)) == 1, "%s.md:%d: no check (or several) for %r" % (name, line, command)
        for lang, body, start in blocks(path):
            if lang == "console":
                assert any(line.startswith("$ ") for line in body), "%s.md:%d: console block without a command" % (
                    name, start)
            else:
                assert lang in ("yaml", "text"), "%s.md:%d: block language %r: console (run) or yaml/text" % (
                    name, start, lang)
                assert not any(line.startswith("$ ") for line in body), (
                    "%s.md:%d: a command outside a console block is never run" % (name, start))


def test_example_files_are_what_the_guides_show():
    """A yaml block whose first line names a file of the repository shows that file as it is."""
    seen = 0
    for path in GUIDES.values():
        for lang, body, start in blocks(path):
            if lang == "yaml" and body and re.match(r"^# (docs|jobs)/\S+\.ya?ml$", body[0]):
                with open(os.path.join(ROOT, body[0][2:]), encoding="utf-8") as handle:
                    assert handle.read() == "\n".join(body[1:]) + "\n", "%s:%d differs from %s" % (path, start, body[0][2:])
                seen += 1
    assert seen >= 1


def test_migrate_a_legacy_job(clone):
    run_guide("migrate-a-legacy-job", clone)


@pytest.mark.skipif(shutil.which("podman") is None, reason="needs podman (the embedded worker pool)")
def test_add_a_devstack_gate(clone):
    env = user_env()
    try:
        run_guide("add-a-devstack-gate", clone)
    finally:
        subprocess.run(["bash", "-c", ". .venv/bin/activate && ansible-playbook playbooks/teardown.yml -e worker_pool_name_prefix=%s "
                        "-e worker_pool_network=%s" % (PREFIX, PREFIX)], cwd=clone, env=env, capture_output=True,
                       check=False, timeout=600)
