# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""gatekit.devstack.nodepool_config: nodepool.yaml accepted by `nodepool config-validate`
(nodepool 11.0), the zuul-launcher objects accepted by zuul 14.3's parsers and its
provider flattening, both validators shown to reject broken output, and bad input."""

import copy
import os
import sys

import pytest
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from job_definition_tools import (  # noqa: E402
    IMAGES,
    NODEPOOL,
    ZUUL_PYTHON,
    launcher_validate,
    nodepool_validate,
    run_tasks,
)

from ansible_collections.gatekit.devstack.plugins.module_utils.image.nodepool import (  # noqa: E402
    dump_yaml,
    render_launcher,
    render_nodepool,
)

needs_nodepool = pytest.mark.skipif(not os.path.exists(NODEPOOL), reason="needs .venv-nodepool (nodepool 11.0)")
needs_zuul = pytest.mark.skipif(not os.path.exists(ZUUL_PYTHON), reason="needs .venv-zuul (zuul 14.3)")


def description():
    with open(IMAGES, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def module_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("nodepool-config")
    task = {"gatekit.devstack.nodepool_config": dict(description(),
                                                     nodepool_path=str(base / "nodepool" / "nodepool.yaml"),
                                                     launcher_path=str(base / "zuul.d" / "launcher.yaml"))}
    (base / "check").mkdir()
    check = run_tasks(base / "check", [task], check=True)[0]
    check["_wrote"] = (base / "nodepool").exists() or (base / "zuul.d").exists()
    first, second = run_tasks(base, [task, task], diff=True)
    return base, check, first, second


@needs_nodepool
def test_nodepool_accepts_the_rendered_file(module_run):
    base, _check, first, _second = module_run
    code, output = nodepool_validate(base / "nodepool" / "nodepool.yaml")
    assert code == 0, output
    data = first["nodepool"]
    assert [d["name"] for d in data["diskimages"]] == ["gatekit-bookworm", "ubuntu-noble"]
    bookworm = data["diskimages"][0]
    assert bookworm["release"] == "bookworm" and bookworm["formats"] == ["qcow2", "tar"]
    assert bookworm["elements"][-1] == "infra-package-needs"
    assert bookworm["env-vars"]["DIB_CHECKSUM"] == "1"
    drivers = {p["name"]: p["driver"] for p in data["providers"]}
    assert drivers == {"cloud-a": "openstack", "gatekit-embedded": "static"}
    cloud = data["providers"][0]
    assert cloud["pools"][0]["labels"][1] == {"name": "gatekit-bookworm-large",
                                              "diskimage": "gatekit-bookworm",
                                              "flavor-name": "m1.xlarge", "key-name": "gatekit"}
    static_nodes = data["providers"][1]["pools"][0]["nodes"]
    assert [n["name"] for n in static_nodes] == ["gate-primary", "gate-subnode-1"]
    assert static_nodes[0]["host-key-checking"] is True and static_nodes[1]["host-key-checking"] is False


@needs_zuul
def test_zuul_launcher_parsers_accept_the_objects(module_run):
    base, _check, first, _second = module_run
    code, report = launcher_validate(base / "zuul.d" / "launcher.yaml")
    assert code == 0 and report["ok"], report["errors"]
    assert report["counts"] == {"image": 2, "flavor": 2, "label": 3, "section": 3, "provider": 2}
    assert report["providers"]["cloud-a"]["labels"] == ["gatekit-bookworm", "gatekit-bookworm-large",
                                                        "ubuntu-noble"]
    assert report["providers"]["gatekit-embedded"]["labels"] == ["gatekit-bookworm"]
    assert [list(o)[0] for o in first["launcher"]][:3] == ["image", "image", "flavor"]


def test_check_mode_diff_and_idempotence(module_run):
    base, check, first, second = module_run
    assert check["changed"] is True and check["_wrote"] is False
    assert first["changed"] is True and len(first["paths"]) == 2
    assert second["changed"] is False and second["paths"] == []
    assert first["diff"][0]["before_header"].endswith("(absent)")


@needs_nodepool
def test_nodepool_validator_rejects_a_broken_file(tmp_path):
    """The validator is real: a pool label pointing at a missing diskimage fails."""
    data = render_nodepool(description())
    data["providers"][0]["pools"][0]["labels"][0]["diskimage"] = "no-such-image"
    path = tmp_path / "nodepool.yaml"
    path.write_text(dump_yaml(data))
    code, output = nodepool_validate(path)
    assert code != 0, output


@needs_zuul
@pytest.mark.parametrize("mutate,expected", [
    (lambda objs: objs[0]["image"].update(type="qcow2"), "image gatekit-bookworm"),
    (lambda objs: next(o for o in objs if "section" in o and "flavors" in o["section"])["section"]["flavors"][0]
     .pop("flavor-name"), "provider cloud-a"),
    (lambda objs: next(o for o in objs if "provider" in o)["provider"]["labels"].append("no-such-label"),
     "provider cloud-a"),
], ids=["bad image type", "openstack flavor without flavor-name", "unknown label"])
def test_launcher_validator_rejects_broken_objects(tmp_path, mutate, expected):
    objects = copy.deepcopy(render_launcher(description()))
    mutate(objects)
    path = tmp_path / "launcher.yaml"
    path.write_text(dump_yaml(objects))
    code, report = launcher_validate(path)
    assert code == 1 and not report["ok"]
    assert any(expected in e for e in report["errors"]), report["errors"]


BAD_INPUTS = [
    ("no images", lambda d: d.update(images=[]), "images: at least one image is required"),
    ("label with unknown image", lambda d: d["labels"][0].update(image="nope"),
     "labels[0].image: 'nope' is not one of the images"),
    ("label with unknown flavor", lambda d: d["labels"][0].update(flavor="huge"),
     "labels[0].flavor: 'huge' is not one of the flavors"),
    ("unknown driver", lambda d: d["providers"][0].update(driver="aws"),
     "providers[0].driver: must be one of openstack, static, got 'aws'"),
    ("openstack without cloud", lambda d: d["providers"][0].pop("cloud"),
     "providers[0].cloud: required for the openstack driver"),
    ("static without nodes", lambda d: d["providers"][1].update(nodes=[]),
     "providers[1].nodes: the static driver needs a non-empty list of nodes"),
    ("static node with unknown label", lambda d: d["providers"][1]["nodes"][0].update(labels=["x"]),
     "providers[1].nodes[0].labels: 'x' is not a defined label"),
    ("duplicate static node", lambda d: d["providers"][1]["nodes"].append(dict(d["providers"][1]["nodes"][0])),
     "repeats a node"),
    ("unknown image key", lambda d: d["images"][0].update(fromat="qcow2"), "images[0].fromat: unknown key"),
    ("env var not a string", lambda d: d["images"][0]["env_vars"].update(DIB_X={"a": 1}),
     "images[0].env_vars.DIB_X: must be a string"),
    ("bad rebuild age", lambda d: d["images"][0].update(rebuild_age="daily"),
     "images[0].rebuild_age: must be an integer >= 1, got 'daily'"),
    ("duplicate label", lambda d: d["labels"].append(dict(d["labels"][0])), "labels[3].name: duplicate name"),
]


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("nodepool-bad")
    tasks = []
    for index, (_what, mutate, _expected) in enumerate(BAD_INPUTS):
        desc = description()
        mutate(desc)
        tasks.append({"gatekit.devstack.nodepool_config": dict(
            desc, nodepool_path=str(base / str(index) / "nodepool.yaml"),
            launcher_path=str(base / str(index) / "launcher.yaml"))})
    return base, run_tasks(base, tasks)


@pytest.mark.parametrize("index", range(len(BAD_INPUTS)), ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_rejected_and_nothing_written(bad_runs, index):
    base, results = bad_runs
    what, _mutate, expected = BAD_INPUTS[index]
    result = results[index]
    assert result.get("failed") is True, (what, result)
    assert expected in result["msg"], (what, result["msg"])
    assert not (base / str(index)).exists()


@needs_nodepool
@needs_zuul
def test_the_collection_defaults_validate(tmp_path):
    """The default description (the collection's image, label and embedded pool) passes both validators."""
    (tmp_path / "nodepool.yaml").write_text(dump_yaml(render_nodepool({})))
    code, output = nodepool_validate(tmp_path / "nodepool.yaml")
    assert code == 0, output
    (tmp_path / "launcher.yaml").write_text(dump_yaml(render_launcher({})))
    code, report = launcher_validate(tmp_path / "launcher.yaml")
    assert code == 0, report["errors"]
    assert report["providers"] == {"gatekit-embedded": {"flavors": ["normal"], "images": ["gatekit-bookworm"],
                                                        "labels": ["gatekit-bookworm"]}}
