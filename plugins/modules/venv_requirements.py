#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: venv_requirements
short_description: Tell which pip requirements a venv already satisfies, and how many wheels a wheelhouse holds
version_added: "0.2.0"
description:
  - Run it with the venv's own Python (C(ansible_python_interpreter)); it reads the installed
    distributions of that interpreter, so a following C(pip install) can be skipped when
    nothing is missing (a no-op C(pip install) costs tens of seconds on a busy node).
  - Only plain requirement strings (name, extras, version specifiers) can be satisfied; a URL
    or a path is always reported missing. Without C(packaging) in the venv every requirement
    is reported missing (pip decides).
  - Changes nothing.
author:
  - gatekit.devstack contributors (@gatekit)
extends_documentation_fragment:
  - gatekit.devstack.attributes
attributes:
  diff_mode:
    description: Changes nothing, so there is no diff.
    support: none
options:
  requirements:
    description: pip requirement strings.
    type: list
    elements: str
    required: true
  wheelhouse:
    description: A directory of wheels to count (C(wheels)); absent or not a directory counts 0.
    type: path
"""

EXAMPLES = r"""
- name: What pip still has to install
  gatekit.devstack.venv_requirements:
    requirements: [tempest, keystone-tempest-plugin]
    wheelhouse: /opt/cache/wheels
  vars:
    ansible_python_interpreter: /opt/stack/tempest-venv/bin/python
  register: tempest_venv_state
"""

RETURN = r"""
missing:
  description: The requirements the venv does not satisfy, in the given order.
  returned: always
  type: list
  elements: str
  sample: [keystone-tempest-plugin]
satisfied:
  description: Whether nothing is missing.
  returned: always
  type: bool
wheels:
  description: Number of C(*.whl) files directly in O(wheelhouse) (0 without one).
  returned: always
  type: int
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.venv.requirements import unsatisfied


def count_wheels(path):
    if not path or not os.path.isdir(path):
        return 0
    return sum(1 for name in os.listdir(path)
               if name.endswith(".whl") and not name.startswith(".") and os.path.isfile(os.path.join(path, name)))


def main():
    module = AnsibleModule(
        argument_spec={
            "requirements": {"type": "list", "elements": "str", "required": True},
            "wheelhouse": {"type": "path"},
        },
        supports_check_mode=True,
    )
    missing = unsatisfied(module.params["requirements"])
    module.exit_json(changed=False, missing=missing, satisfied=not missing,
                     wheels=count_wheels(module.params["wheelhouse"]))


if __name__ == "__main__":
    main()
