#!/usr/bin/python
# Copyright: gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: image_build
short_description: Build a devstack worker image with diskimage-builder or debootstrap, cached
version_added: "0.1.0"
description:
  - Computes a cache key from every input that changes the image; the same key again is
    a cache hit (seconds). Otherwise the image is built into a temporary directory of the
    cache, renamed into place only when complete.
  - Outputs are a tar, a qcow2 (optionally raw) and a C(podman import) of the tar,
    tagged with the first 12 hex digits of the tar's sha256.
  - An interrupted (SIGINT, SIGTERM, SIGHUP) or failed build leaves no mounts, no loop
    devices and no partial image in the cache; the error names the kept log file.
  - Progress goes to a status file that the action plugin of the same name reports.
  - Returns the image's recipe, which M(gatekit.devstack.nodepool_config) renders for
    nodepool and zuul-launcher.
  - Must run as root (DIB and debootstrap mount filesystems and use loop devices).
author:
  - gatekit.devstack contributors (@gatekit)
extends_documentation_fragment:
  - gatekit.devstack.attributes
attributes:
  check_mode:
    support: full
    details: Computes the key and reports whether a build would run.
  diff_mode:
    support: none
    details: An image has no meaningful diff; the key and cache_hit say what changed.
options:
  name:
    description: Image name; also written to C(/etc/image-hostname.txt).
    type: str
    default: gatekit-worker
  backend:
    description: C(dib) runs C(disk-image-create); C(debootstrap) the same elements in a chroot.
    type: str
    choices: [dib, debootstrap]
    default: dib
  distro:
    description: Distribution.
    type: str
    choices: [debian, ubuntu]
    default: debian
  release:
    description: Release codename (DIB_RELEASE); default the distro's (bookworm, noble).
    type: str
  elements:
    description: Elements added after the distribution element (nodepool's C(elements)).
    type: list
    elements: str
    default: [gatekit-worker]
  elements_path:
    description: Directories holding elements (ELEMENTS_PATH), earlier wins.
    type: list
    elements: path
    required: true
  packages:
    description: Debian packages installed with C(--no-install-recommends).
    type: list
    elements: str
    default: []
  wheels:
    description: pip requirement strings built into the wheelhouse C(/opt/cache/wheels).
    type: list
    elements: str
    default: []
  git_repos:
    description: Local paths or URLs cloned into C(/opt/git).
    type: list
    elements: str
    default: []
  mirror:
    description: Distribution mirror; empty means the mirror the host's apt sources use
      when the host runs the same distro, else the upstream one.
    type: str
    default: ''
  security_mirror:
    description: Security mirror (the C(-security) suite); empty means the host's, else
      upstream (C(security.ubuntu.com) for Ubuntu).
    type: str
    default: ''
  ubuntu_keyring_url:
    description: Where an Ubuntu build fetches the C(ubuntu-keyring) package (once, into
      C(<cache_dir>/keyrings/), kept only when it matches the pins below), unless
      I(env_vars) bring their own trust (C(DIB_APT_KEYRING), C(--no-check-gpg)). Default
      the distro table's pinned package.
    type: str
  ubuntu_keyring_sha256:
    description: sha256 of that package (empty skips this pin); default the table's.
    type: str
  ubuntu_keyring_fingerprint:
    description: Fingerprint of the archive's signing key, the only key the bootstrap
      trusts (empty skips this pin; one is needed); default the table's.
    type: str
  venvs:
    description: "Virtual environments built from the wheelhouse at image time: a mapping
      of path to requirements (element C(gatekit-venvs), as C(DIB_GATEKIT_VENVS))."
    type: dict
    default: {}
  env_vars:
    description: Extra environment for the build (nodepool's C(env-vars)), e.g. C(DIB_*).
    type: dict
    default: {}
  authorized_keys:
    description: Public key text for the zuul user's C(authorized_keys).
    type: str
    default: ''
  key_dir:
    description: With I(authorized_keys) empty, the directory (0700) of a controller key
      pair C(id_ed25519) (0600) generated once; its public key goes to the image.
    type: path
  zuul_user:
    description: Login user name.
    type: str
    default: zuul
  zuul_uid:
    description: Login user's uid and gid.
    type: int
    default: 1000
  ca_bundle:
    description: A CA bundle on the build host whose extra CAs the image trusts ('' none).
    type: path
    default: /etc/ssl/certs/ca-certificates.crt
  formats:
    description: Output formats.
    type: list
    elements: str
    default: [tar, qcow2]
  layout:
    description: Block-device layout; C(auto) picks C(partitioned) (DIB's MBR layout and
      the C(vm) element) when the host has device-mapper, else C(partitionless).
    type: str
    choices: [auto, partitioned, partitionless]
    default: auto
  cache_dir:
    description: The image cache.
    type: path
    default: ~/.cache/gatekit/images
  dib_image_cache:
    description: DIB_IMAGE_CACHE (bootstrap tarballs, pip cache); default C(<cache_dir>/dib-cache).
    type: path
  pip_cache:
    description: Mount a persistent pip cache while building wheels (the image is the same).
    type: bool
    default: true
  keep:
    description: Builds kept per image name; older ones (and their podman images) are pruned.
    type: int
    default: 2
  podman_import:
    description: Import the tar into podman.
    type: bool
    default: true
  podman_repo:
    description: Repository of the imported image; the tag is the content hash.
    type: str
    default: localhost/gatekit-worker
  compress:
    description: Compress the qcow2 (smaller, but single-threaded zlib costs about 30 s).
    type: bool
    default: false
  force:
    description: Rebuild even when the cache holds the key.
    type: bool
    default: false
  timeout:
    description: Seconds a build may take before it is stopped and cleaned up.
    type: int
    default: 3600
  dib_cmd:
    description: The C(disk-image-create) command; a bare name is looked up in PATH and I(search_path).
    type: str
    default: disk-image-create
  search_path:
    description: Extra directories to find C(disk-image-create) in (e.g. a venv's bin).
    type: list
    elements: path
    default: []
  recipe_only:
    description: Only return the recipe; nothing is built, probed or written.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Build (or reuse) the default worker image
  gatekit.devstack.image_build:
    elements_path: ["{{ role_path }}/files/elements"]
    packages: [python3, sudo, openssh-server]
    wheels: [tempest]
  register: built

- name: Same inputs with the debootstrap backend, tar only
  gatekit.devstack.image_build:
    backend: debootstrap
    elements_path: [/srv/elements]
    formats: [tar]
"""

RETURN = r"""
image:
  description: The gatekit_image fact.
  returned: success
  type: dict
  contains:
    name: {description: Image name., type: str}
    key: {description: Cache key (sha256 of the inputs)., type: str}
    digest: {description: sha256 of the tar (content hash)., type: str}
    tar: {description: Path of the tar., type: str}
    qcow2: {description: Path of the qcow2 or null., type: str}
    podman_ref: {description: "Local podman image, tagged with the content hash.", type: str}
    built_at: {description: UTC ISO time of the build., type: str}
    packages: {description: "Installed packages (name=version).", type: list, elements: str}
    cache_hit: {description: Whether the cache already held the key., type: bool}
    log: {description: The build's full log., type: str}
key:
  description: The cache key.
  returned: unless recipe_only
  type: str
cache_hit:
  description: Whether the cache already held the key.
  returned: unless recipe_only
  type: bool
log:
  description: Log file of the build (also on failure).
  returned: when a build ran
  type: str
recipe:
  description: What the image holds (name, distro, release, elements, packages, wheels,
    venvs, git_repos, zuul_user, zuul_uid and env, the DIB environment of its content).
  returned: when the inputs are valid
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.image.builder import CommandRunner, run_image_build
from ansible_collections.gatekit.devstack.plugins.module_utils.image.cache import BACKENDS, LAYOUTS
from ansible_collections.gatekit.devstack.plugins.module_utils.image.distro import DEFAULT_DISTRO, DISTROS


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", default="gatekit-worker"),
            backend=dict(type="str", choices=list(BACKENDS), default="dib"),
            distro=dict(type="str", choices=sorted(DISTROS), default=DEFAULT_DISTRO),
            release=dict(type="str"),
            elements=dict(type="list", elements="str", default=["gatekit-worker"]),
            elements_path=dict(type="list", elements="path", required=True),
            packages=dict(type="list", elements="str", default=[]),
            wheels=dict(type="list", elements="str", default=[]),
            git_repos=dict(type="list", elements="str", default=[]),
            mirror=dict(type="str", default=""),
            security_mirror=dict(type="str", default=""),
            # Public pins, not secrets.
            ubuntu_keyring_url=dict(type="str", no_log=False),
            ubuntu_keyring_sha256=dict(type="str", no_log=False),
            ubuntu_keyring_fingerprint=dict(type="str", no_log=False),
            venvs=dict(type="dict", default={}),
            env_vars=dict(type="dict", default={}),
            authorized_keys=dict(type="str", default="", no_log=False),
            key_dir=dict(type="path"),
            zuul_user=dict(type="str", default="zuul"),
            zuul_uid=dict(type="int", default=1000),
            ca_bundle=dict(type="path", default="/etc/ssl/certs/ca-certificates.crt"),
            formats=dict(type="list", elements="str", default=["tar", "qcow2"]),
            layout=dict(type="str", choices=list(LAYOUTS), default="auto"),
            cache_dir=dict(type="path", default="~/.cache/gatekit/images"),
            dib_image_cache=dict(type="path"),
            pip_cache=dict(type="bool", default=True),
            keep=dict(type="int", default=2),
            podman_import=dict(type="bool", default=True),
            podman_repo=dict(type="str", default="localhost/gatekit-worker"),
            compress=dict(type="bool", default=False),
            force=dict(type="bool", default=False),
            timeout=dict(type="int", default=3600),
            dib_cmd=dict(type="str", default="disk-image-create"),
            search_path=dict(type="list", elements="path", default=[]),
            recipe_only=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    failed, result = run_image_build(module.params, module.check_mode, CommandRunner())
    if failed:
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
