#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: nodepool_config
short_description: Render nodepool.yaml and Zuul launcher objects from one description of images and labels
version_added: "0.1.0"
description:
  - Takes ONE description of the images this collection builds, the flavors and labels made from them and
    the providers that boot or hold the nodes, and renders both
  - C(nodepool.yaml) for nodepool (diskimages with elements, release, env-vars and formats; labels;
    providers with the C(openstack) and C(static) drivers and their pools), checked by
    C(nodepool -c FILE config-validate) in the collection's tests;
  - the equivalent objects for Zuul's built-in launcher, which replaced nodepool (Zuul >= 12) -
    C(image), C(flavor), C(label), an abstract C(section) carrying the images, one C(section) and one
    C(provider) per provider - checked with zuul's own parsers in the tests.
  - Bad input fails naming the key and the reason, before any file is written.
author:
  - gatekit.devstack contributors (@gatekit)
extends_documentation_fragment:
  - gatekit.devstack.attributes
attributes:
  diff_mode:
    details: One diff per file that is (or would be) written or removed.
options:
  nodepool_path:
    description: Where to write C(nodepool.yaml). At least one of O(nodepool_path) and O(launcher_path) is needed.
    type: path
  launcher_path:
    description: Where to write the zuul-launcher objects (a C(zuul.d/*.yaml) file).
    type: path
  images:
    description:
      - Images (DIB diskimages / zuul images). Keys C(name) (required), C(release) (default V(bookworm)),
        C(elements) (default the nodepool-style element list ending in C(infra-package-needs)),
        C(env_vars) (DIB environment), C(formats) (default V([qcow2])), C(username) (V(zuul)),
        C(python_path) (V(/usr/bin/python3)), C(rebuild_age), C(build_timeout) (seconds), C(description).
      - Default the collection's image, V(gatekit-bookworm) (Debian bookworm).
    type: list
    elements: dict
  recipe:
    description:
      - An image recipe returned by M(gatekit.devstack.image_build) (the build_image role's
        C(build_image_recipe) fact). It becomes the first image, with the recipe's elements
        (O(boot_elements) after the distro element) and its DIB environment as C(env_vars),
        so nodepool builds the image that was built locally.
    type: dict
  recipe_overrides:
    description: Keys of an O(images) entry that replace what comes from O(recipe).
    type: dict
    default: {}
  boot_elements:
    description: DIB elements added after the recipe's distro element so a cloud can boot the image.
    type: list
    elements: str
    default: [vm, block-device-mbr]
  flavors:
    description:
      - Node sizes. Keys C(name), C(min_ram) (MiB) and/or C(flavor_name) (the cloud's flavor), C(description).
        Default one flavor V(normal) with 8192 MiB.
    type: list
    elements: dict
  labels:
    description:
      - Labels. Keys C(name), C(image), C(flavor) (default the first flavor), C(min_ready), C(max_ready_age),
        C(description).
      - Default one label V(gatekit-bookworm) on the image of that name (the label of the collection's nodesets).
    type: list
    elements: dict
  providers:
    description:
      - Providers. Keys C(name), C(driver) (V(openstack) or V(static)), C(connection) (zuul connection
        name, default the driver name).
      - openstack - C(cloud) (required), C(region), C(max_servers) (default 10), C(networks), C(key_name),
        C(boot_from_volume), C(volume_size), C(config_drive) (default true), C(labels) (default all).
      - static - C(nodes), a list of C({name, labels, username, host_key, host_key_checking,
        python_path, connection_port, max_parallel_jobs}).
      - Default the static provider V(gatekit-embedded) with the worker_pool role's containers
        C(gate-primary) and C(gate-subnode-1).
    type: list
    elements: dict
  zookeeper:
    description: nodepool's ZooKeeper servers, C({host, port, chroot}). Default V(localhost:2181).
    type: list
    elements: dict
  elements_dir:
    description: nodepool-builder's C(elements-dir).
    type: str
    default: /etc/nodepool/elements
  images_dir:
    description: nodepool-builder's C(images-dir).
    type: str
    default: /opt/nodepool_dib
  build_log_dir:
    description: nodepool-builder's C(build-log-dir); omitted when not set.
    type: str
  section:
    description: Name of the abstract zuul-launcher section that carries the images.
    type: str
    default: gatekit-base
notes:
  - Zuul 14.3 rejects C(description) on sections and providers once they are flattened, so none is rendered there.
seealso:
  - module: gatekit.devstack.jjb_jobs
"""

EXAMPLES = r"""
- name: nodepool.yaml and launcher objects for the collection's own image and embedded pool
  gatekit.devstack.nodepool_config:
    nodepool_path: "{{ build_dir }}/nodepool/nodepool.yaml"
    launcher_path: "{{ build_dir }}/zuul.d/launcher.yaml"

- name: Node definitions for the image and the embedded pool of this collection
  gatekit.devstack.nodepool_config:
    nodepool_path: "{{ build_dir }}/nodepool/nodepool.yaml"
    launcher_path: "{{ build_dir }}/zuul.d/launcher.yaml"
    images:
      - name: gatekit-debian-bookworm
        release: bookworm
        env_vars:
          DIB_DISTRIBUTION_MIRROR: http://deb.debian.org/debian
    labels:
      - name: gatekit-debian-bookworm
        image: gatekit-debian-bookworm
    providers:
      - name: cloud-a
        driver: openstack
        cloud: cloud-a
        max_servers: 5
      - name: gatekit-embedded
        driver: static
        nodes:
          - name: gate-primary
            labels: [gatekit-debian-bookworm]
"""

RETURN = r"""
nodepool:
  description: The rendered nodepool.yaml mapping.
  returned: always
  type: dict
launcher:
  description: The rendered zuul-launcher objects (one-key mappings).
  returned: always
  type: list
  elements: dict
paths:
  description: Files written (or that would be written in check mode) because their content changed.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError, write_files_result
from ansible_collections.gatekit.devstack.plugins.module_utils.image.nodepool import (
    dump_yaml,
    image_from_recipe,
    render_launcher,
    render_nodepool,
)

DESC_KEYS = ("images", "flavors", "labels", "providers", "zookeeper", "elements_dir", "images_dir",
             "build_log_dir", "section")


def run(module):
    desc = {k: module.params[k] for k in DESC_KEYS if module.params.get(k) is not None}
    if module.params["recipe"] is not None:
        desc["images"] = [image_from_recipe(module.params["recipe"], module.params["boot_elements"],
                                            module.params["recipe_overrides"])] + (desc.get("images") or [])
    nodepool = render_nodepool(desc)
    launcher = render_launcher(desc)
    files = []
    if module.params["nodepool_path"]:
        files.append((module.params["nodepool_path"],
                      dump_yaml(nodepool, "nodepool.yaml rendered by gatekit.devstack.nodepool_config")))
    if module.params["launcher_path"]:
        files.append((module.params["launcher_path"],
                      dump_yaml(launcher, "Zuul launcher objects rendered by gatekit.devstack.nodepool_config")))
    result = {"changed": False, "nodepool": nodepool, "launcher": launcher, "paths": []}
    result["paths"], diffs = write_files_result(files, module.check_mode)
    result["changed"] = bool(result["paths"])
    if module._diff:
        result["diff"] = diffs
    return result


def main():
    module = AnsibleModule(
        argument_spec={
            "nodepool_path": {"type": "path"},
            "launcher_path": {"type": "path"},
            "images": {"type": "list", "elements": "dict"},
            "recipe": {"type": "dict"},
            "recipe_overrides": {"type": "dict", "default": {}},
            "boot_elements": {"type": "list", "elements": "str", "default": ["vm", "block-device-mbr"]},
            "flavors": {"type": "list", "elements": "dict"},
            "labels": {"type": "list", "elements": "dict"},
            "providers": {"type": "list", "elements": "dict"},
            "zookeeper": {"type": "list", "elements": "dict"},
            "elements_dir": {"type": "str", "default": "/etc/nodepool/elements"},
            "images_dir": {"type": "str", "default": "/opt/nodepool_dib"},
            "build_log_dir": {"type": "str"},
            "section": {"type": "str", "default": "gatekit-base"},
        },
        required_one_of=[("nodepool_path", "launcher_path")],
        supports_check_mode=True,
    )
    try:
        result = run(module)
    except GatekitInputError as err:
        module.fail_json(msg=str(err), key=err.key)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
