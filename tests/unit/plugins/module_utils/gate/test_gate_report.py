# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from ansible_collections.gatekit.devstack.plugins.module_utils.gate.report import (
    list_files,
    render_report,
    verdict_class,
)

BUILD = {
    "verdict": "FAILED",
    "job": {"name": "job-<b>", "parent": "gatekit-tempest", "nodeset": "gatekit-single-node", "voting": False},
    "build_id": "20261125-1",
    "started": "2026-11-25T13:00:00",
    "stages": [
        {"name": "deploy", "status": "passed", "duration": 30},
        {"name": "tempest", "status": "failed", "duration": 90, "error": {"host": "gate-primary", "task": "t", "msg": "a & b"}},
        {"name": "report", "status": "not-built", "duration": 0},
    ],
    "summary": {"passed": 3, "failed": 1, "skipped": 2, "duration": 61.5,
                "failed_tests": [{"name": "t.test_x", "traceback": "Traceback <here>"}]},
    "files": [{"path": "logs/gate primary/a.log", "size": 2048}, {"path": "junit.xml", "size": 10}],
}


def test_report_shows_verdict_counts_stages_failures_and_files():
    page = render_report(BUILD)
    assert "<span id='verdict' class='verdict bad'>FAILED</span>" in page
    assert "<b id='count-passed'>3</b>" in page and "<b id='count-failed'>1</b>" in page
    assert "non-voting" in page
    assert "1m 01s" in page  # the tempest duration of the summary
    assert "width:75.0%" in page  # tempest: 90 of 120 seconds of the timeline
    assert "t.test_x" in page and "Traceback &lt;here&gt;" in page
    assert "href='logs/gate%20primary/a.log'" in page and "2.0 KiB" in page


def test_every_value_is_escaped():
    page = render_report(BUILD)
    assert "job-<b>" not in page and "job-&lt;b&gt;" in page
    assert "a &amp; b" in page


def test_empty_build_renders():
    page = render_report({})
    assert "No test results" in page and "No failed tests" in page and "No files" in page
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")


def test_verdict_classes():
    assert [verdict_class(v) for v in ("PASSED", "FAILED", "INCOMPLETE")] == ["ok", "bad", "skip"]


def test_list_files_is_sorted_relative_and_skips_the_index(tmp_path):
    (tmp_path / "logs" / "b").mkdir(parents=True)
    (tmp_path / "logs" / "b" / "x.txt").write_text("x")
    (tmp_path / "index.html").write_text("old")
    (tmp_path / "a.txt").write_text("abc")
    assert list_files(str(tmp_path)) == [{"path": "a.txt", "size": 3}, {"path": "logs/b/x.txt", "size": 1}]
