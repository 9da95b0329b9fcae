"""Testinfra checks after the tempest scenario's converge + side_effect."""
import json
import os

RESULTS = os.path.join(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", ""), "results")
WS = "/opt/stack/tempest"
FILES = ["testrepository.subunit", "testr_results.html", "junit.xml", "tempest.log",
         "tempest-run.log", "stestr.tar.gz", "tempest_summary.json"]


def _summary(name):
    with open(os.path.join(RESULTS, name, "tempest_summary.json")) as handle:
        return json.load(handle)


def test_default_job_results_fetched_and_green():
    for name in FILES:
        assert os.path.getsize(os.path.join(RESULTS, "default", name)) > 0, name
    summary = _summary("default")
    assert summary["failed"] == 0
    assert summary["passed"] > 0
    assert summary["total"] == summary["passed"] + summary["skipped"]
    with open(os.path.join(RESULTS, "default", "junit.xml")) as handle:
        junit = handle.read()
    assert 'failures="0"' in junit
    assert "keystone_tempest_plugin" in junit and "tempest.api.identity" in junit


def test_failing_run_results_kept():
    for name in FILES:
        assert os.path.getsize(os.path.join(RESULTS, "failing", name)) > 0, name
    summary = _summary("failing")
    assert (summary["passed"], summary["skipped"], summary["failed"]) == (1, 1, 1)
    assert "test_fails_on_purpose" in summary["failed_tests"][0]["name"]
    with open(os.path.join(RESULTS, "failing", "testr_results.html")) as handle:
        assert "test_fails_on_purpose" in handle.read()


def test_tempest_conf_is_private_and_matches_the_deployment(host):
    conf = host.file(WS + "/etc/tempest.conf")
    assert conf.mode == 0o600
    text = conf.content_string
    assert "[service_available]" in text and "nova = false" in text
    assert "application_credentials = true" in text


def test_plugins_listed_and_broken_one_gone(host):
    out = host.check_output("/opt/stack/tempest-venv/bin/tempest list-plugins")
    assert "keystone_tests" in out and "gktp_demo" in out
    assert "gktp_broken" not in out


def test_stestr_repository_kept(host):
    assert host.file(WS + "/.stestr").is_directory
    assert host.file(WS + "/testrepository.subunit").size > 0
