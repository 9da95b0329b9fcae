# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import datetime
import io
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.tempest import subunit as ss

subunit = pytest.importorskip("subunit")

T0 = datetime.datetime(2026, 1, 1, 12, 0, 0, tzinfo=datetime.UTC)


def at(seconds):
    return T0 + datetime.timedelta(seconds=seconds)


def stream(tests, cut=0):
    """tests: [(id, status, start, end, {file: text})]; status None = never finished."""
    out = io.BytesIO()
    writer = subunit.StreamResultToBytes(out)
    for test_id, status, start, end, files in tests:
        writer.status(test_id=test_id, test_status="inprogress", timestamp=at(start))
        for name, text in files.items():
            writer.status(test_id=test_id, file_name=name, file_bytes=text.encode(), mime_type="text/plain;charset=utf8", eof=True, timestamp=at(end))
        if status:
            writer.status(test_id=test_id, test_status=status, timestamp=at(end))
    data = out.getvalue()
    return io.BytesIO(data[: len(data) - cut] if cut else data)


RUN = [
    ("pkg.mod.Case.test_ok[id-1,smoke]", "success", 0, 1.5, {}),
    ("pkg.mod.Case.test_skip", "skip", 1, 1.1, {"reason": "identity-feature-enabled.x is False"}),
    ("pkg.mod.Case.test_bad", "fail", 2, 4, {"traceback": "Traceback...\nAssertionError: 1 != 2 <&>\x01"}),
    ("pkg.mod.Case.test_xfail", "xfail", 3, 3.5, {}),
    ("pkg.mod.Case.test_lost", None, 4, 4, {}),
]


def test_summary_counts_and_failures():
    summary = ss.summarize(ss.read_events(stream(RUN)))
    assert (summary["passed"], summary["failed"], summary["skipped"], summary["total"]) == (2, 2, 1, 5)
    assert summary["duration"] == 4.0
    names = [f["name"] for f in summary["failed_tests"]]
    assert names == ["pkg.mod.Case.test_bad", "pkg.mod.Case.test_lost"]
    assert "AssertionError" in summary["failed_tests"][0]["traceback"]
    assert "never reported" in summary["failed_tests"][1]["traceback"]


def test_empty_stream():
    summary = ss.summarize(ss.read_events(io.BytesIO(b"")))
    assert summary == {"passed": 0, "failed": 0, "skipped": 0, "total": 0, "duration": 0.0, "failed_tests": []}


def test_cut_stream_is_tolerated():
    events = ss.read_events(stream(RUN[:2], cut=3))
    summary = ss.summarize(events)
    assert summary["passed"] == 1


def test_exists_only_records_are_not_tests():
    events = [{"test_id": "a", "test_status": "exists", "timestamp": None}]
    assert ss.summarize(events)["total"] == 0


def test_long_traceback_is_truncated():
    events = [{"test_id": "a", "test_status": "fail", "timestamp": at(1), "file_name": "traceback", "file_bytes": b"x" * (ss.TRACEBACK_LIMIT + 50)}]
    trace = ss.summarize(events)["failed_tests"][0]["traceback"]
    assert trace.startswith("...(truncated)") and len(trace) < ss.TRACEBACK_LIMIT + 40


def test_junit_is_valid_xml():
    summary = ss.summarize(ss.read_events(stream(RUN)), with_tests=True)
    text = ss.render_junit(summary["tests"], "tempest", summary["duration"])
    root = ET.fromstring(text.encode())
    assert root.tag == "testsuite"
    assert root.attrib["tests"] == "5" and root.attrib["failures"] == "2" and root.attrib["skipped"] == "1"
    cases = root.findall("testcase")
    assert cases[0].attrib == {"classname": "pkg.mod.Case", "name": "test_ok[id-1,smoke]", "time": "1.500"}
    assert cases[1].find("skipped").attrib["message"].startswith("identity-feature")
    assert "<&>" in cases[2].find("failure").text
