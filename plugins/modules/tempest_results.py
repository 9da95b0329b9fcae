#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: tempest_results
short_description: Summarise a tempest subunit v2 stream and write JUnit XML
version_added: "0.1.0"
description:
  - Reads the subunit v2 stream of a tempest run (C(stestr last --subunit), kept as
    C(testrepository.subunit)) with python-subunit and returns the counts and the
    failed tests with their tracebacks.
  - Optionally writes a JUnit XML file for CI systems that read it.
  - python-subunit must be importable by the interpreter that runs the module; run it
    with the tempest venv's Python (set C(ansible_python_interpreter) on the task).
  - A test that started but never reported a result counts as failed.
author:
  - gatekit.devstack contributors (@gatekit)
options:
  path:
    description: Path of the subunit v2 file on the target.
    type: path
    required: true
  junit_path:
    description: Where to write JUnit XML; omitted means no file.
    type: path
  suite_name:
    description: The C(testsuite) name in the JUnit XML.
    type: str
    default: tempest
  allow_missing:
    description:
      - When the subunit file does not exist, return zero counts and C(found=false)
        instead of failing (for a run that never started).
    type: bool
    default: false
extends_documentation_fragment:
  - gatekit.devstack.attributes
attributes:
  check_mode:
    description: Reads and summarises; the JUnit file is not written.
    support: full
  diff_mode:
    description: No diff is returned.
    support: none
requirements:
  - python-subunit (in the interpreter running the module)
"""

EXAMPLES = r"""
- name: Summarise the run
  gatekit.devstack.tempest_results:
    path: /opt/stack/tempest/testrepository.subunit
    junit_path: /opt/stack/tempest/junit.xml
  vars:
    ansible_python_interpreter: /opt/stack/tempest-venv/bin/python
  register: tempest_results_out

- name: Publish the summary
  ansible.builtin.set_fact:
    tempest_summary: "{{ tempest_results_out.summary }}"
"""

RETURN = r"""
summary:
  description: Counts and failures of the run.
  returned: always
  type: dict
  contains:
    passed: {description: Tests that passed (expected failures included)., type: int}
    failed: {description: Tests that failed (unexpected successes and unfinished tests included)., type: int}
    skipped: {description: Tests skipped., type: int}
    total: {description: passed + failed + skipped., type: int}
    duration: {description: Seconds between the first and the last event of the stream., type: float}
    failed_tests:
      description: One entry per failed test.
      type: list
      elements: dict
      contains:
        name: {description: The test id., type: str}
        traceback: {description: The traceback attachment (last 20000 characters)., type: str}
  sample: {passed: 133, failed: 0, skipped: 3, total: 136, duration: 87.2, failed_tests: []}
found:
  description: Whether the subunit file existed.
  returned: always
  type: bool
junit_path:
  description: The JUnit file written (or that would be written in check mode).
  returned: when junit_path is set
  type: str
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import write_file_result
from ansible_collections.gatekit.devstack.plugins.module_utils.tempest import subunit as subunit_summary


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            junit_path=dict(type="path"),
            suite_name=dict(type="str", default="tempest"),
            allow_missing=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    path = module.params["path"]
    result = dict(changed=False, found=os.path.exists(path))
    if not result["found"]:
        if not module.params["allow_missing"]:
            module.fail_json(msg="path: subunit stream %s does not exist" % path, **result)
        result["summary"] = dict(passed=0, failed=0, skipped=0, total=0, duration=0.0, failed_tests=[])
        module.exit_json(**result)
    if subunit_summary.SUBUNIT_IMPORT_ERROR is not None:
        module.fail_json(msg=subunit_summary.missing_library_message(), **result)
    try:
        with open(path, "rb") as stream:
            events = subunit_summary.read_events(stream)
    except (OSError, RuntimeError) as err:
        module.fail_json(msg="path: cannot read %s: %s" % (path, err), **result)
    summary = subunit_summary.summarize(events, with_tests=True)
    tests = summary.pop("tests")
    result["summary"] = summary
    junit_path = module.params["junit_path"]
    if junit_path:
        text = subunit_summary.render_junit(tests, module.params["suite_name"], summary["duration"])
        written = write_file_result(junit_path, text, check_mode=module.check_mode, mode=0o644)
        result["changed"] = written["changed"]
        result["junit_path"] = junit_path
    module.exit_json(**result)


if __name__ == "__main__":
    main()
