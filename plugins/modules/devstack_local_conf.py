#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: devstack_local_conf
short_description: Write DevStack's local.conf from Zuul v3 job variables (drop-in for write-devstack-local-conf)
version_added: "0.1.0"
description:
  - A drop-in replacement for the C(devstack_local_conf) module of DevStack's C(write-devstack-local-conf) role
    with the same option names; for valid input it writes the same file.
  - The file is C([[local|localrc]]), the service lines, the variables (each after the variables it references,
    otherwise alphabetical), C(LIBS_FROM_GIT), C(TEMPEST_PLUGINS), the C(enable_plugin) lines last (settings after
    them would not apply to plugins), a blank line, then the C([[phase|$FILE]]) meta-sections.
  - "Differences from DevStack's module (fixes): check and diff mode, atomic write and an honest C(changed);
    the input is never mutated; a plugin requirement that is missing or disabled is an error naming both plugins;
    O(services) without O(base_services) does not disable DevStack's default services unless C(base: false);
    values keep their text and are quoted safely (see O(localrc)); list values in O(local_conf) become
    multi-valued options; variables are emitted in true dependency order."
author:
  - gatekit.devstack contributors (@gatekit)
extends_documentation_fragment:
  - gatekit.devstack.file_output
  - gatekit.devstack.attributes
  - ansible.builtin.files
