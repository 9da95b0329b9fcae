#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The embedded worker pool's containers, on podman or a Docker API, in one call."""

DOCUMENTATION = r"""
---
module: container_pool
short_description: Create (or remove) the embedded worker pool's network and containers
version_added: "0.1.0"
description:
  - Used by the C(gatekit.devstack.worker_pool) role on the controller. With O(state=present)
    it makes sure the image is there (importing O(image_tar) when missing), creates the
    network with the pool label when missing, keeps the workers that run, carry the current
    C(gatekit.spec) label and answer a command, replaces every other container of the pool,
    and returns each worker's id and address.
  - With O(state=absent) it removes the containers labelled C(gatekit.pool=<name_prefix>) and
    the network, only when that network carries the same label.
  - Workers are C(<name_prefix>-primary) and C(<name_prefix>-subnode-N), with an init as PID 1
    running C(sleep infinity), labels C(gatekit.pool), C(gatekit.spec), C(gatekit.node-role)
    and C(gatekit.managed-by).
  - O(engine=podman) drives the podman CLI; O(engine=docker) the Docker API at O(docker_host)
    (needs the docker SDK in the controller's Python).
options:
  state:
    description: V(present) converges the pool, V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  engine:
    description: Container engine.
    type: str
    choices: [podman, docker]
    default: podman
  docker_host:
    description: Docker API URL, for O(engine=docker).
    type: str
    default: unix:///var/run/docker.sock
  name_prefix:
    description: Name prefix of the containers and the pool's name in the C(gatekit.pool) label.
    type: str
    required: true
  network:
    description: Network the workers share.
    type: str
    required: true
  size:
    description: Number of workers, the primary included (at least 1).
    type: int
    default: 1
  image_ref:
    description: Image reference to run. Required with O(state=present).
    type: str
  image_tar:
    description: Tarball to import the image from when O(image_ref) is missing.
    type: str
  fresh:
    description: Replace every worker, healthy or not.
    type: bool
    default: false
  memory:
    description: Memory limit per worker (V(8g)); empty for none.
    type: str
    default: ""
  cpus:
    description: CPU limit per worker (V(1.5)); empty for none.
    type: str
    default: ""
  pids_limit:
    description: PID limit per worker; 0 for none.
    type: int
    default: 0
  ulimits:
    description: Ulimits passed on create, name to V(soft:hard).
    type: dict
    default: {}
  ca_bundle:
    description: Host CA bundle mounted read-only into each worker; empty to skip.
    type: str
    default: ""
  ca_bundle_dest:
    description: Where the CA bundle appears inside the workers.
    type: str
    default: /etc/gatekit/host-ca-bundle.crt
  volumes:
    description: Extra bind mounts C(SRC:DEST[:OPTIONS]).
    type: list
    elements: str
    default: []
extends_documentation_fragment: [gatekit.devstack.attributes]
attributes:
  check_mode:
    support: full
    description: Reports what would be imported, created and removed; changes nothing.
  diff_mode:
    support: none
    description: The result lists what changed instead.
requirements:
  - podman (O(engine=podman)), or the docker SDK for Python (O(engine=docker))
author:
  - gatekit.devstack developers (@gatekit)
"""

EXAMPLES = r"""
- name: Two workers on podman
  gatekit.devstack.container_pool:
    name_prefix: gate
    network: gatekit
    size: 2
    image_ref: localhost/gatekit-bookworm:abc123
    memory: 8g
    pids_limit: 8192
    ulimits: {nofile: "1024:4096", nproc: "4096:4096"}
    ca_bundle: /etc/ssl/certs/ca-certificates.crt
  register: pool

- name: Remove them
  gatekit.devstack.container_pool:
    state: absent
    name_prefix: gate
    network: gatekit
"""

RETURN = r"""
names:
  description: The workers' names, primary first.
  returned: state=present
  type: list
  elements: str
  sample: [gate-primary, gate-subnode-1]
nodes:
  description: Each worker's name, container id and address on the network (in check mode, only the kept ones).
  returned: state=present
  type: list
  elements: dict
  sample: [{name: gate-primary, id: 3f2a..., ip: 10.89.0.2}]
created:
  description: Workers created (or that would be).
  returned: state=present
  type: list
  elements: str
removed:
  description: Containers removed (or that would be).
  returned: always
  type: list
  elements: str
imported:
  description: Whether the image was imported from O(image_tar).
  returned: state=present
  type: bool
network_removed:
  description: Whether the pool's network was removed.
  returned: state=absent
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError
from ansible_collections.gatekit.devstack.plugins.module_utils.gate.container_pool import (
    DockerEngine,
    EngineError,
    PodmanEngine,
    converge_pool,
    remove_pool,
)


def docker_engine(host):
    """A DockerEngine on the docker SDK; ImportError when the SDK is missing."""
    import docker  # noqa: PLC0415 pylint: disable=import-outside-toplevel
    import docker.errors  # noqa: PLC0415 pylint: disable=import-outside-toplevel
    return DockerEngine(docker.APIClient(base_url=host, timeout=600), docker.errors.NotFound, host)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type="str", default="present", choices=["present", "absent"]),
            engine=dict(type="str", default="podman", choices=["podman", "docker"]),
            docker_host=dict(type="str", default="unix:///var/run/docker.sock"),
            name_prefix=dict(type="str", required=True),
            network=dict(type="str", required=True),
            size=dict(type="int", default=1),
            image_ref=dict(type="str"),
            image_tar=dict(type="str"),
            fresh=dict(type="bool", default=False),
            memory=dict(type="str", default=""),
            cpus=dict(type="str", default=""),
            pids_limit=dict(type="int", default=0),
            ulimits=dict(type="dict", default={}),
            ca_bundle=dict(type="str", default=""),
            ca_bundle_dest=dict(type="str", default="/etc/gatekit/host-ca-bundle.crt"),
            volumes=dict(type="list", elements="str", default=[]),
        ),
        required_if=[("state", "present", ["image_ref"])],
        supports_check_mode=True,
    )
    params = module.params
    try:
        if params["engine"] == "docker":
            engine = docker_engine(params["docker_host"])
        else:
            engine = PodmanEngine(module.run_command)
        if params["state"] == "absent":
            result = remove_pool(engine, params["name_prefix"], params["network"], module.check_mode)
        else:
            result = converge_pool(engine, params, module.check_mode)
    except ImportError:
        module.fail_json(msg="engine=docker needs the docker SDK for Python (pip install docker) in the controller's python")
    except (GatekitInputError, EngineError) as err:
        module.fail_json(msg=str(err))
    except Exception as err:  # pylint: disable=broad-except
        # The docker SDK's errors (no engine at docker_host, API errors) reach the user as one line.
        module.fail_json(msg="%s engine at %s: %s" % (params["engine"], params["docker_host"], err)
                         if params["engine"] == "docker" else str(err))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
