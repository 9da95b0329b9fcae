# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.gate.job_spec import (
    DEFAULT_TIMEOUT,
    check_shape,
    gate_spec,
    shape_problems,
)

JOB = {
    "name": "gk-multi",
    "parent": "gatekit-tempest",
    "nodeset": "gatekit-two-node",
    "vars": {"devstack_services": {"tempest": False}, "tox_envlist": "all"},
    "group-vars": {"subnodes": {"devstack_services": {"tempest": True}}},
    "host-vars": {"compute1": {"devstack_localrc": {"X": "1"}}},
}


def test_a_good_job_has_no_shape_problems():
    assert shape_problems(JOB) == []
    check_shape(JOB)


@pytest.mark.parametrize("change,expected", [
    ({"name": "has spaces"}, "name: required, a job name (letters, digits, . _ -), got has spaces"),
    ({"name": None}, "name: required, a job name (letters, digits, . _ -), got <missing>"),
    ({"parent": 3}, "parent: must be a job name"),
    ({"vars": ["x"]}, "vars: must be a mapping"),
    ({"timeout": "soon"}, "timeout: must be a positive integer (seconds), got soon"),
    ({"timeout": 0}, "timeout: must be a positive integer (seconds), got 0"),
    ({"timeout": True}, "timeout: must be a positive integer (seconds), got True"),
    ({"voting": "maybe"}, "voting: must be true or false"),
    ({"nodeset": 3}, "nodeset: must be a nodeset name or an inline nodeset"),
    ({"required-projects": "devstack"}, "required-projects: must be a list"),
    ({"group-vars": {"subnodes": [1]}}, "group-vars: must be a mapping of group name to variables"),
    ({"host-vars": []}, "host-vars: must be a mapping of node name to variables"),
])
def test_shape_problems_name_the_key(change, expected):
    job = dict(JOB, **change)
    if change.get("name", "") is None:
        del job["name"]
    assert shape_problems(job) == [expected]
    with pytest.raises(GatekitInputError) as err:
        check_shape(job)
    assert str(err.value) == expected


def test_several_problems_are_reported_together():
    with pytest.raises(GatekitInputError) as err:
        check_shape(dict(JOB, vars=[1], voting="x"))
    assert str(err.value) == "vars: must be a mapping; voting: must be true or false"


def test_not_a_mapping():
    assert shape_problems([JOB]) == ["must be a mapping in the shape of a Zuul job (name, parent, nodeset, timeout, voting, vars)"]


def test_spec_lays_out_the_variables_by_node():
    spec = gate_spec(JOB, nodes=["controller", "compute1"])
    assert spec == {
        "name": "gk-multi",
        "nodeset": "gatekit-two-node",
        "node_count": 2,
        "nodes": ["controller", "compute1"],
        "timeout": DEFAULT_TIMEOUT,
        "voting": True,
        "vars": JOB["vars"],
        "group_vars": JOB["group-vars"],
        "node_vars": [{}, {"devstack_localrc": {"X": "1"}}],
    }


def test_spec_does_not_share_the_job_s_dicts():
    spec = gate_spec(JOB, nodes=["controller", "compute1"])
    spec["vars"]["tox_envlist"] = "smoke"
    spec["group_vars"]["subnodes"]["x"] = 1
    assert JOB["vars"]["tox_envlist"] == "all" and "x" not in JOB["group-vars"]["subnodes"]


def test_inline_nodeset_counts_its_nodes():
    job = dict(JOB, nodeset={"nodes": [{"name": "controller", "label": "l"}, {"name": "compute1", "label": "l"}]})
    spec = gate_spec(job)
    assert spec["node_count"] == 2 and spec["nodes"] == ["controller", "compute1"]


def test_a_named_nodeset_outside_the_configuration():
    job = {"name": "gk-x", "nodeset": "gatekit-single-node"}
    assert gate_spec(job, known_nodesets={"gatekit-single-node": 1})["node_count"] == 1
    assert gate_spec(job, node_count=3)["node_count"] == 3
    assert gate_spec(job, node_count=3)["node_vars"] == [{}, {}, {}]


def test_unknown_nodeset_is_named():
    with pytest.raises(GatekitInputError) as err:
        gate_spec({"name": "gk-x", "nodeset": "gk-no-such-nodeset"}, known_nodesets={"gatekit-single-node": 1})
    assert str(err.value).startswith("nodeset: gk-no-such-nodeset has no nodes or is not defined")
    assert "gatekit-single-node" in str(err.value)


def test_host_vars_must_name_nodes():
    with pytest.raises(GatekitInputError) as err:
        gate_spec(dict(JOB, **{"host-vars": {"compute9": {}}}), nodes=["controller", "compute1"])
    assert str(err.value) == "host-vars: compute9 is not a node of the nodeset (nodes: controller, compute1)"


def test_the_resolved_job_is_checked_too():
    with pytest.raises(GatekitInputError, match="^timeout: must be a positive integer"):
        gate_spec(dict(JOB, timeout=-1), nodes=["controller", "compute1"])


def test_not_a_mapping_is_named_as_the_job():
    with pytest.raises(GatekitInputError) as err:
        check_shape([JOB])
    assert str(err.value).startswith("job: must be a mapping")