options:
  path:
    description: Where to write local.conf (DevStack's role uses C(/opt/stack/devstack/local.conf)).
    type: path
    required: true
  localrc:
    description:
      - C(localrc) variables (the job's C(devstack_localrc)), written as C(NAME="value").
      - Values keep their text. Booleans are written C(True) / C(False) (what DevStack's C(trueorfalse)
        reads); numbers as given; C(null) as the empty string; a list is joined with commas (DevStack's list
        variables such as C(IMAGE_URLS) and C(ENABLED_SERVICES) are comma-separated), except C(TEMPEST_PLUGINS)
        which is joined with spaces. Quote versions in YAML, as in C('3.10'); an unquoted C(3.10) is the number 3.1
        before the module sees it, and the module warns about float values.
      - Values are double-quoted, so C($VAR) and C(${VAR}) expand. A value that contains a double quote, a
        backtick, a backslash or C($() is single-quoted instead and the shell reads it literally. A value
        already wrapped in double quotes (DevStack's convention, C('"quoted value"')) is unwrapped first.
      - "To write a shell expression, give a one-key dict C({shell: '<text>'}); the text is written after
        C(NAME=) unchanged, for example C(HOST_IP: {shell: '$(hostname -I | cut -d\" \" -f1)'})."
      - Values must be one line.
    type: dict
  services:
    description:
      - Service name -> C(true) (C(enable_service)) or C(false) (C(disable_service)), in the given order.
      - "The key C(base) (default C(true)) controls the base set. C(base: false) writes C(disable_all_services)
        first. With C(base: true) and a non-empty O(base_services), C(ENABLED_SERVICES=<base_services>) is
        written; with C(base: true) and no O(base_services), DevStack's own default services stay enabled
        (DevStack's module wrote C(disable_all_services) here, which disabled everything)."
      - Values may be booleans or the strings C(true), C(false), C(yes), C(no), C(on), C(off), C(1), C(0).
    type: dict
  base_services:
    description: The base service list used when C(services.base) is true.
    type: list
    elements: str
  plugins:
    description:
      - DevStack plugin name -> git URL (optionally followed by a space and a branch), written as
        C(enable_plugin <name> <url>). An empty URL (or C(null)) disables a plugin inherited from a parent job.
      - Requirements (C(plugin_requires) in C(devstack/settings) of plugins checked out under O(base_dir), plus
        O(plugin_requires)) come before the plugin that needs them. A requirement that is not in O(plugins),
        or disabled, is an error naming both plugins.
    type: dict
  plugin_requires:
    description:
      - Extra plugin requirements, plugin name -> list of required plugin names, for plugins whose
        repositories are not checked out under O(base_dir) yet. Not in DevStack's module.
    type: dict
  plugin_order:
    description:
      - C(sorted) (DevStack's order) sorts plugins by name; C(given) keeps the order of O(plugins).
        Either way each plugin follows its requirements. Not in DevStack's module.
    type: str
    choices: [sorted, given]
    default: sorted
  local_conf:
    description:
      - "Meta-sections C({phase: {file: {section: {option: value}}}}), for example
        C({post-config: {$NEUTRON_CONF: {DEFAULT: {global_physnet_mtu: 1430}}}}); phases are
        C(post-config), C(extra), C(post-extra), C(test-config)."
      - A list value writes the option once per item (a multi-valued option, DevStack's C(iniadd)).
        Booleans are C(True) / C(False), C(null) an empty value.
    type: dict
  base_dir:
    description:
      - Directory holding the checked-out repositories (C(/opt/stack)). Searched for plugin requirements and
        used to build C(TEMPEST_PLUGINS) paths.
    type: path
  projects:
    description:
      - The C(zuul.projects) dict. The C(short_name) of each project with C(required) true goes into
        C(LIBS_FROM_GIT) unless O(localrc) sets C(LIBS_FROM_GIT).
    type: dict
  project:
    description: The C(zuul.project) dict; its C(short_name) is added to C(LIBS_FROM_GIT).
    type: dict
  libs_from_git:
    description:
      - More project short names appended to the automatic C(LIBS_FROM_GIT) (setting C(LIBS_FROM_GIT) in
        O(localrc) replaces the list instead). Not in DevStack's module.
    type: list
    elements: str
  tempest_plugins:
    description:
      - Tempest plugin repository names under O(base_dir); written as C(TEMPEST_PLUGINS="<base_dir>/a <base_dir>/b")
        unless O(localrc) sets C(TEMPEST_PLUGINS) (then a warning shows both values).
    type: list
    elements: str
seealso:
  - module: gatekit.devstack.devstack_gate_env
"""

EXAMPLES = r"""
- name: Write local.conf the way DevStack's write-devstack-local-conf role does
  gatekit.devstack.devstack_local_conf:
    path: /opt/stack/devstack/local.conf
    base_dir: /opt/stack
    localrc: "{{ devstack_localrc | default(omit) }}"
    services: "{{ devstack_services | default(omit) }}"
    base_services: "{{ devstack_base_services | default(omit) }}"
    plugins: "{{ devstack_plugins | default(omit) }}"
    local_conf: "{{ devstack_local_conf | default(omit) }}"
    projects: "{{ zuul.projects | default(omit) }}"
    project: "{{ zuul.project | default(omit) }}"
    tempest_plugins: "{{ tempest_plugins | default(omit) }}"

- name: Values keep their text; shell expressions are explicit
  gatekit.devstack.devstack_local_conf:
    path: /opt/stack/devstack/local.conf
    localrc:
      PYTHON3_VERSION: "3.10"        # PYTHON3_VERSION="3.10"
      ERROR_ON_CLONE: true           # ERROR_ON_CLONE="True"
      IMAGE_URLS: [http://a/x.img, http://b/y.img]   # IMAGE_URLS="http://a/x.img,http://b/y.img"
      ADMIN_PASSWORD: 'pa$(s)"w'     # ADMIN_PASSWORD='pa$(s)"w' (literal)
      HOST_IP:
        shell: "$(hostname -I | cut -d' ' -f1)"
    services:
      base: false
      key: true
      mysql: true
    local_conf:
      post-config:
        $KEYSTONE_CONF:
          DEFAULT:
            debug: true
            # multi-valued option: two "allowed_origin = ..." lines
            allowed_origin: [http://a, http://b]
"""

RETURN = r"""
path:
  description: The file written.
  returned: always
  type: str
  sample: /opt/stack/devstack/local.conf
content:
  description: The rendered local.conf.
  returned: always
  type: str
  sample: "[[local|localrc]]\ndisable_all_services\nenable_service key\n\n"
plugins:
  description: The C(enable_plugin) order.
  returned: always
  type: list
  elements: str
  sample: [neutron, neutron-tempest-plugin]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import (
    GatekitInputError,
    octal_mode,
    write_file_result,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.devstack.local_conf import render_local_conf

ARGUMENT_SPEC = {
    "path": {"type": "path", "required": True},
    "localrc": {"type": "dict"},
    "services": {"type": "dict"},
    "base_services": {"type": "list", "elements": "str"},
    "plugins": {"type": "dict"},
    "plugin_requires": {"type": "dict"},
    "plugin_order": {"type": "str", "choices": ["sorted", "given"], "default": "sorted"},
    "local_conf": {"type": "dict"},
    "base_dir": {"type": "path"},
    "projects": {"type": "dict"},
    "project": {"type": "dict"},
    "libs_from_git": {"type": "list", "elements": "str"},
    "tempest_plugins": {"type": "list", "elements": "str"},
}


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, add_file_common_args=True)
    params = module.params
    try:
        rendered = render_local_conf(
            localrc=params["localrc"],
            local_conf=params["local_conf"],
            base_services=params["base_services"],
            services=params["services"],
            plugins=params["plugins"],
            base_dir=params["base_dir"],
            projects=params["projects"],
            project=params["project"],
            tempest_plugins=params["tempest_plugins"],
            plugin_requires=params["plugin_requires"],
            plugin_order=params["plugin_order"],
            libs_from_git=params["libs_from_git"],
        )
    except GatekitInputError as err:
        module.fail_json(msg=str(err), key=err.key)
    for warning in rendered.warnings:
        module.warn(warning)
    path = params["path"]
    try:
        result = write_file_result(path, rendered.text, check_mode=module.check_mode, mode=octal_mode(params["mode"]))
    except OSError as err:
        module.fail_json(msg="%s: cannot write: %s" % (path, err))
    changed = result["changed"]
    if not module.check_mode or not changed:
        file_args = module.load_file_common_arguments(params)
        changed = module.set_fs_attributes_if_different(file_args, changed)
    module.exit_json(changed=changed, path=path, content=rendered.text, plugins=rendered.plugins, diff=result["diff"])


if __name__ == "__main__":
    main()
