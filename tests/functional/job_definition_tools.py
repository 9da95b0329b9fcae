# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared helpers for the jjb_jobs / zuul_migrate / nodepool_config functional tests.

Real tools only: Jenkins Job Builder (in .venv), zuul 14.3's parsers (.venv-zuul),
``nodepool config-validate`` (.venv-nodepool), and the modules run by ansible-playbook.
"""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:  # ansible_collections/gatekit/devstack -> the checkout
    sys.path.insert(0, ROOT)
FIXTURES = os.path.join(ROOT, "tests", "functional", "fixtures", "project-config")
JJB_DIR = os.path.join(FIXTURES, "jenkins", "jobs")
LAYOUT = os.path.join(FIXTURES, "zuul", "layout.yaml")
IMAGES = os.path.join(FIXTURES, "nodepool", "gatekit-images.yaml")
ZUUL_PYTHON = os.path.join(ROOT, ".venv-zuul", "bin", "python")
ZUUL_VALIDATE = os.path.join(ROOT, "tests", "functional", "zuul_validate.py")
LAUNCHER_VALIDATE = os.path.join(ROOT, "tests", "functional", "zuul_launcher_validate.py")
NODEPOOL = os.path.join(ROOT, ".venv-nodepool", "bin", "nodepool")
BIN = os.path.dirname(sys.executable)


def run_json(args, timeout=300):
    proc = subprocess.run(args, capture_output=True, text=True, check=False, timeout=timeout)
    try:
        return proc.returncode, json.loads(proc.stdout)
    except ValueError as err:
        raise AssertionError("%s: output is not JSON: %s\n%s\n%s"
                             % (args[:2], err, proc.stdout[-2000:], proc.stderr[-2000:])) from err


def zuul_validate(*paths):
    """zuul's own parsers over zuul.d files (tests/functional/zuul_validate.py)."""
    return run_json([ZUUL_PYTHON, ZUUL_VALIDATE] + [str(p) for p in paths])


def launcher_validate(path):
    """zuul's launcher-object parsers + provider flattening (zuul_launcher_validate.py)."""
    return run_json([ZUUL_PYTHON, LAUNCHER_VALIDATE, str(path)])


def nodepool_validate(path):
    """``nodepool -c FILE config-validate``: (returncode, combined output)."""
    proc = subprocess.run([NODEPOOL, "-c", str(path), "config-validate"], capture_output=True, text=True,
                          check=False, timeout=300)
    return proc.returncode, proc.stdout + proc.stderr


def run_tasks(tmp_path, tasks, check=False, diff=False):
    """Run ``tasks`` (a list of task dicts) on localhost; return ansible's per-task results.

    Each task is registered; results are written as JSON by a final task, so the test
    sees exactly what the module returned (changed, msg, failed...).
    """
    import yaml  # noqa: PLC0415

    play_tasks = []
    for index, task in enumerate(tasks):
        play_tasks.append(dict(task, register="r%d" % index, ignore_errors=True))
    names = ", ".join("r%d" % i for i in range(len(tasks)))
    play_tasks.append({
        "name": "Save results",
        "ansible.builtin.copy": {
            "content": "{{ [%s] | to_json }}" % names,
            "dest": str(tmp_path / "results.json"),
            "mode": "0600",
        },
        "check_mode": False,
    })
    play = [{"hosts": "localhost", "gather_facts": False, "tasks": play_tasks}]
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), HOME=str(tmp_path),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / ".ansible-tmp"), ANSIBLE_NOCOLOR="1")
    # the modules run with this venv's python (it has jenkins-job-builder)
    args = [os.path.join(BIN, "ansible-playbook"), str(playbook), "-i", "localhost,", "-c", "local",
            "-e", "ansible_python_interpreter=%s" % sys.executable]
    if check:
        args.append("--check")
    if diff:
        args.append("--diff")
    proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=900)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return json.loads((tmp_path / "results.json").read_text())


def tree(path):
    """{relative path: bytes} of every file under path."""
    out = {}
    for root, _dirs, files in os.walk(path):
        for name in files:
            full = os.path.join(root, name)
            with open(full, "rb") as handle:
                out[os.path.relpath(full, path)] = handle.read()
    return out
