# Copyright: gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""image_build: the module is thin, and the image nodepool would build is the one the
local build built (the same elements and DIB environment, venvs included)."""

import os

import pytest

from ansible_collections.gatekit.devstack.plugins.module_utils.image import builder as b
from ansible_collections.gatekit.devstack.plugins.module_utils.image.cache import cache_paths
from ansible_collections.gatekit.devstack.plugins.module_utils.image.nodepool import (
    BOOT_ELEMENTS,
    image_from_recipe,
    render_nodepool,
)
from ansible_collections.gatekit.devstack.tests.unit.plugins.module_utils.image.recording_runner import RecordingRunner

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 4))
ELEMENTS = os.path.join(ROOT, "roles", "build_image", "files", "elements")
MODULE = os.path.join(ROOT, "plugins", "modules", "image_build.py")
VENVS = {"/opt/stack/venv": ["keystone", "uwsgi"], "/opt/stack/tempest-venv": ["tempest"]}


def module_params(tmp_path, **over):
    """image_build's options as AnsibleModule hands them over (defaults filled in)."""
    p = {
        "name": "gatekit-worker", "backend": "dib", "distro": "debian", "release": None,
        "elements": ["gatekit-worker"], "elements_path": [ELEMENTS], "packages": ["python3", "sudo"],
        "wheels": ["keystone", "tempest"], "git_repos": [], "mirror": "http://deb.example/debian",
        "security_mirror": "http://deb.example/debian-security", "ubuntu_keyring_url": None,
        "ubuntu_keyring_sha256": None, "ubuntu_keyring_fingerprint": None, "venvs": VENVS,
        "env_vars": {"DIB_GATEKIT_EXTRA": "1"}, "authorized_keys": "ssh-ed25519 AAAA k", "key_dir": None,
        "zuul_user": "zuul", "zuul_uid": 1000, "ca_bundle": "", "formats": ["tar", "qcow2"],
        "layout": "partitionless", "cache_dir": str(tmp_path / "cache"), "dib_image_cache": str(tmp_path / "dib"),
        "pip_cache": True, "keep": 2, "podman_import": False, "podman_repo": "localhost/gatekit-worker",
        "compress": False, "force": False, "timeout": 3600, "dib_cmd": "disk-image-create", "search_path": [],
        "recipe_only": False,
    }
    p.update(over)
    return p


def local_dib_build(tmp_path, layout, **over):
    """The disk-image-create command line and environment of a local build."""
    p = b.resolve_params(module_params(tmp_path, layout=layout, **over))
    p["_inputs"], p["_dib_cmd"] = {}, "disk-image-create"
    paths = cache_paths(p["cache_dir"], p["name"], "k" * 64)
    os.makedirs(paths["logs"], exist_ok=True)
    status = b.Status(os.path.join(p["cache_dir"], ".status", "x.json"), {"name": p["name"]})
    runner = RecordingRunner()
    b.Builder(p, "k" * 64, layout, paths, log_path=os.path.join(paths["logs"], "l.log"), status=status,
              runner=runner).build()
    cmd, env = runner.runs[0]
    return cmd[cmd.index("-o") + 2:], env


def test_the_module_is_thin():
    with open(MODULE) as f:
        assert len(f.read().splitlines()) <= 300


def test_recipe_only_builds_nothing(tmp_path):
    runner = RecordingRunner()
    failed, result = b.run_image_build(module_params(tmp_path, recipe_only=True), False, runner)
    assert not failed and result["changed"] is False
    assert runner.runs == [] and runner.calls == []
    assert not os.path.exists(str(tmp_path / "cache"))
    recipe = result["recipe"]
    assert recipe["release"] == "bookworm" and recipe["elements"] == ["debian-minimal", "gatekit-worker"]
    assert recipe["env"]["DIB_GATEKIT_VENVS"] == "/opt/stack/tempest-venv=tempest /opt/stack/venv=keystone,uwsgi"


def test_check_mode_reports_the_key_and_the_recipe(tmp_path):
    failed, result = b.run_image_build(module_params(tmp_path), True, RecordingRunner())
    assert not failed, result
    assert result["changed"] is True and result["cache_hit"] is False and result["msg"] == "would build"
    assert len(result["key"]) == 64 and result["recipe"]["name"] == "gatekit-worker"
    assert not os.path.exists(str(tmp_path / "cache"))


def test_bad_input_names_the_key(tmp_path):
    failed, result = b.run_image_build(module_params(tmp_path, packages=["Not A Package"]), False, RecordingRunner())
    assert failed and result["msg"].startswith("packages:")
    failed, result = b.run_image_build(module_params(tmp_path, elements_path=[str(tmp_path / "no")]), True,
                                       RecordingRunner())
    assert failed and result["msg"].startswith("elements_path:")


def test_venvs_change_the_key_as_their_env_var_did(tmp_path):
    key = b.run_image_build(module_params(tmp_path), True, RecordingRunner())[1]["key"]
    via_env = module_params(tmp_path, venvs={}, env_vars={
        "DIB_GATEKIT_EXTRA": "1",
        "DIB_GATEKIT_VENVS": "/opt/stack/tempest-venv=tempest /opt/stack/venv=keystone,uwsgi"})
    assert b.run_image_build(via_env, True, RecordingRunner())[1]["key"] == key
    assert b.run_image_build(module_params(tmp_path, venvs={}), True, RecordingRunner())[1]["key"] != key


@pytest.mark.parametrize("layout", ["partitionless", "partitioned"])
def test_nodepool_builds_the_image_the_local_build_built(tmp_path, layout):
    recipe = b.run_image_build(module_params(tmp_path, recipe_only=True), False, RecordingRunner())[1]["recipe"]
    nodepool = render_nodepool({"images": [image_from_recipe(recipe)],
                                "labels": [{"name": "gatekit-bookworm", "image": recipe["name"]}]})
    diskimage = nodepool["diskimages"][0]
    elements, env = local_dib_build(tmp_path, layout)
    # The same DIB environment: every variable nodepool sets has the local build's value.
    assert diskimage["env-vars"] == {k: env[k] for k in diskimage["env-vars"]}
    assert env["DIB_GATEKIT_VENVS"] == diskimage["env-vars"]["DIB_GATEKIT_VENVS"] != ""
    for var in ("DIB_GATEKIT_PACKAGES", "DIB_GATEKIT_WHEELS", "DIB_GATEKIT_EXTRA", "DIB_RELEASE"):
        assert var in diskimage["env-vars"]
    # What the local build adds is the build host's only: layout, caches, CA, key, mirrors.
    host_only = set(env) - set(diskimage["env-vars"])
    assert host_only <= {"DIB_GATEKIT_CA_BUNDLE", "DIB_GATEKIT_ZUUL_AUTHORIZED_KEYS", "DIB_DISTRIBUTION_MIRROR",
                         "DIB_DEBIAN_SECURITY_MIRROR", "DIB_GATEKIT_NO_KERNEL", "DIB_BLOCK_DEVICE_CONFIG",
                         "DIB_IMAGE_CACHE", "ELEMENTS_PATH", "LANG", "TMPDIR", "DIB_DEBOOTSTRAP_CACHE",
                         "DIB_DEBIAN_USE_DEBOOTSTRAP_CACHE"}
    # The same elements: nodepool's are the local build's, bootable (the partitioned
    # layout's elements) and without the local pip cache.
    assert diskimage["release"] == "bookworm"
    local = [e for e in elements if e != "pip-cache"]
    if layout == "partitioned":
        assert diskimage["elements"] == local
    else:
        assert [e for e in diskimage["elements"] if e not in BOOT_ELEMENTS] == local
