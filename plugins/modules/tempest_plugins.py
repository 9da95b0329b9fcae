#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: tempest_plugins
short_description: Check that tempest plugins are installed, load, and are listed by tempest
version_added: "0.2.0"
description:
  - Loads each tempest plugin entry point of each distribution in O(plugins) on its own (instantiate,
    C(load_tests), C(register_opts), C(get_opt_lists), C(get_service_clients)), so one broken plugin
    is named instead of silently hiding the others, then runs C(tempest list-plugins) and checks
    that it lists every entry point.
  - Run it with the tempest venv's Python (C(ansible_python_interpreter)).
  - "Fails with C(tempest_plugins: <dist>: <reason>; ...) naming every plugin that is missing,
    registers no entry point or fails to load."
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
  plugins:
    description: Distribution names of the plugins.
    type: list
    elements: str
    required: true
  tempest:
    description: The C(tempest) command to run C(list-plugins) with; omitted skips that check.
    type: path
  chdir:
    description: Directory to run C(tempest list-plugins) in (the workspace).
    type: path
"""

EXAMPLES = r"""
- name: Every plugin loads and is listed
  gatekit.devstack.tempest_plugins:
    plugins: [keystone-tempest-plugin]
    tempest: /opt/stack/tempest-venv/bin/tempest
    chdir: /opt/stack/tempest
  vars:
    ansible_python_interpreter: /opt/stack/tempest-venv/bin/python
"""

RETURN = r"""
plugins:
  description: Distribution -> its tempest plugin entry point names.
  returned: always
  type: dict
  sample: {keystone-tempest-plugin: [keystone_tests]}
listed:
  description: The plugin names C(tempest list-plugins) printed.
  returned: when O(tempest) is set and every plugin loaded
  type: list
  elements: str
"""

from importlib import metadata

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.tempest import plugins as tempest_plugins


def main():
    module = AnsibleModule(
        argument_spec={
            "plugins": {"type": "list", "elements": "str", "required": True},
            "tempest": {"type": "path"},
            "chdir": {"type": "path"},
        },
        supports_check_mode=True,
    )
    params = module.params
    result = tempest_plugins.check_plugins(params["plugins"], metadata.distributions())
    if result["errors"]:
        module.fail_json(msg="tempest_plugins: %s" % "; ".join(result["errors"]), plugins=result["plugins"])
    out = dict(changed=False, plugins=result["plugins"])
    if params["tempest"]:
        rc, stdout, stderr = module.run_command([params["tempest"], "list-plugins"], cwd=params["chdir"])
        if rc != 0:
            module.fail_json(msg="tempest list-plugins failed (rc %d): %s" % (rc, (stderr or stdout).strip()[-2000:]), **out)
        out["listed"] = tempest_plugins.listed_plugins(stdout)
        missing = tempest_plugins.unlisted(result["plugins"], out["listed"])
        if missing:
            module.fail_json(msg="tempest_plugins: tempest list-plugins does not list %s" % ", ".join(missing), **out)
    module.exit_json(**out)


if __name__ == "__main__":
    main()
