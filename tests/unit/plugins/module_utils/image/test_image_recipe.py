# Copyright: gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils.image.recipe and .distro: the recipe, and every restated copy of a
distro-table fact proven equal to the table."""

import os
import re

import yaml

from ansible_collections.gatekit.devstack.plugins.module_utils.image.distro import (
    DEFAULT_DISTRO,
    DISTROS,
    LABEL,
    default_release,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.image.nodepool import (
    BOOT_ELEMENTS,
    image_from_recipe,
    normalize,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.image.recipe import (
    image_recipe,
    recipe_elements,
    venvs_spec,
    with_venvs,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul import library

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 5))


def read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as f:
        return f.read()


def params(**over):
    p = {"name": "gatekit-worker", "distro": "debian", "release": "bookworm", "elements": ["gatekit-worker"],
         "packages": ["python3", "sudo"], "wheels": ["tempest"], "git_repos": [], "zuul_user": "zuul",
         "zuul_uid": 1000, "env_vars": {}, "venvs": {}}
    p.update(over)
    return p


def test_venvs_spec_and_env_vars_win():
    venvs = {"/opt/b": ["x", "y"], "/opt/a": ["z"]}
    assert venvs_spec(venvs) == "/opt/a=z /opt/b=x,y"
    assert with_venvs({"DIB_X": 1}, venvs) == {"DIB_GATEKIT_VENVS": "/opt/a=z /opt/b=x,y", "DIB_X": "1"}
    assert with_venvs({"DIB_GATEKIT_VENVS": "/own=a"}, venvs)["DIB_GATEKIT_VENVS"] == "/own=a"
    assert with_venvs({}, {}) == {}


def test_recipe_elements_start_with_the_distro_element_once():
    assert recipe_elements(params(elements=["debian-minimal", "vm", "gatekit-worker", "vm"])) == [
        "debian-minimal", "vm", "gatekit-worker"]
    assert recipe_elements(params(distro="ubuntu", elements=["debian-minimal", "gatekit-worker"])) == [
        "ubuntu-minimal", "gatekit-worker"]


def test_recipe_holds_the_content_not_the_build_host():
    recipe = image_recipe(params(env_vars=with_venvs({"DIB_X": "1"}, {"/opt/v": ["six"]}), venvs={"/opt/v": ["six"]},
                                 ca_bundle="/etc/ssl/certs/ca-certificates.crt", authorized_keys="ssh-ed25519 K",
                                 mirror="http://m"))
    assert recipe["env"] == {
        "DIB_RELEASE": "bookworm", "DIB_IMAGE_NAME": "gatekit-worker", "DIB_GATEKIT_PACKAGES": "python3 sudo",
        "DIB_GATEKIT_WHEELS": "tempest", "DIB_GATEKIT_GIT_REPOS": "", "DIB_GATEKIT_ZUUL_USER": "zuul",
        "DIB_GATEKIT_ZUUL_UID": "1000", "DIB_GATEKIT_VENVS": "/opt/v=six", "DIB_X": "1"}
    assert recipe["elements"] == ["debian-minimal", "gatekit-worker"]
    assert recipe["venvs"] == {"/opt/v": ["six"]}


def test_image_from_recipe_adds_the_boot_elements_and_takes_overrides():
    recipe = image_recipe(params(elements=["gatekit-worker", "vm"]))
    image = image_from_recipe(recipe)
    assert image["elements"] == ["debian-minimal"] + list(BOOT_ELEMENTS) + ["gatekit-worker"]
    assert image["env_vars"] == recipe["env"] and image["formats"] == ["qcow2"]
    other = image_from_recipe(recipe, boot_elements=[], overrides={"name": "other", "release": "trixie"})
    assert other["name"] == "other" and other["env_vars"]["DIB_RELEASE"] == "trixie"
    assert other["elements"] == ["debian-minimal", "gatekit-worker", "vm"]
    assert normalize({"images": [image], "labels": [{"name": LABEL, "image": "gatekit-worker"}]})["images"][0][
        "env_vars"] == recipe["env"]


# --- one fact, one place: the copies that must stay equal to the table ----------------------------

def test_the_label_is_the_tables_everywhere():
    assert LABEL == "gatekit-" + default_release(DEFAULT_DISTRO)
    assert library.LABEL is LABEL
    assert yaml.safe_load(read("roles", "worker_pool", "defaults", "main.yml"))["worker_pool_label"] == LABEL
    spec = yaml.safe_load(read("roles", "worker_pool", "meta", "argument_specs.yml"))
    assert spec["argument_specs"]["main"]["options"]["worker_pool_label"]["default"] == LABEL
    fallback = yaml.safe_load(read("roles", "job_definitions", "defaults", "main.yml"))["job_definitions_label"]
    assert re.search(r"default\('([^']+)'\)", fallback).group(1) == LABEL
    nodesets = yaml.safe_load(read("zuul.d", "nodesets.yaml"))
    assert {n["label"] for ns in nodesets for n in ns["nodeset"]["nodes"]} == {LABEL}


def test_build_image_defaults_derive_from_the_table():
    defaults = yaml.safe_load(read("roles", "build_image", "defaults", "main.yml"))
    assert defaults["build_image_distro"] == DEFAULT_DISTRO
    # Empty / null: the module takes the release and the keyring pins from the table.
    assert defaults["build_image_release"] == ""
    for pin in ("url", "sha256", "fingerprint"):
        assert defaults["build_image_ubuntu_keyring_" + pin] is None
    spec = yaml.safe_load(read("roles", "build_image", "meta", "argument_specs.yml"))["argument_specs"]["main"]
    assert sorted(spec["options"]["build_image_distro"]["choices"]) == sorted(DISTROS)
    assert spec["options"]["build_image_distro"]["default"] == DEFAULT_DISTRO


def test_the_module_documents_the_tables_choices():
    module = read("plugins", "modules", "image_build.py")
    doc = yaml.safe_load(module.split('DOCUMENTATION = r"""', 1)[1].split('"""', 1)[0])
    assert sorted(doc["options"]["distro"]["choices"]) == sorted(DISTROS)
    assert doc["options"]["distro"]["default"] == DEFAULT_DISTRO
    for option in ("release", "ubuntu_keyring_url", "ubuntu_keyring_sha256", "ubuntu_keyring_fingerprint"):
        assert "default" not in doc["options"][option], option


def test_the_label_defaults_of_the_jjb_forms_are_the_tables():
    jjb = read("plugins", "modules", "jjb_jobs.py")
    assert re.search(r'"job_spec_node": \{"type": "str", "default": "([^"]+)"\}', jjb).group(1) == LABEL
