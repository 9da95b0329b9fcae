# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: validate + render a project-config-scale Zuul configuration.

Input per size N: N projects, 5 jobs per project (so 10,000 jobs at N=2,000)
inheriting from a shared library, 5 pipelines (check, gate, post, periodic,
release), 6 nodesets, 1 project-template, secrets and semaphores.  Each size
runs in its own process so peak RSS is per size.

    python bench/zuul_config.py                  # 500 / 1,000 / 2,000 projects
    python bench/zuul_config.py --sizes 2000 --zuul   # also time zuul's own parsers on the output

Prints a markdown table: wall time (best of --repeat rounds, default 3) of
validation alone and of validate+render (which validates again), the
bytes written, and peak RSS (whole process, and above the interpreter baseline).
"""

import argparse
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

PIPELINES = ("check", "gate", "post", "periodic", "release")


def rss_mb():
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def pipelines():
    gerrit = "gerrit"
    return [
        {"name": "check", "manager": "independent",
         "require": {gerrit: {"open": True, "current-patchset": True}},
         "trigger": {gerrit: [{"event": "patchset-created"},
                              {"event": "comment-added", "comment": r"(?i)^(Patch Set [0-9]+:)?\s*recheck"}]},
         "start": {gerrit: {"Verified": 0}}, "success": {gerrit: {"Verified": 1}},
         "failure": {gerrit: {"Verified": -1}}},
        {"name": "gate", "manager": "dependent", "precedence": "high", "supercedes": ["check"], "post-review": True,
         "require": {gerrit: {"open": True, "approval": [{"Code-Review": 2}, {"Workflow": 1}]}},
         "trigger": {gerrit: [{"event": "comment-added", "approval": [{"Workflow": 1}]}]},
         "success": {gerrit: {"Verified": 2, "submit": True}}, "failure": {gerrit: {"Verified": -2}}},
        {"name": "post", "manager": "supercedent", "precedence": "low", "post-review": True,
         "trigger": {gerrit: [{"event": "ref-updated", "ref": "^refs/heads/.*$"}]}},
        {"name": "periodic", "manager": "independent", "precedence": "low", "post-review": True,
         "trigger": {"timer": [{"time": "0 2 * * *"}]}},
        {"name": "release", "manager": "independent", "post-review": True,
         "trigger": {gerrit: [{"event": "ref-updated", "ref": "^refs/tags/.*$"}]}},
    ]


def build_input(n_projects):
    nodesets = [{"name": "bench-%d" % i, "nodes": [{"name": "controller", "label": "label-%d" % i}],
                 "groups": [{"name": "primary", "nodes": ["controller"]}]} for i in range(6)]
    base = [
        {"name": "bench-base", "abstract": True, "parent": None, "nodeset": "bench-0", "timeout": 3600,
         "pre-run": "playbooks/pre.yaml", "post-run": "playbooks/post.yaml", "vars": {"base_var": True}},
        {"name": "bench-unit", "parent": "bench-base", "run": "playbooks/unit.yaml"},
        {"name": "bench-lint", "parent": "bench-base", "run": "playbooks/lint.yaml"},
        {"name": "bench-devstack", "parent": "bench-base", "run": "playbooks/devstack.yaml", "nodeset": "bench-1",
         "timeout": 7200},
        {"name": "bench-docs", "parent": "bench-base", "run": "playbooks/docs.yaml"},
    ]
    jobs = list(base)
    projects = []
    for p in range(n_projects):
        short = "project-%05d" % p
        name = "openstack/%s" % short
        mine = []
        for kind, parent in (("unit", "bench-unit"), ("lint", "bench-lint"), ("functional", "bench-devstack"),
                             ("tempest", "bench-devstack"), ("docs", "bench-docs")):
            job = "%s-%s" % (short, kind)
            mine.append(job)
            jobs.append({
                "name": job, "parent": parent, "description": "%s %s job" % (name, kind),
                "nodeset": "bench-%d" % (p % 6), "voting": p % 7 != 0,
                "required-projects": {"!inherit": [name, "openstack/requirements"]},
                "irrelevant-files": [r"^.*\.rst$", r"^doc/.*$", r"^releasenotes/.*$"],
                "vars": {"tox_envlist": kind, "project_index": p, "devstack_services": {"keystone": True,
                                                                                        "tempest": kind == "tempest"},
                         "devstack_localrc": {"LIBS_FROM_GIT": short, "SERVICE_TIMEOUT": "120"}},
            })
        projects.append({
            "name": name, "templates": ["bench-template"],
            "check": {"jobs": mine + [{mine[3]: {"voting": False, "vars": {"!override": {"extra": 1}}}}]},
            "gate": {"jobs": mine[:3]},
            "post": {"jobs": [mine[4]]},
            "periodic": {"jobs": [mine[3]]},
            "release": {"jobs": [mine[4]]},
        })
    return {
        "pipelines": pipelines(),
        "semaphores": [{"name": "bench-sem", "max": 4}],
        "secrets": [{"name": "bench_secret", "data": {"token": {"!encrypted/pkcs1-oaep": ["aGVsbG8=", "d29ybGQ="]}}}],
        "nodesets": nodesets,
        "jobs": jobs,
        "project_templates": [{"name": "bench-template", "check": {"jobs": ["bench-unit", "bench-lint"]},
                               "gate": {"jobs": ["bench-unit"]}}],
        "projects": projects,
    }


PLAYBOOK_SET = frozenset(("playbooks/pre.yaml", "playbooks/post.yaml", "playbooks/unit.yaml",
                          "playbooks/lint.yaml", "playbooks/devstack.yaml", "playbooks/docs.yaml"))


def run_one(n_projects, with_zuul, repeat):
    from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.config import (  # noqa: PLC0415
        render_zuul_config,
        validate_zuul_config,
    )
    baseline = rss_mb()
    t0 = time.perf_counter()
    config = build_input(n_projects)
    t_build = time.perf_counter() - t0
    t_validate = t_render = float("inf")
    for _round in range(repeat):  # best of N: the machine is shared
        t0 = time.perf_counter()
        errors = validate_zuul_config(config, playbook_exists=PLAYBOOK_SET.__contains__)
        t_validate = min(t_validate, time.perf_counter() - t0)
        assert not errors, errors[:5]
        t0 = time.perf_counter()
        files = render_zuul_config(config, playbook_exists=PLAYBOOK_SET.__contains__)
        t_render = min(t_render, time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    result = {"projects": n_projects, "jobs": len(config["jobs"]), "pipelines": len(config["pipelines"]),
              "build_s": t_build, "validate_s": t_validate, "render_s": t_render,
              "bytes": sum(len(t) for t in files.values()), "lines": sum(t.count("\n") for t in files.values()),
              "peak_rss_mb": peak, "baseline_rss_mb": baseline}
    if with_zuul:
        with tempfile.TemporaryDirectory() as tmp:
            for name, text in files.items():
                with open(os.path.join(tmp, name), "w", encoding="utf-8") as handle:
                    handle.write(text)
            del files, config
            t0 = time.perf_counter()
            proc = subprocess.run([os.path.join(ROOT, ".venv-zuul", "bin", "python"),
                                   os.path.join(ROOT, "tests", "functional", "zuul_validate.py"), tmp],
                                  capture_output=True, text=True, check=False)
            result["zuul_s"] = time.perf_counter() - t0
            result["zuul_ok"] = json.loads(proc.stdout)["ok"]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2000", help="comma-separated project counts")
    parser.add_argument("--zuul", action="store_true", help="also load the output with zuul's parsers (.venv-zuul)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per size; the best time is reported")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.zuul, args.repeat)))
        return 0
    rows = run_sizes(__file__, [int(s) for s in args.sizes.split(",")], "zuul_config bench: %d projects",
                     ["--repeat", str(args.repeat)] + (["--zuul"] if args.zuul else []))
    print("| projects | jobs | pipelines | validate (s) | validate+render (s) | output | peak RSS (MiB) "
          "| above baseline (MiB) |%s" % (" zuul parsers (s) |" if args.zuul else ""))
    print("|---:|---:|---:|---:|---:|---:|---:|---:|%s" % ("---:|" if args.zuul else ""))
    for r in rows:
        extra = " %.1f%s |" % (r["zuul_s"], "" if r["zuul_ok"] else " (FAILED)") if args.zuul else ""
        print("| %d | %d | %d | %.2f | %.2f | %.1f MB, %d lines | %.0f | %.0f |%s" % (
            r["projects"], r["jobs"], r["pipelines"], r["validate_s"], r["render_s"], r["bytes"] / 1e6, r["lines"],
            r["peak_rss_mb"], r["peak_rss_mb"] - r["baseline_rss_mb"], extra))
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        ratio = (last["render_s"] / first["render_s"]) / (last["projects"] / first["projects"])
        print("\nscaling: time per project at %d vs %d projects = %.2fx (1.00 = linear)"
              % (last["projects"], first["projects"], ratio))
    return 0


if __name__ == "__main__":
    sys.exit(main())
