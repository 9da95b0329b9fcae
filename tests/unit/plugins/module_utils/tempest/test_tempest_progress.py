# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Counting a running tempest from its console log."""

from ansible_collections.gatekit.devstack.plugins.module_utils.tempest import progress

LOG = """=== phase 1/1: tempest run --regex x
{0} tempest.api.identity.v3.test_tokens.TokensV3Test.test_a [0.5s] ... ok
{1} tempest.api.identity.v3.test_tokens.TokensV3Test.test_b ... SKIPPED: feature off
{0} tempest.api.identity.v3.test_tokens.TokensV3Test.test_c [1.0s] ... FAILED
{1} keystone_tempest_plugin.tests.x.Y.test_d [0.1s] ... ok
Captured traceback: ... ok is not the end of this line
"""


def test_count_results():
    assert progress.count_results(LOG) == {"passed": 2, "skipped": 1, "failed": 1, "phase": 1}
    assert progress.count_results(None) == {"passed": 0, "skipped": 0, "failed": 0, "phase": 0}


def test_count_listed():
    listing = ("tempest.api.identity.v3.test_tokens.TokensV3Test.test_a[id-1,smoke]\n"
               "keystone_tempest_plugin.tests.x.Y.test_d\n\nWARNING something\n")
    assert progress.count_listed(listing) == 2


def test_gate_progress_line():
    counts = progress.count_results(LOG)
    assert progress.gate_progress(counts, 176) == "tempest: 4/176 tests, 2 passed, 1 failed, 1 skipped"
    assert progress.gate_progress(counts) == "tempest: 4 tests, 2 passed, 1 failed, 1 skipped"
    assert progress.gate_progress(progress.count_results("")) == "tempest: listing the tests"


def test_progress_message():
    state = dict(progress.count_results(LOG), done=False, elapsed=125)
    assert progress.progress_message(state, 2) == (
        "tempest running (phase 1/2): 4 tests done, 2 passed, 1 skipped, 1 failed; elapsed 2:05")


def test_count_done_expands_a_class_skipped_in_setupclass():
    listing = "\n".join([
        "pkg.mod.SkippedTest.test_a[id-1]",
        "pkg.mod.SkippedTest.test_b[id-2]",
        "pkg.mod.SkippedTest.test_c[id-3]",
        "pkg.mod.RunTest.test_x[id-4]",
        "pkg.mod.RunTest.test_y[id-5]",
    ])
    log = "\n".join([
        "{0} setUpClass (pkg.mod.SkippedTest) ... SKIPPED: feature off",
        "{1} pkg.mod.RunTest.test_x [0.1s] ... ok",
    ])
    assert progress.count_done(log, [listing]) == 4
    counts = progress.count_results(log)
    assert progress.gate_progress(counts, 5, progress.count_done(log, [listing])) == (
        "tempest: 4/5 tests, 1 passed, 0 failed, 1 skipped")
    assert progress.count_done(log + "\n{1} pkg.mod.RunTest.test_y [0.1s] ... FAILED", [listing]) == 5
    assert progress.count_done("", [listing]) == 0
