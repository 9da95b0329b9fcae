# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one model of Zuul's YAML tags: reading, the mapping form, and round trips
through the zuul.d renderer (what zuul 14.3 reads from the same text is checked in
tests/functional/test_zuul_config.py)."""

import os

import pytest
import yaml

from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.config import FILES, render_zuul_config
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.library import job_library
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.tags import (
    ENCRYPTED_PLACEHOLDER,
    TAG_ENCRYPTED,
    TAG_INHERIT,
    TAG_OVERRIDE,
    ZuulTag,
    load,
    mapping_form,
    normalize_tags,
    override_control,
    untag,
)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 5))
KEY_OF_STANZA = {stanza: key for key, stanza, _name in FILES}

TAGGED = """
- job:
    name: j
    files: !inherit ['^a/.*$']
    irrelevant-files: !override
      - '^docs/'
    tags: !override one
    vars: !override {x: 1, nested: {y: !override [2]}}
    host-vars: !inherit {}
- secret:
    name: s
    data:
      token: !encrypted/pkcs1-oaep aGVsbG8=
      chunks: !encrypted/pkcs1-oaep
        - aGVsbG8=
        - d29ybGQ=
"""


def test_load_reads_each_tag_on_each_node_kind():
    job, secret = (next(iter(item.values())) for item in load(TAGGED))
    assert job["files"] == ZuulTag(TAG_INHERIT, ["^a/.*$"])
    assert job["irrelevant-files"] == ZuulTag(TAG_OVERRIDE, ["^docs/"])
    assert job["tags"] == ZuulTag(TAG_OVERRIDE, "one")
    assert job["vars"] == ZuulTag(TAG_OVERRIDE, {"x": 1, "nested": {"y": ZuulTag(TAG_OVERRIDE, [2])}})
    assert job["host-vars"] == ZuulTag(TAG_INHERIT, {})
    assert secret["data"] == {"token": ZuulTag(TAG_ENCRYPTED, "aGVsbG8="),
                              "chunks": ZuulTag(TAG_ENCRYPTED, ["aGVsbG8=", "d29ybGQ="])}


def test_tagged_scalars_and_chunks_are_text():
    loaded = load("a: !override 5\nb: !inherit true\nc: !encrypted/pkcs1-oaep [5, null]\n")
    assert loaded == {"a": ZuulTag(TAG_OVERRIDE, "5"), "b": ZuulTag(TAG_INHERIT, "true"),
                      "c": ZuulTag(TAG_ENCRYPTED, ["5", "null"])}


@pytest.mark.parametrize("text", [
    "a: !unsafe '{{ x }}'\n",             # Ansible's tag: not one of zuul's
    "a: !encrypted/pkcs1-oaep {k: v}\n",  # encrypted data is text or a list of chunks
    "a: !encrypted/pkcs1-oaep [[x]]\n",
    "a: !secret x\n",
])
def test_other_tags_and_shapes_are_refused(text):
    with pytest.raises(yaml.YAMLError):
        load(text)


def test_mapping_form_is_the_inverse_of_normalize_tags():
    data = {"a": {TAG_INHERIT: [1, {TAG_OVERRIDE: {"b": 2}}]}, "c": [{TAG_ENCRYPTED: ["x"]}], "d": {"!x": 1},
            "e": {TAG_OVERRIDE: "s", "other": 1}}
    model = normalize_tags(data)
    assert model["a"] == ZuulTag(TAG_INHERIT, [1, ZuulTag(TAG_OVERRIDE, {"b": 2})])
    assert model["d"] == {"!x": 1} and model["e"] == data["e"]  # not tags: another key, or two keys
    assert mapping_form(model) == data
    assert normalize_tags(mapping_form(model)) == model
    assert normalize_tags(model) == model and normalize_tags(model) is not model


def test_override_control_and_untag():
    assert override_control(ZuulTag(TAG_OVERRIDE, {"a": 1})) == ({"a": 1}, True)
    assert override_control(ZuulTag(TAG_INHERIT, [1])) == ([1], False)
    encrypted = ZuulTag(TAG_ENCRYPTED, "eA==")
    assert override_control(encrypted) == (encrypted, False)
    assert override_control("plain") == ("plain", False)
    assert untag(encrypted) == ENCRYPTED_PLACEHOLDER
    assert untag(ZuulTag(TAG_ENCRYPTED, ["a", "b"])) == [ENCRYPTED_PLACEHOLDER] * 2
    assert untag(ZuulTag(TAG_INHERIT, "x")) == "x"
    assert untag({"k": 1}) == {"k": 1}


def _config_of(files):
    """The renderer's input back from rendered files (load, then group objects by stanza)."""
    config = {}
    for text in files.values():
        for item in load(text):
            (stanza, obj), = item.items()
            config.setdefault(KEY_OF_STANZA[stanza], []).append(obj)
    return config


def _tagged_config():
    config = job_library()
    config["secrets"] = [{"name": "creds", "data": {"user": "u", "token": {TAG_ENCRYPTED: "aGVsbG8="},
                                                    "chunks": [{TAG_ENCRYPTED: ["aGVsbG8=", "d29ybGQ="]}]}}]
    config["jobs"].append({
        "name": "tagged", "parent": "gatekit-devstack", "secrets": ["creds"],
        "files": {TAG_INHERIT: ["^src/.*$"]}, "irrelevant-files": {TAG_OVERRIDE: []},
        "required-projects": {TAG_INHERIT: ["openstack/keystone"]}, "tags": {TAG_OVERRIDE: "one"},
        "vars": {TAG_OVERRIDE: {"a": {"b": [1, "two"]}, "multi": "x\ny\n"}}, "host-vars": {TAG_INHERIT: {}},
    })
    return config


def test_load_dump_load_round_trip():
    config = _tagged_config()
    files = render_zuul_config(config)
    again = _config_of(files)
    assert render_zuul_config(again) == files
    assert mapping_form(_config_of(render_zuul_config(again))) == mapping_form(again)
    tagged = next(job for job in again["jobs"] if job["name"] == "tagged")
    assert tagged["vars"] == ZuulTag(TAG_OVERRIDE, {"a": {"b": [1, "two"]}, "multi": "x\ny\n"})
    assert tagged["irrelevant-files"] == ZuulTag(TAG_OVERRIDE, [])
    assert again["secrets"][0]["data"]["chunks"] == [ZuulTag(TAG_ENCRYPTED, ["aGVsbG8=", "d29ybGQ="])]


def test_the_collection_zuul_d_round_trips_byte_for_byte():
    directory = os.path.join(ROOT, "zuul.d")
    on_disk = {}
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), encoding="utf-8") as handle:
            on_disk[name] = handle.read()
    assert render_zuul_config(_config_of(on_disk), validate=False) == on_disk
