"""The gate report (builds/<id>/index.html) in a real headless browser (Debian's Chromium).

By default a build directory is made here and the report written by the real
gatekit.devstack.gate_report module (through ansible-playbook). With GATEKIT_BUILD_DIR set
(make test sets it to builds/latest after the end-to-end gate), the real gate's report is
checked instead. Either way the page must render (the browser's DOM has the verdict, the
counts and the stage table) and every link must resolve to a file of the build.
"""

import json
import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

STAGES = [
    {"name": "image", "status": "passed", "duration": 3.1, "rc": 0, "error": {}},
    {"name": "deploy", "status": "passed", "duration": 95.0, "rc": 0, "error": {}},
    {"name": "tempest", "status": "failed", "duration": 120.5, "rc": 1,
     "error": {"host": "gate-primary", "task": "Fail on test failures", "msg": "1 test failed <script>alert(1)</script>"}},
]
SUMMARY = {"passed": 41, "failed": 1, "skipped": 3, "duration": 118.2,
           "failed_tests": [{"name": "tempest.api.identity.v3.test_x.T.test_y[id-1]",
                             "traceback": "Traceback (most recent call last):\n  AssertionError: 401 != 201"}]}


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href"))


def browser(*args, user_data):
    cmd = [CHROMIUM, *FLAGS, "--user-data-dir=%s" % user_data, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory):
    given = os.environ.get("GATEKIT_BUILD_DIR")
    if given:
        return Path(given).resolve()
    build = tmp_path_factory.mktemp("build")
    (build / "logs" / "gate-primary" / "files" / "opt" / "stack" / "logs").mkdir(parents=True)
    (build / "logs" / "gate-primary" / "files" / "opt" / "stack" / "logs" / "keystone.log").write_text("started\n")
    (build / "logs" / "gate-primary" / "ps.txt").write_text("PID CMD\n")
    (build / "testr_results.html").write_text("<html><body>results</body></html>")
    (build / "junit.xml").write_text("<testsuite/>")
    (build / "name with space & amp.txt").write_text("odd name\n")
    (build / "job-output.json").write_text(json.dumps({"stages": STAGES}))
    playbook = build.parent / "report.yml"
    playbook.write_text(
        "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
        "    - gatekit.devstack.gate_report:\n"
        "        build_dir: %s\n        build_id: test-build\n        verdict: FAILED\n"
        "        job: {name: gatekit-keystone-tempest, parent: gatekit-tempest, nodeset: gatekit-single-node}\n"
        "        stages: %s\n        summary: %s\n" % (build, json.dumps(STAGES), json.dumps(SUMMARY)))
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"))
    run = subprocess.run([str(ROOT / ".venv" / "bin" / "ansible-playbook"), str(playbook)],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-3000:]
    return build


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is installed by make setup")
def test_report_renders_and_links_resolve(build_dir):
    index = build_dir / "index.html"
    assert index.is_file()
    with tempfile.TemporaryDirectory() as profile:
        dom = browser("--dump-dom", index.as_uri(), user_data=profile)
        assert dom.returncode == 0, dom.stderr[-2000:]
        shot = build_dir.parent / ("%s-report.png" % build_dir.name)
        pic = browser("--screenshot=%s" % shot, "--window-size=1280,2000", index.as_uri(), user_data=profile)
        assert pic.returncode == 0 and shot.stat().st_size > 10_000, pic.stderr[-2000:]
    html = dom.stdout
    assert 'id="verdict"' in html
    assert "<table" in html and "timeline" in html
    assert 'id="count-passed"' in html and 'id="count-failed"' in html
    assert "<script>alert(1)</script>" not in html  # values are escaped, never markup
    parser = Links()
    parser.feed(html)
    hrefs = [h for h in parser.hrefs if h]
    assert hrefs, "the report links no file"
    missing = [h for h in hrefs if not (build_dir / unquote(h)).is_file()]
    assert not missing, missing
    linked = {unquote(h) for h in hrefs}
    on_disk = {str(p.relative_to(build_dir)) for p in build_dir.rglob("*") if p.is_file() and p.name != "index.html"}
    assert on_disk <= linked, sorted(on_disk - linked)[:10]
    if not os.environ.get("GATEKIT_BUILD_DIR"):
        assert "tempest.api.identity.v3.test_x.T.test_y[id-1]" in html
        assert "AssertionError: 401 != 201" in html
