#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A read-only look at a node: what the nodepool_worker role needs to decide."""

DOCUMENTATION = r"""
---
module: node_probe
short_description: Read what a node has (packages, login user, sshd, keys, distro) in one call
version_added: "0.1.0"
description:
  - Used by the C(gatekit.devstack.nodepool_worker) role. One read-only call tells the role
    which of its steps a node needs, so an idempotent run makes few round trips.
  - Changes nothing; C(changed) is always false.
options:
  user:
    description: The login user to look at.
    type: str
    required: true
  ca_bundle:
    description: CA bundle path whose presence (non-empty) is reported.
    type: str
    required: true
  packages:
    description: Debian packages whose absence is reported.
    type: list
    elements: str
    default: []
extends_documentation_fragment: [gatekit.devstack.attributes]
attributes:
  check_mode:
    support: full
    description: Reads the same in check mode.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
author:
  - gatekit.devstack developers (@gatekit)
"""

EXAMPLES = r"""
- name: Look at the node
  gatekit.devstack.node_probe:
    user: zuul
    ca_bundle: /etc/gatekit/host-ca-bundle.crt
    packages: [sudo, openssh-server]
  register: probe
"""

RETURN = r"""
node:
  description:
    - The node's facts. C(container), C(systemd), C(iptables), C(swap_active),
      C(ipv6_default_route) (booleans); C(missing_packages) (the given packages not
      installed); C(user_exists), C(user_home), C(user_shell), C(user_group);
      C(sshd_running), C(keepalive_running) (sshd under gatekit-keepalive); C(host_keys)
      (C(type base64) of C(/etc/ssh/ssh_host_*_key.pub)), C(host_keys_present) (an ed25519
      key exists), C(host_keys_marker) (the node made its own host keys); C(nodeset_pub),
      C(nodeset_key_present) (C(/etc/nodepool/id_rsa)); C(zuul_pub), C(zuul_key_present)
      (the user's C(~/.ssh/id_rsa)); C(ca_present); C(distro), C(codename)
      (C(/etc/os-release)); C(hostname).
  returned: always
  type: dict
  sample: {container: true, systemd: false, missing_packages: [], user_exists: true, user_home: /home/zuul,
           distro: debian, codename: bookworm, hostname: gate-primary}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.gate.node_probe import LocalSystem, probe_node


def main():
    module = AnsibleModule(
        argument_spec=dict(
            user=dict(type="str", required=True),
            ca_bundle=dict(type="str", required=True),
            packages=dict(type="list", elements="str", default=[]),
        ),
        supports_check_mode=True,
    )
    system = LocalSystem(module.run_command, module.get_bin_path)
    node = probe_node(system, module.params["user"], module.params["ca_bundle"], module.params["packages"])
    module.exit_json(changed=False, node=node)


if __name__ == "__main__":
    main()
