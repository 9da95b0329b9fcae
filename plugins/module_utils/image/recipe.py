# Copyright: gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The image recipe: what an image holds, apart from where and how it is built.

``image_recipe(params)`` is returned by the image_build module and rendered by
``nodepool.image_from_recipe`` for nodepool / zuul-launcher, so the image nodepool
builds is the image built here. ``dib_elements`` and ``element_env`` add what only a
local build needs (the block-device layout, the pip cache, the host's CA bundle, the
controller's key, the host's mirrors) to that same recipe. Pure functions.
"""

from __future__ import annotations

from ansible_collections.gatekit.devstack.plugins.module_utils.image.distro import (
    DIB_DISTRO_ELEMENTS,
    DISTROS,
)

# Elements only a partitioned (bootable) layout can build: without device-mapper they
# are left out of a local build.
_PARTITIONED_ONLY = ("vm", "bootloader")


def venvs_spec(venvs):
    """{path: [req, ...]} -> DIB_GATEKIT_VENVS ('PATH=REQ,REQ PATH=...', paths sorted)."""
    return " ".join("%s=%s" % (path, ",".join(reqs)) for path, reqs in sorted((venvs or {}).items()))


def with_venvs(env_vars, venvs):
    """nodepool-style env-vars with the venvs as DIB_GATEKIT_VENVS (env-vars win)."""
    env = {"DIB_GATEKIT_VENVS": venvs_spec(venvs)} if venvs else {}
    env.update({str(k): str(v) for k, v in (env_vars or {}).items()})
    return env


def recipe_elements(params):
    """The distro element, then the other elements once each, as given."""
    els = [DISTROS[params["distro"]]["element"]]
    for el in params.get("elements") or []:
        if el not in els and el not in DIB_DISTRO_ELEMENTS:
            els.append(el)
    return els


def _content_env(params):
    return {
        "DIB_RELEASE": params["release"],
        "DIB_IMAGE_NAME": params["name"],
        "DIB_GATEKIT_PACKAGES": " ".join(params.get("packages") or []),
        "DIB_GATEKIT_WHEELS": " ".join(params.get("wheels") or []),
        "DIB_GATEKIT_GIT_REPOS": " ".join(params.get("git_repos") or []),
        "DIB_GATEKIT_ZUUL_USER": params.get("zuul_user") or "zuul",
        "DIB_GATEKIT_ZUUL_UID": str(params.get("zuul_uid") or 1000),
    }


def image_recipe(params):
    """The recipe of the image `params` (image_build's options) describe."""
    env = _content_env(params)
    env.update({str(k): str(v) for k, v in (params.get("env_vars") or {}).items()})
    return {
        "name": params["name"],
        "distro": params["distro"],
        "release": params["release"],
        "elements": recipe_elements(params),
        "packages": list(params.get("packages") or []),
        "wheels": list(params.get("wheels") or []),
        "venvs": dict(params.get("venvs") or {}),
        "git_repos": list(params.get("git_repos") or []),
        "zuul_user": params.get("zuul_user") or "zuul",
        "zuul_uid": int(params.get("zuul_uid") or 1000),
        "env": dict(sorted(env.items())),
    }


def dib_elements(params, layout):
    """The element list handed to disk-image-create: the recipe's, with the layout's."""
    recipe = recipe_elements(params)
    els = recipe[:1]
    if layout == "partitioned":
        els += ["vm", "block-device-mbr"]
    if params.get("pip_cache", True):
        els.append("pip-cache")
    for el in recipe[1:]:
        if el in els:
            continue
        if layout == "partitionless" and (el in _PARTITIONED_ONLY or el.startswith("block-device-")):
            # A nodepool element list names the partitioned layout; without
            # device-mapper it cannot be built, so it is left out.
            continue
        els.append(el)
    return els


def element_env(params, layout="partitionless"):
    """DIB_* variables the gatekit elements (and DIB's distro elements) read: the
    recipe's, and what the build host adds. The same dict drives both backends."""
    env = _content_env(params)
    env["DIB_GATEKIT_CA_BUNDLE"] = params.get("ca_bundle") or ""
    env["DIB_GATEKIT_ZUUL_AUTHORIZED_KEYS"] = params.get("authorized_keys") or ""
    if params.get("mirror"):
        env["DIB_DISTRIBUTION_MIRROR"] = params["mirror"]
    if params.get("security_mirror"):
        env["DIB_DEBIAN_SECURITY_MIRROR"] = params["security_mirror"]
    if layout == "partitionless":
        # Nothing boots a kernel from a root-filesystem image.
        env["DIB_GATEKIT_NO_KERNEL"] = "1"
        if params["distro"] == "ubuntu":
            # ubuntu-minimal installs DIB_UBUNTU_KERNEL only when it names a kernel it
            # knows: skip linux-image-generic (and linux-firmware, ~300 MB) instead of
            # downloading it for gatekit-base to purge again.
            env["DIB_UBUNTU_KERNEL"] = "none"
    for k, v in (params.get("env_vars") or {}).items():
        env[str(k)] = str(v)
    return env
