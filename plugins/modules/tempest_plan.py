#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: tempest_plan
short_description: Turn DevStack's tempest job variables into tempest run command lines
version_added: "0.1.0"
description:
  - Maps C(tox_envlist) (smoke, full, all, integrated-*, venv-tempest, ...) to the same
    selection tempest's tox.ini makes, and narrows every phase with C(test_regex), so a
    regex works with every envlist.
  - Checks that every include/exclude list file exists on the target (a missing file is
    an error, never silently skipped) and concatenates several lists into one file in
    C(workspace), because C(tempest run) takes one file per option.
  - Resolves C(plugins) entries into pip arguments and distribution names.
author:
  - gatekit.devstack contributors (@gatekit)
options:
  tox_envlist:
    description: DevStack/Zuul envlist name.
    type: str
    default: smoke
  test_regex:
    description: Selection regex; ANDed with the envlist's own selection. No whitespace.
    type: str
  exclude_regex:
    description: Exclusion regex; ORed with the envlist's own exclusion. No whitespace.
    type: str
  include_lists:
    description: Include list files on the target (one test regex per line).
    type: list
    elements: path
    default: []
  exclude_lists:
    description: Exclude list files on the target.
    type: list
    elements: path
    default: []
  concurrency:
    description: Workers; omitted means DevStack's rule (cores, minus 2 above 3 cores); 0 means every CPU.
    type: int
  serial:
    description: Run every phase with C(--serial).
    type: bool
    default: false
  cores:
    description: CPU count used by the default concurrency; omitted means the target's.
    type: int
  tempest:
    description: The tempest executable.
    type: path
    default: tempest
  workspace:
    description: Directory that receives the combined list files.
    type: path
    required: true
  extra_args:
    description: Arguments appended to every C(tempest run).
    type: list
    elements: str
    default: []
  plugins:
    description: C(tempest_plugins) entries (strings or dicts with name and src).
    type: list
    elements: raw
    default: []
  plugins_src_dir:
    description: Where Zuul/DevStack check plugin repositories out; a bare name found there installs from there.
    type: path
    default: /opt/stack
extends_documentation_fragment:
  - gatekit.devstack.attributes
attributes:
  check_mode:
    description: Computes the plan without writing the combined list files.
    support: full
  diff_mode:
    description: Shows the combined list files that would change.
    support: full
"""

EXAMPLES = r"""
- name: Plan the run
  gatekit.devstack.tempest_plan:
    tox_envlist: all
    test_regex: '^(tempest\.api\.identity|keystone_tempest_plugin\.)'
    exclude_lists: [/opt/stack/tempest-exclude.txt]
    tempest: /opt/stack/tempest-venv/bin/tempest
    workspace: /opt/stack/tempest
  register: tempest_plan_out
"""

RETURN = r"""
phases:
  description: One entry per C(tempest run) invocation.
  returned: success
  type: list
  elements: dict
  sample:
    - argv: [tempest, run, --regex, '^tempest\.api', --concurrency, '2']
      regex: '^tempest\.api'
      exclude_regex: null
      serial: false
concurrency:
  description: The concurrency used.
  returned: success
  type: int
plugins:
  description: Resolved plugin entries C({name, canonical, src, kind}).
  returned: success
  type: list
  elements: dict
include_list:
  description: The list file given to tempest (null when none).
  returned: success
  type: str
exclude_list:
  description: The list file given to tempest (null when none).
  returned: success
  type: str
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import GatekitInputError, write_file_result
from ansible_collections.gatekit.devstack.plugins.module_utils.tempest.selection import parse_plugin_spec, plan_tempest_run


def _combined_list(module, key, paths, target):
    """Validate list files; return the single path tempest gets, plus a write result."""
    missing = [p for p in paths if not os.path.isfile(p)]
    if missing:
        raise GatekitInputError(key, "list file(s) not found on the target: %s" % ", ".join(missing))
    if not paths:
        return None, None
    if len(paths) == 1:
        return paths[0], None
    parts = []
    for path in paths:
        with open(path) as handle:
            text = handle.read()
        parts.append("# from %s\n%s%s" % (path, text, "" if text.endswith("\n") else "\n"))
    return target, write_file_result(target, "".join(parts), check_mode=module.check_mode, mode=0o644)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            tox_envlist=dict(type="str", default="smoke"),
            test_regex=dict(type="str"),
            exclude_regex=dict(type="str"),
            include_lists=dict(type="list", elements="path", default=[]),
            exclude_lists=dict(type="list", elements="path", default=[]),
            concurrency=dict(type="int"),
            serial=dict(type="bool", default=False),
            cores=dict(type="int"),
            tempest=dict(type="path", default="tempest"),
            workspace=dict(type="path", required=True),
            extra_args=dict(type="list", elements="str", default=[]),
            plugins=dict(type="list", elements="raw", default=[]),
            plugins_src_dir=dict(type="path", default="/opt/stack"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    result = dict(changed=False)
    try:
        src_dir = p["plugins_src_dir"]
        existing = []
        for spec in p["plugins"]:
            if isinstance(spec, str) and os.path.isfile(os.path.join(src_dir, spec.strip(), "setup.cfg")) or (
                isinstance(spec, str) and os.path.isfile(os.path.join(src_dir, spec.strip(), "pyproject.toml"))
            ):
                existing.append(spec.strip())
        result["plugins"] = [parse_plugin_spec(s, src_dir, existing) for s in p["plugins"]]
        names = [x["canonical"] for x in result["plugins"]]
        dupes = sorted(set(n for n in names if names.count(n) > 1))
        if dupes:
            raise GatekitInputError("tempest_plugins", "listed more than once: %s" % ", ".join(dupes))
        include, inc_write = _combined_list(
            module, "tempest_test_include_list", p["include_lists"], os.path.join(p["workspace"], "include-list.txt"))
        exclude, exc_write = _combined_list(
            module, "tempest_test_exclude_list", p["exclude_lists"], os.path.join(p["workspace"], "exclude-list.txt"))
        cores = p["cores"] if p["cores"] is not None else (os.cpu_count() or 1)
        plan = plan_tempest_run(
            tox_envlist=p["tox_envlist"], test_regex=p["test_regex"], exclude_regex=p["exclude_regex"],
            include_list=include, exclude_list=exclude, concurrency=p["concurrency"], serial=p["serial"],
            cores=cores, tempest=p["tempest"], extra_args=p["extra_args"])
    except GatekitInputError as err:
        module.fail_json(msg=str(err), **result)
    except OSError as err:
        module.fail_json(msg="cannot read a list file: %s" % err, **result)
    for written in (inc_write, exc_write):
        if written:
            result["changed"] = result["changed"] or written["changed"]
            if module._diff and written["changed"]:
                result.setdefault("diff", []).append(written["diff"])
    result.update(plan)
    result["include_list"] = include
    result["exclude_list"] = exclude
    module.exit_json(**result)


if __name__ == "__main__":
    main()
