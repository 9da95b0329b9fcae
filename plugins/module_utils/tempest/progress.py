# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How far a running tempest is, from its console log (pure functions).

``tempest run`` prints one ``<test id> ... ok|SKIPPED: why|FAILED`` line per
finished test (subunit-trace); the run script prints ``=== phase N/M`` before
each ``tempest run`` and keeps ``tempest run --list-tests`` of each phase in ``.run-list-N``.

* ``count_results(text)`` -- ``{passed, skipped, failed, phase}`` so far.
* ``count_listed(text)`` -- test ids in ``tempest run --list-tests`` output.
* ``count_done(log, listings)`` -- how many listed tests have finished: a class skipped or
  failed in ``setUpClass`` reports one line for all its tests, so those count as many as the
  listing holds for that class (the done count then ends equal to the total).
* ``gate_progress(counts, total)`` -- the line the gate's terminal shows.
* ``progress_message(state, phases)`` -- the line for Ansible's own output.
"""

import re

_PASSED = re.compile(r"\.\.\. ok$", re.MULTILINE)
_SKIPPED = re.compile(r"\.\.\. SKIPPED", re.MULTILINE)
_FAILED = re.compile(r"\.\.\. FAILED$", re.MULTILINE)
_PHASE = re.compile(r"^=== phase [0-9]*/", re.MULTILINE)
_TEST_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.", re.MULTILINE)
_LISTED = re.compile(r"^([A-Za-z_][A-Za-z0-9_.]*)", re.MULTILINE)
_CLASS_RESULT = re.compile(r"setUpClass \(([A-Za-z0-9_.]+)\) \.\.\. (?:SKIPPED|FAILED)", re.MULTILINE)


def count_results(text):
    text = text or ""
    return {
        "passed": len(_PASSED.findall(text)),
        "skipped": len(_SKIPPED.findall(text)),
        "failed": len(_FAILED.findall(text)),
        "phase": len(_PHASE.findall(text)),
    }


def count_listed(text):
    return len(_TEST_ID.findall(text or ""))


def count_done(log, listings):
    """Listed tests finished so far: per-test results, plus every listed test of a class
    that ``setUpClass`` skipped or failed as a whole."""
    log = log or ""
    done = len(_PASSED.findall(log)) + len(_FAILED.findall(log)) + len(_SKIPPED.findall(log))
    classes = _CLASS_RESULT.findall(log)
    if not classes:
        return done
    ids = [m for text in listings for m in _LISTED.findall(text or "")]
    for name in classes:
        prefix = name + "."
        done += sum(1 for test_id in ids if test_id.startswith(prefix)) - 1
    return done


def gate_progress(counts, total=None, done=None):
    if done is None:
        done = counts["passed"] + counts["failed"] + counts["skipped"]
    if total is None:
        if not done:
            return "tempest: listing the tests"
        return "tempest: %d tests, %d passed, %d failed, %d skipped" % (
            done, counts["passed"], counts["failed"], counts["skipped"])
    return "tempest: %d/%d tests, %d passed, %d failed, %d skipped" % (
        done, total, counts["passed"], counts["failed"], counts["skipped"])


def progress_message(state, phases):
    done = state["passed"] + state["skipped"] + state["failed"]
    return "tempest %s (phase %d/%d): %d tests done, %d passed, %d skipped, %d failed; elapsed %d:%02d" % (
        "finished" if state["done"] else "running", state["phase"], phases, done, state["passed"],
        state["skipped"], state["failed"], state["elapsed"] // 60, state["elapsed"] % 60)
