# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The legacy wrapper's translator, and the proof that the wrapper keeps no key list of its own."""

import os
import re

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy import mapping
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.wrapper_translate import (
    gate_vars,
    job_env_names,
    job_environment,
    messages,
    summary,
    translate,
)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 5))
WRAPPER_FILES = os.path.join(ROOT, "roles", "devstack_gate", "files")

ENV = {
    "DEVSTACK_GATE_TEMPEST": "1",
    "DEVSTACK_GATE_TEMPEST_REGEX": "identity",
    "DEVSTACK_GATE_LOG_DIR": "/ws/logs",
    "DEVSTACK_LOCAL_CONFIG": "X=1",
    "OVERRIDE_NOVA_PROJECT_BRANCH": "stable/zed",
    "GRENADE_PLUGINRC": "enable_grenade_plugin x",
    "ZUUL_BRANCH": "master",
    "WORKSPACE": "/ws",
    "HOME": "/root",
    "PATH": "/usr/bin",
    "OVERRIDE_SOMETHING_ELSE": "1",
}


def test_job_environment_is_what_the_mapping_reads():
    assert list(job_environment(ENV)) == [
        "DEVSTACK_GATE_TEMPEST", "DEVSTACK_GATE_TEMPEST_REGEX", "DEVSTACK_LOCAL_CONFIG", "GRENADE_PLUGINRC",
        "OVERRIDE_NOVA_PROJECT_BRANCH"]


def test_env_names_add_the_keys_the_mapping_ignores_but_not_the_wrappers():
    names = job_env_names(ENV)
    assert names == sorted(names)
    assert {"ZUUL_BRANCH", "WORKSPACE", "DEVSTACK_GATE_TEMPEST", "GRENADE_PLUGINRC"} <= set(names)
    assert not {"DEVSTACK_GATE_LOG_DIR", "HOME", "PATH", "OVERRIDE_SOMETHING_ELSE"} & set(names)
    for key in mapping.OTHER_KEYS:
        assert mapping.job_key(key)


def test_translate_vars_and_messages():
    env, result = translate(dict(ENV, DEVSTACK_GATE_GKDG_BOGUS="1"), None)
    assert "DEVSTACK_GATE_LOG_DIR" not in env
    assert result["unknown"] == ["DEVSTACK_GATE_GKDG_BOGUS"]
    lines = messages(result)
    assert lines[-1].startswith("devstack-gate WARNING: DEVSTACK_GATE_GKDG_BOGUS is not a devstack-gate setting")
    job_vars = gate_vars(result, ENV, {"tempest_concurrency": 2, "devstack_method": "stack_sh"})
    assert job_vars["tempest_results_dir"] == "/ws/logs"
    assert job_vars["tempest_concurrency"] == 2 and job_vars["devstack_method"] == "stack_sh"
    assert job_vars["devstack_gate_parent"] == result["parent"]
    assert gate_vars(result, {"WORKSPACE": "/w"})["tempest_results_dir"] == "/w/logs"
    assert gate_vars(result, {"WORKSPACE": "/w"})["devstack_method"] == "pip"
    assert summary(result, job_vars).startswith("devstack-gate: native job (")


def test_multinode_is_refused_naming_the_key():
    with pytest.raises(GatekitInputError) as err:
        translate({"DEVSTACK_GATE_TOPOLOGY": "multinode"}, None)
    assert err.value.key == "DEVSTACK_GATE_TOPOLOGY"


def _code(path):
    with open(path, encoding="utf-8") as handle:
        return "\n".join(line for line in handle.read().splitlines() if not line.lstrip().startswith("#"))


@pytest.mark.parametrize("name", sorted(f for f in os.listdir(WRAPPER_FILES) if f.endswith((".sh", ".yml"))))
def test_the_wrapper_restates_no_key_list(name):
    """The mapping is the only list of the job's keys: the wrapper asks the translator
    (``--env-names``) and names only the few keys it acts on itself."""
    code = _code(os.path.join(WRAPPER_FILES, name))
    assert not re.search(r"DEVSTACK_GATE_\\w|DEVSTACK_GATE_\[", code), "%s matches DEVSTACK_GATE_* itself" % name
    listed = [key for key in mapping.OTHER_KEYS if key != "BUILD_TIMEOUT" and re.search(r"\b%s\b" % key, code)]
    assert not listed, "%s names the mapping's keys %s" % (name, listed)
    assert "compgen -e" not in code
