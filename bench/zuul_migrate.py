# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: migrate legacy devstack-gate jobs (Zuul v2 layout + JJB) to Zuul v3.

Usage: python bench/zuul_migrate.py [JOBS ...]   (default 125 250 500)

Input: the project-config fixture's devstack-gate.yaml, macros and defaults (the real
template shapes: full, neutron-full, py35, multinode, grenade) expanded for JOBS/5
JJB projects, and a generated layout.yaml where every project runs its five jobs in
check and gate, plus matchers.  Phases: JJB expansion and job summaries, the
migration itself (THE legacy mapping per job), validating and rendering zuul.d.
Each size runs in a fresh child process (peak RSS per size).  Prints a markdown table.
"""

import json
import os
import resource
import shutil
import sys
import tempfile
import time

import yaml
from _sizes import run_sizes  # bench/ is the script's directory, first on sys.path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
FIXTURE = os.path.join(ROOT, "tests", "functional", "fixtures", "project-config", "jenkins", "jobs")
GROUP_TEMPLATES = [
    "{pipeline}-tempest-dsvm-full-{node}{suffix}",
    "{pipeline}-tempest-dsvm-neutron-full-{node}{suffix}",
    "{pipeline}-tempest-dsvm-py35-{node}{suffix}",
    "{pipeline}-tempest-dsvm-neutron-multinode-full-{node}{suffix}",
    "{pipeline}-grenade-dsvm-{node}{suffix}",
]


def make_input(jobs, work):
    jjb_dir = os.path.join(work, "jobs")
    os.makedirs(jjb_dir)
    for name in ("defaults.yaml", "macros.yaml", "devstack-gate.yaml"):
        shutil.copy(os.path.join(FIXTURE, name), jjb_dir)
    projects = max(1, jobs // len(GROUP_TEMPLATES))
    jjb_projects = []
    layout_projects = []
    for p in range(projects):
        suffix = "-p%04d" % p
        jjb_projects.append({"project": {"name": "bench%s" % suffix, "node": "ubuntu-xenial", "pipeline": "gate",
                                         "suffix": suffix, "branch-override": "default", "jobs": ["devstack-jobs"]}})
        names = [t.format(pipeline="gate", node="ubuntu-xenial", suffix=suffix) for t in GROUP_TEMPLATES]
        layout_projects.append({"name": "openstack/bench%s" % suffix, "check": names,
                                "gate": [{names[0]: names[1:3]}] + names[3:]})
    with open(os.path.join(jjb_dir, "bench-projects.yaml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump(jjb_projects, handle)
    layout = {
        "pipelines": [{"name": "check", "manager": "IndependentPipelineManager"},
                      {"name": "gate", "manager": "DependentPipelineManager"}],
        "jobs": [{"name": "^gate-tempest-dsvm-neutron-multinode-.*$", "voting": False},
                 {"name": "^gate-grenade-.*$", "branch": "^(?!stable/ocata).*$"},
                 {"name": "^gate-tempest-.*$", "skip-if": [{"all-files-match-any": ["^doc/.*$"]}]}],
        "projects": layout_projects,
    }
    return jjb_dir, layout


def one(jobs):
    # imported here: sys.path is set up first, and the child process alone pays for it
    from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.zuul_migrate import (  # noqa: PLC0415
        load_legacy_jobs,
        migrate,
        parse_layout,
        summarize,
    )
    from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.config import render_zuul_config  # noqa: PLC0415,E501

    work = tempfile.mkdtemp(prefix="gatekit-bench-migrate-")
    os.environ["HOME"] = work
    jjb_dir, layout_data = make_input(jobs, work)
    t0 = time.perf_counter()
    legacy = load_legacy_jobs([jjb_dir])
    t1 = time.perf_counter()
    result = migrate(parse_layout(layout_data), legacy)
    t2 = time.perf_counter()
    files = render_zuul_config(result["config"], external=result["external"])
    t3 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    shutil.rmtree(work, ignore_errors=True)
    counts = summarize(result["report"])
    return {"jobs": len(result["report"]), "counts": counts, "jjb": t1 - t0, "migrate": t2 - t1,
            "render": t3 - t2, "total": t3 - t0, "peak_mb": peak,
            "zuul_kb": sum(len(t) for t in files.values()) / 1024.0}


def main(argv):
    if argv[:1] == ["--one"]:
        print(json.dumps(one(int(argv[1]))))
        return 0
    sizes = [int(a) for a in argv] or [125, 250, 500]
    rows = run_sizes(__file__, sizes, "migrate bench: %d legacy jobs")
    print("| legacy jobs | native / legacy / dropped | JJB expand + summarise (s) | migrate (s) "
          "| validate + render zuul.d (s) | total (s) | zuul.d | peak RSS (MiB) |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        c = r["counts"]
        print("| %d | %d / %d / %d | %.2f | %.2f | %.2f | %.2f | %.0f KiB | %.0f |" % (
            r["jobs"], c["native"], c["legacy"], c["dropped"], r["jjb"], r["migrate"], r["render"], r["total"],
            r["zuul_kb"], r["peak_mb"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
