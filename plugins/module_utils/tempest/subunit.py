# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Summaries of a subunit v2 stream (what ``tempest run`` / stestr record).

Reading the binary stream needs python-subunit (a third-party library present
in every tempest venv); it is imported lazily so this file imports with the
standard library alone.  Everything after parsing is pure:

* ``read_events(stream)`` -- subunit v2 bytes -> list of event dicts
  ``{test_id, test_status, timestamp, file_name, file_bytes}``.
* ``summarize(events)`` -- per-test final status ->
  ``{passed, failed, skipped, duration, total, failed_tests:[{name, traceback}]}``.
  A test that started and never reported a result (a worker died, the stream
  was cut) counts as failed.
* ``render_junit(tests, suite_name)`` -- JUnit XML text from ``summarize``'s
  ``tests`` list (returned with ``with_tests=True``).
"""

import datetime
import re
from xml.sax.saxutils import escape, quoteattr

SUBUNIT_IMPORT_ERROR = None
try:
    import subunit
    import testtools  # noqa: F401  pylint: disable=unused-import
except ImportError as _err:  # pragma: no cover - depends on the host
    SUBUNIT_IMPORT_ERROR = _err

PASSED = ("success", "xfail")
FAILED = ("fail", "uxsuccess")
SKIPPED = ("skip",)
FINAL = PASSED + FAILED + SKIPPED
TRACEBACK_LIMIT = 20000


def missing_library_message():
    return (
        "python-subunit is not importable by this Python (%s); run the module with the "
        "tempest venv's interpreter (ansible_python_interpreter) or install python-subunit"
        % SUBUNIT_IMPORT_ERROR
    )


class _Collector:
    """A testtools StreamResult that keeps every event as a dict."""

    def __init__(self):
        self.events = []

    def startTestRun(self):
        pass

    def stopTestRun(self):
        pass

    def status(self, **kwargs):
        file_bytes = kwargs.get("file_bytes")
        tags = kwargs.get("test_tags")
        self.events.append({
            "test_id": kwargs.get("test_id"),
            "test_status": kwargs.get("test_status"),
            "timestamp": kwargs.get("timestamp"),
            "file_name": kwargs.get("file_name"),
            "file_bytes": bytes(file_bytes) if file_bytes else b"",
            "tags": sorted(tags) if tags else [],
        })


def read_events(stream):
    """Parse subunit v2 from a binary file object; tolerant of a cut stream."""
    if SUBUNIT_IMPORT_ERROR is not None:
        raise RuntimeError(missing_library_message())
    collector = _Collector()
    case = subunit.ByteStreamToStreamResult(stream, non_subunit_name="stdout")
    case.run(collector)
    return collector.events


def _seconds(start, end):
    if start is None or end is None:
        return 0.0
    return max(0.0, (end - start).total_seconds())


def summarize(events, with_tests=False):
    """Fold events into per-test results and counts (see the module doc)."""
    tests = {}
    order = []
    first = last = None
    for event in events:
        stamp = event.get("timestamp")
        if isinstance(stamp, datetime.datetime):
            first = stamp if first is None or stamp < first else first
            last = stamp if last is None or stamp > last else last
        test_id = event.get("test_id")
        if not test_id:
            continue
        test = tests.get(test_id)
        if test is None:
            test = {"name": test_id, "status": None, "start": None, "end": None, "attachments": {}}
            tests[test_id] = test
            order.append(test_id)
        status = event.get("test_status")
        if status in ("inprogress", "exists") and test["start"] is None and isinstance(stamp, datetime.datetime):
            test["start"] = stamp
        if status in FINAL:
            test["status"] = status
            if isinstance(stamp, datetime.datetime):
                test["end"] = stamp
        elif status == "inprogress" and test["status"] is None:
            test["status"] = "inprogress"
        name = event.get("file_name")
        data = event.get("file_bytes")
        if name and data:
            test["attachments"][name] = test["attachments"].get(name, b"") + data

    passed = failed = skipped = 0
    failed_tests = []
    results = []
    for test_id in order:
        test = tests[test_id]
        status = test["status"]
        if status is None:
            # "exists" only: an enumeration record (stestr --list), not a run.
            continue
        texts = dict((k, v.decode("utf-8", "replace")) for k, v in test["attachments"].items())
        if status in PASSED:
            passed += 1
            outcome = "passed"
        elif status in SKIPPED:
            skipped += 1
            outcome = "skipped"
        else:
            failed += 1
            outcome = "failed"
        traceback = texts.get("traceback", "")
        reason = texts.get("reason", "")
        if outcome == "failed":
            if status == "inprogress":
                traceback = traceback or "the test started but never reported a result (worker died or the run was cut)"
            elif status == "uxsuccess":
                traceback = traceback or "unexpected success"
            if len(traceback) > TRACEBACK_LIMIT:
                traceback = "...(truncated)...\n" + traceback[-TRACEBACK_LIMIT:]
            failed_tests.append({"name": test_id, "traceback": traceback})
        results.append({
            "name": test_id,
            "outcome": outcome,
            "status": status,
            "time": _seconds(test["start"], test["end"]),
            "traceback": traceback,
            "reason": reason,
        })
    summary = {
        "passed": passed,
        "failed": failed,
        "skipped": skipped,
        "total": passed + failed + skipped,
        "duration": round(_seconds(first, last), 3),
        "failed_tests": failed_tests,
    }
    if with_tests:
        summary["tests"] = results
    return summary


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(text):
    return _XML_BAD.sub("", text)


def _split_name(test_id):
    base = test_id.split("[", 1)[0]
    if "." in base:
        classname, _sep, _meth = base.rpartition(".")
        return classname, test_id[len(classname) + 1:]
    return "", test_id


def render_junit(tests, suite_name="tempest", duration=0.0):
    """JUnit XML (the common Jenkins/GitLab dialect) for ``summarize(..., with_tests=True)['tests']``."""
    failures = sum(1 for t in tests if t["outcome"] == "failed")
    skips = sum(1 for t in tests if t["outcome"] == "skipped")
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<testsuite name=%s tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.3f\">"
        % (quoteattr(suite_name), len(tests), failures, skips, duration),
    ]
    for test in tests:
        classname, name = _split_name(test["name"])
        head = "<testcase classname=%s name=%s time=\"%.3f\"" % (quoteattr(classname), quoteattr(name), test["time"])
        if test["outcome"] == "failed":
            first_line = (test["traceback"].strip().splitlines() or ["failed"])[-1][:200]
            lines.append(head + ">")
            lines.append("<failure message=%s>%s</failure>" % (quoteattr(_xml_text(first_line)), escape(_xml_text(test["traceback"]))))
            lines.append("</testcase>")
        elif test["outcome"] == "skipped":
            lines.append(head + ">")
            lines.append("<skipped message=%s/>" % quoteattr(_xml_text(test["reason"][:500])))
            lines.append("</testcase>")
        else:
            lines.append(head + "/>")
    lines.append("</testsuite>")
    return "\n".join(lines) + "\n"
