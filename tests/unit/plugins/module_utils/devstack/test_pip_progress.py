# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pip progress line, phase by phase, from pip's --log format."""

import datetime

from ansible_collections.gatekit.devstack.plugins.module_utils.devstack.pip_progress import pip_progress

NOW = datetime.datetime(2026, 12, 3, 14, 1, 0)
HEAD = [
    "2026-12-03T14:00:08,101 Looking in links: /opt/cache/wheels",
    "2026-12-03T14:00:08,300 Processing /opt/cache/wheels/keystone-26.0.0-py3-none-any.whl",
    "2026-12-03T14:00:09,000 Collecting uwsgi",
    "2026-12-03T14:00:09,100 Collecting PyMySQL>=1.0",
    "2026-12-03T14:00:09,200 Requirement already satisfied: pip in ./venv/lib (23.0)",
    "2026-12-03T14:00:09,300 Collecting pymysql",
]


def test_empty_log_is_starting():
    assert pip_progress("", "keystone venv", NOW)["line"] == "pip: keystone venv, starting"


def test_resolving_counts_distinct_packages():
    result = pip_progress("\n".join(HEAD), "keystone venv", NOW)
    assert result["phase"] == "resolving" and result["resolved"] == 4
    assert result["line"] == "pip: keystone venv, resolving, 4 packages, 52s"


def test_building_then_installing_then_done():
    building = HEAD + ["2026-12-03T14:00:20,000   Building wheel for uwsgi (setup.py): started"]
    assert pip_progress("\n".join(building), "v", NOW)["line"] == "pip: v, building the uwsgi wheel, 4 packages resolved, 52s"
    installing = building + ["2026-12-03T14:00:50,000 Installing collected packages: uwsgi, PyMySQL, keystone"]
    result = pip_progress("\n".join(installing), "v", NOW)
    assert (result["phase"], result["total"]) == ("installing", 3)
    assert result["line"] == "pip: v, installing 3 packages, 52s"
    done = installing + ["2026-12-03T14:00:59,000 Successfully installed PyMySQL-1.1 keystone-26.0.0 uwsgi-2.0"]
    assert pip_progress("\n".join(done), "v", NOW)["line"] == "pip: v, installed 3 packages, 52s"


def test_only_the_last_run_of_an_appended_log_counts():
    old = ["2026-12-03T13:00:00,000 Using pip 23.2.1 from /x (python 3.11)"] + [
        "2026-12-03T13:00:01,000 Collecting old%d" % i for i in range(9)] + [
        "2026-12-03T13:00:09,000 Successfully installed old"]
    new = ["2026-12-03T14:00:08,000 Using pip 23.2.1 from /x (python 3.11)"] + HEAD
    result = pip_progress("\n".join(old + new), "keystone venv", NOW)
    assert result["line"] == "pip: keystone venv, resolving, 4 packages, 52s"
