# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tempest_results / tempest_plan through ansible-playbook on localhost, with real streams.

The subunit stream comes from python-subunit's own runner (``python -m subunit.run``) on
a small unittest module with a pass, a skip, a failure and an error, like tempest's.
The whole tempest role against keystone runs in ``molecule test -s tempest``.
"""

import json
import os
import subprocess
import sys
import textwrap
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
pytest.importorskip("subunit")


def playbook(tmp_path, tasks, check=True):
    play = tmp_path / "play.yml"
    play.write_text(textwrap.dedent("""\
        - hosts: localhost
          connection: local
          gather_facts: false
          vars:
            ansible_python_interpreter: %s
          tasks:
        """) % sys.executable + textwrap.indent(tasks, "    "))
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json")
    proc = subprocess.run(["ansible-playbook", "-i", "localhost,", str(play)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if check:
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


@pytest.fixture(scope="module")
def stream(tmp_path_factory):
    work = tmp_path_factory.mktemp("subunit")
    (work / "fake_tests.py").write_text(textwrap.dedent("""\
        import unittest

        class FakeTest(unittest.TestCase):
            def test_ok(self):
                pass

            def test_skip(self):
                self.skipTest("feature flag off")

            def test_fail(self):
                self.assertEqual(1, 2, "deliberate")

            def test_error(self):
                raise RuntimeError("boom")
        """))
    out = work / "testrepository.subunit"
    with open(out, "wb") as handle:
        subprocess.run([sys.executable, "-m", "subunit.run", "fake_tests"], cwd=work, stdout=handle, check=False)
    return out


def results_of(proc, task_name):
    # Other enabled callbacks (the timer) may print after the JSON document.
    data, _end = json.JSONDecoder().raw_decode(proc.stdout)
    for play in data["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"] == task_name:
                return task["hosts"]["localhost"]
    raise AssertionError("no task %s" % task_name)


def test_results_summary_and_junit(tmp_path, stream):
    junit = tmp_path / "junit.xml"
    proc = playbook(tmp_path, textwrap.dedent("""\
        - name: summarise
          gatekit.devstack.tempest_results:
            path: %s
            junit_path: %s
        - name: again
          gatekit.devstack.tempest_results:
            path: %s
            junit_path: %s
        """) % (stream, junit, stream, junit))
    first = results_of(proc, "summarise")
    summary = first["summary"]
    assert (summary["passed"], summary["skipped"], summary["failed"], summary["total"]) == (1, 1, 2, 4)
    names = sorted(t["name"].rsplit(".", 1)[-1] for t in summary["failed_tests"])
    assert names == ["test_error", "test_fail"]
    assert any("RuntimeError: boom" in t["traceback"] for t in summary["failed_tests"])
    assert first["changed"] is True
    assert results_of(proc, "again")["changed"] is False
    root = ET.parse(junit).getroot()
    assert root.attrib["failures"] == "2" and root.attrib["skipped"] == "1"


def test_results_missing_stream(tmp_path):
    proc = playbook(tmp_path, "- name: missing\n  gatekit.devstack.tempest_results:\n    path: /nonexistent/x.subunit\n",
                    check=False)
    assert proc.returncode != 0
    assert "path: subunit stream /nonexistent/x.subunit does not exist" in proc.stdout
    proc = playbook(tmp_path, "- name: allowed\n  gatekit.devstack.tempest_results:\n    path: /nonexistent/x.subunit\n"
                    "    allow_missing: true\n")
    assert results_of(proc, "allowed")["summary"]["total"] == 0


def test_plan_missing_exclude_list_is_an_error(tmp_path):
    proc = playbook(tmp_path, textwrap.dedent("""\
        - name: plan
          gatekit.devstack.tempest_plan:
            tox_envlist: all
            exclude_lists: [/nonexistent/exclude.txt]
            workspace: %s
        """) % tmp_path, check=False)
    assert proc.returncode != 0
    assert "tempest_test_exclude_list: list file(s) not found on the target: /nonexistent/exclude.txt" in proc.stdout


def test_plan_combines_lists_and_maps_envlists(tmp_path):
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text("^tempest\\.api\\.compute\n")
    two.write_text("^tempest\\.scenario")
    proc = playbook(tmp_path, textwrap.dedent("""\
        - name: plan
          gatekit.devstack.tempest_plan:
            tox_envlist: full
            test_regex: 'tempest\\.api\\.identity'
            exclude_lists: [%s, %s]
            cores: 8
            workspace: %s
            plugins: [keystone-tempest-plugin, 'git+https://opendev.org/openstack/foo-tempest-plugin']
        - name: again
          gatekit.devstack.tempest_plan:
            tox_envlist: full
            exclude_lists: [%s, %s]
            workspace: %s
        """) % (one, two, tmp_path, one, two, tmp_path))
    plan = results_of(proc, "plan")
    assert plan["concurrency"] == 6
    assert len(plan["phases"]) == 2
    assert plan["phases"][1]["argv"][-2:] == ["--serial", "--combine"]
    assert plan["exclude_list"] == str(tmp_path / "exclude-list.txt")
    assert (tmp_path / "exclude-list.txt").read_text().count("^tempest") == 2
    assert [p["name"] for p in plan["plugins"]] == ["keystone-tempest-plugin", "foo-tempest-plugin"]
    assert plan["changed"] is True and results_of(proc, "again")["changed"] is False


def test_plan_bad_regex_names_the_key(tmp_path):
    proc = playbook(tmp_path, "- name: plan\n  gatekit.devstack.tempest_plan:\n    tox_envlist: smoke\n"
                    "    test_regex: 'a b'\n    workspace: %s\n" % tmp_path, check=False)
    assert proc.returncode != 0
    assert "tempest_test_regex: contains whitespace" in proc.stdout


def test_tempest_conf_through_ansible_playbook_hides_the_password(tmp_path):
    class Keystone(BaseHTTPRequestHandler):
        def log_message(self, *_args):
            pass

        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(300)
            self.end_headers()
            self.wfile.write(b'{"versions": {"values": [{"id": "v3.14"}]}}')

        def do_POST(self):  # noqa: N802 - http.server's name
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(201)
            self.end_headers()
            self.wfile.write(b'{"token": {"catalog": [{"type": "image", "endpoints": '
                             b'[{"interface": "public", "url": "http://glance"}]}]}}')

    server = HTTPServer(("127.0.0.1", 0), Keystone)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        (tmp_path / "clouds.yaml").write_text(
            "clouds:\n  devstack-admin:\n    auth:\n      auth_url: http://127.0.0.1:%d/identity\n"
            "      username: admin\n      password: pw-from-clouds-yaml\n      project_name: admin\n"
            % server.server_address[1])
        task = textwrap.dedent("""\
            - name: %s
              gatekit.devstack.tempest_conf:
                path: %s/tempest.conf
                clouds_yaml: %s/clouds.yaml
                workspace: %s
                overrides: {compute: {min_compute_nodes: 2}}
              check_mode: %s
              diff: true
            """)
        proc = playbook(tmp_path, task % ("preview", tmp_path, tmp_path, tmp_path, "true")
                        + task % ("write", tmp_path, tmp_path, tmp_path, "false")
                        + task % ("again", tmp_path, tmp_path, tmp_path, "false"))
    finally:
        server.shutdown()
    assert "pw-from-clouds-yaml" not in proc.stdout
    preview = results_of(proc, "preview")
    assert preview["changed"] is True and preview["service_available"]["glance"] is True
    assert results_of(proc, "write")["changed"] is True and results_of(proc, "again")["changed"] is False
    text = (tmp_path / "tempest.conf").read_text()
    assert "admin_password = pw-from-clouds-yaml\n" in text and "[compute]\nmin_compute_nodes = 2\n" in text
