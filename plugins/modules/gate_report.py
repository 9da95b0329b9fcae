#!/usr/bin/python
# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: gate_report
short_description: Write the one-page HTML report of a gate build
version_added: 0.1.0
description:
  - Writes C(index.html) into a build directory. It shows the verdict, a timeline of the stages with
    their durations and errors, the test counts, the failed tests with their tracebacks, and a
    link to every file of the build (logs, subunit, HTML and JUnit results, rendered job
    definitions).
  - The page is self-contained (inline CSS, no scripts, nothing fetched) and every value is
    HTML-escaped; links are relative, so the build directory can be archived or served as is.
author:
  - gatekit.devstack developers (@gatekit)
extends_documentation_fragment:
  - gatekit.devstack.attributes
notes:
  - The page is written to a temporary file and renamed into place; C(changed) only when it differs.
options:
  build_dir:
    description: The build directory; C(index.html) is written there.
    type: path
    required: true
  build_id:
    description: The build's identifier.
    type: str
    required: true
  started:
    description: When the build started (ISO 8601).
    type: str
    default: ""
  verdict:
    description: The gate's verdict.
    type: str
    required: true
    choices: [PASSED, FAILED]
  job:
    description: The job spec (C(name), C(parent), C(nodeset), C(voting) are shown).
    type: dict
    default: {}
  stages:
    description: The stage records of C(job-output.json) (C(name), C(status), C(duration), C(error)).
    type: list
    elements: dict
    default: []
  summary:
    description:
      - The tempest summary (C(passed), C(failed), C(skipped), C(duration), C(failed_tests) with
        C(name) and C(traceback)), as returned by M(gatekit.devstack.tempest_results).
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Write the report of this build
  gatekit.devstack.gate_report:
    build_dir: "{{ gate_build_dir }}"
    build_id: "{{ gate_build_id }}"
    verdict: PASSED
    job: "{{ gate_job }}"
    stages: "{{ gate_stage_results }}"
    summary: "{{ tempest_summary }}"
"""

RETURN = r"""
path:
  description: The report's path.
  returned: always
  type: str
  sample: /src/gatekit/builds/20261125-130102-ab12/index.html
files:
  description: How many files of the build the report links to.
  returned: always
  type: int
  sample: 42
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gatekit.devstack.plugins.module_utils.common import write_file_result
from ansible_collections.gatekit.devstack.plugins.module_utils.gate.report import list_files, render_report


def main():
    module = AnsibleModule(
        argument_spec={
            "build_dir": {"type": "path", "required": True},
            "build_id": {"type": "str", "required": True},
            "started": {"type": "str", "default": ""},
            "verdict": {"type": "str", "required": True, "choices": ["PASSED", "FAILED"]},
            "job": {"type": "dict", "default": {}},
            "stages": {"type": "list", "elements": "dict", "default": []},
            "summary": {"type": "dict", "default": {}},
        },
        supports_check_mode=True,
    )
    params = module.params
    build_dir = params["build_dir"]
    if not os.path.isdir(build_dir):
        module.fail_json(msg="build_dir: %s is not a directory" % build_dir)
    files = list_files(build_dir)
    page = render_report({
        "verdict": params["verdict"],
        "job": params["job"],
        "build_id": params["build_id"],
        "started": params["started"],
        "stages": params["stages"],
        "summary": params["summary"],
        "files": files,
    })
    result = write_file_result(os.path.join(build_dir, "index.html"), page, module.check_mode)
    module.exit_json(path=result["path"], changed=result["changed"], diff=result["diff"], files=len(files))


if __name__ == "__main__":
    main()
