# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils.image.nodepool: one description -> nodepool.yaml and zuul-launcher
objects (pure). nodepool's and zuul's validators run in tests/functional."""

import copy

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.image.nodepool import (
    DEFAULT_ELEMENTS,
    dump_yaml,
    normalize,
    render_launcher,
    render_nodepool,
)

DESC = {
    "images": [{"name": "bookworm", "env_vars": {"DIB_CHECKSUM": True, "B": 2}}],
    "labels": [{"name": "bookworm", "image": "bookworm"}],
    "providers": [
        {"name": "cloud", "driver": "openstack", "cloud": "c", "networks": "public"},
        {"name": "pool", "driver": "static", "nodes": [{"name": "10.0.0.1", "label": "bookworm"}]},
    ],
}


def test_defaults_filled_in():
    d = normalize(DESC)
    image = d["images"][0]
    assert image["elements"] == list(DEFAULT_ELEMENTS) and image["release"] == "bookworm"
    assert image["env_vars"] == {"DIB_CHECKSUM": "true", "B": "2"}
    assert d["flavors"] == [{"name": "normal", "min_ram": 8192, "flavor_name": None, "description": None}]
    assert d["labels"][0]["flavor"] == "normal"
    assert d["providers"][0]["labels"] == ["bookworm"] and d["providers"][0]["networks"] == ["public"]
    assert d["providers"][1]["nodes"][0]["labels"] == ["bookworm"]
    assert d["zookeeper"] == [{"host": "localhost", "port": 2181}]
    assert DESC["images"][0]["env_vars"]["DIB_CHECKSUM"] is True  # input not mutated


def test_nodepool_shape():
    n = render_nodepool(DESC)
    assert list(n) == ["zookeeper-servers", "elements-dir", "images-dir", "labels", "diskimages", "providers"]
    assert n["diskimages"][0]["env-vars"] == {"B": "2", "DIB_CHECKSUM": "true"}
    assert n["diskimages"][0]["formats"] == ["qcow2"]
    cloud, pool = n["providers"]
    assert cloud["diskimages"] == [{"name": "bookworm", "config-drive": True}]
    assert cloud["pools"][0] == {"name": "main", "max-servers": 10, "networks": ["public"],
                                 "labels": [{"name": "bookworm", "diskimage": "bookworm", "min-ram": 8192}]}
    assert pool["pools"][0]["nodes"][0] == {
        "name": "10.0.0.1", "labels": ["bookworm"], "username": "zuul", "host-key-checking": False,
        "connection-port": 22, "max-parallel-jobs": 1, "python-path": "/usr/bin/python3"}


def test_unused_image_is_not_built_when_openstack_providers_exist():
    desc = copy.deepcopy(DESC)
    desc["images"].append({"name": "spare"})
    n = render_nodepool(desc)
    assert "formats" not in n["diskimages"][1]


def test_launcher_shape():
    objects = render_launcher(DESC)
    kinds = [next(iter(o)) for o in objects]
    assert kinds == ["image", "flavor", "label", "section", "section", "provider", "section", "provider"]
    assert objects[0] == {"image": {"name": "bookworm", "type": "zuul"}}
    assert objects[3]["section"] == {"name": "gatekit-base", "abstract": True, "images": [
        {"name": "bookworm", "username": "zuul", "python-path": "/usr/bin/python3"}]}
    cloud_section = objects[4]["section"]
    assert cloud_section["connection"] == "openstack" and cloud_section["parent"] == "gatekit-base"
    assert cloud_section["flavors"] == [{"name": "normal", "flavor-name": "normal"}]
    assert objects[5]["provider"] == {"name": "cloud", "section": "cloud-section", "labels": ["bookworm"]}
    assert objects[7]["provider"]["nodes"] == [{"name": "10.0.0.1", "label": "bookworm", "username": "zuul"}]
    assert "description" not in objects[4]["section"] and "description" not in objects[5]["provider"]


def test_dump_is_stable():
    assert dump_yaml(render_nodepool(DESC), "x") == dump_yaml(render_nodepool(DESC), "x")
    assert dump_yaml({"a": 1}, "one\ntwo").startswith("# one\n# two\na: 1\n")


def _with(path, value):
    desc = copy.deepcopy(DESC)
    target = desc
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return desc


BAD = [
    (_with(["images"], []), "images", "at least one image"),
    (_with(["images", 0, "name"], "a b"), "images[0].name", "use letters"),
    (_with(["images", 0, "elements"], []), "images[0].elements", "at least one DIB element"),
    (_with(["images", 0, "elements"], ["vm", 1]), "images[0].elements", "list of non-empty strings"),
    (_with(["images", 0, "env_vars"], ["A=1"]), "images[0].env_vars", "mapping"),
    (_with(["images", 0, "env_vars"], {"A-B": "1"}), "images[0].env_vars.A-B", "variable name"),
    (_with(["images", 0, "build_timeout"], -1), "images[0].build_timeout", "integer >= 1"),
    (_with(["images", 0, "colour"], "red"), "images[0].colour", "unknown key"),
    (_with(["labels"], []), "labels", "at least one label"),
    (_with(["labels", 0, "image"], "nope"), "labels[0].image", "not one of the images"),
    (_with(["labels", 0, "min_ready"], True), "labels[0].min_ready", "integer"),
    (_with(["providers"], []), "providers", "at least one provider"),
    (_with(["providers", 0, "driver"], None), "providers[0].driver", "must be one of"),
    (_with(["providers", 0, "cloud"], KeyError), "providers[0].cloud", "required for the openstack driver"),
    (_with(["providers", 0, "labels"], ["ghost"]), "providers[0].labels[0]", "not a defined label"),
    (_with(["providers", 0, "nodes"], [{"name": "x"}]), "providers[0].nodes", "only the static driver"),
    (_with(["providers", 1, "cloud"], "c"), "providers[1].cloud", "not used by the static driver"),
    (_with(["providers", 1, "nodes", 0, "label"], KeyError), "providers[1].nodes[0].labels", "required"),
    (_with(["providers", 1, "nodes", 0, "connection_port"], 0), "providers[1].nodes[0].connection_port", ">= 1"),
    (_with(["providers", 1, "name"], "cloud"), "providers[1].name", "duplicate name 'cloud'"),
    (_with(["labels", 0, "flavor"], "huge"), "labels[0].flavor", "not one of the flavors"),
    (_with(["zookeeper"], [{"port": 1}]), "zookeeper[0].host", "required"),
    (_with(["section"], "a b"), "section", "must be a name"),
    ({"images": [], "extra": 1}, "description.extra", "unknown key"),
]


@pytest.mark.parametrize("desc,key,reason", BAD, ids=["%s:%s" % (b[1], b[2]) for b in BAD])
def test_bad_input_names_the_key(desc, key, reason):
    with pytest.raises(GatekitInputError) as err:
        normalize(desc)
    assert err.value.key == key
    if reason:
        assert reason in err.value.reason


def test_openstack_flavor_needs_a_size():
    desc = copy.deepcopy(DESC)
    desc["flavors"] = [{"name": "x"}]
    desc["labels"][0]["flavor"] = "x"
    with pytest.raises(GatekitInputError) as err:
        normalize(desc)
    assert err.value.key == "flavors.x"


def test_the_collection_defaults():
    """No images / labels / providers: the collection's image, label and embedded pool."""
    d = normalize({})
    assert [i["name"] for i in d["images"]] == ["gatekit-bookworm"]
    assert d["labels"][0]["name"] == d["labels"][0]["image"] == "gatekit-bookworm"
    (pool,) = d["providers"]
    assert pool["name"] == "gatekit-embedded" and pool["driver"] == "static"
    assert [n["name"] for n in pool["nodes"]] == ["gate-primary", "gate-subnode-1"]
    n = render_nodepool({})
    assert n["diskimages"][0]["formats"] == ["qcow2"]  # no openstack provider: still built
