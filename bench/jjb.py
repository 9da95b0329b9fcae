# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: render devstack-gate JJB YAML and let Jenkins Job Builder expand it.

Usage: python bench/jjb.py [JOBS ...]   (default 250 500 1000)

Each size runs in a fresh child process (so peak RSS is per size): 10 job templates,
JOBS/20 projects x 2 pipelines.  Phases: render the YAML (module_utils.legacy.jjb), JJB's
expansion into config.xml (in-process JJB 6.5), writing the files the way the
jjb_jobs module does (compare + atomic write).  Prints a markdown table.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from _sizes import run_sizes  # bench/ is the script's directory, first on sys.path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
TEMPLATES = 10


def spec_for(jobs):
    projects = max(1, jobs // (TEMPLATES * 2))
    templates = [
        {
            "name": "{pipeline}-tempest-dsvm-t%02d-{name}" % i,
            "timeout": 60 + i,
            "devstack_gate_env": {"DEVSTACK_GATE_TEMPEST": 1, "DEVSTACK_GATE_TEMPEST_REGEX": "tempest\\.api\\.t%d" % i,
                                  "DEVSTACK_GATE_NEUTRON": i % 2},
            "projects": ["openstack/{name}"],
            "pre_test_hook": "echo pre %d" % i if i % 3 == 0 else None,
        }
        for i in range(TEMPLATES)
    ]
    for t in templates:
        if t["pre_test_hook"] is None:
            del t["pre_test_hook"]
    return {
        "job_templates": templates,
        "job_groups": [{"name": "bench-jobs", "jobs": [t["name"] for t in templates]}],
        "projects": [{"name": "project-%04d" % p, "pipeline": ["check", "gate"], "node": "gatekit-bookworm",
                      "branch-override": "default", "jobs": ["bench-jobs"]} for p in range(projects)],
    }


def one(jobs):
    # imported here: sys.path is set up first, and the child process alone pays for it
    from ansible_collections.gatekit.devstack.plugins.module_utils.common import write_file_result  # noqa: PLC0415
    from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.jjb import (  # noqa: PLC0415
        config_xml_path,
        dump_jjb_yaml,
        expand_jjb,
        render_jjb,
    )

    work = tempfile.mkdtemp(prefix="gatekit-bench-jjb-")
    os.environ["HOME"] = work
    t0 = time.perf_counter()
    text = dump_jjb_yaml(render_jjb(spec_for(jobs)))
    path = os.path.join(work, "bench.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    t1 = time.perf_counter()
    expanded = expand_jjb([path])
    t2 = time.perf_counter()
    out = os.path.join(work, "out")
    for job in expanded:
        target = os.path.join(out, config_xml_path(job.name))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        write_file_result(target, job.xml.decode("utf-8"))
    t3 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    subprocess.run(["rm", "-rf", work], check=False)
    return {"jobs": len(expanded), "render": t1 - t0, "expand": t2 - t1, "write": t3 - t2, "total": t3 - t0,
            "peak_mb": peak, "yaml_kb": len(text) / 1024.0}


def main(argv):
    if argv[:1] == ["--one"]:
        print(json.dumps(one(int(argv[1]))))
        return 0
    sizes = [int(a) for a in argv] or [250, 500, 1000]
    rows = run_sizes(__file__, sizes, "jjb bench: %d jobs")
    print("| jobs | YAML | render YAML (s) | JJB expand to XML (s) | write config.xml (s) | total (s) | peak RSS (MiB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| %d | %.0f KiB | %.2f | %.2f | %.2f | %.2f | %.0f |" % (
            r["jobs"], r["yaml_kb"], r["render"], r["expand"], r["write"], r["total"], r["peak_mb"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
