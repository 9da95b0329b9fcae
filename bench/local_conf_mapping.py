# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: local.conf rendering and the legacy <-> native mapping.

    python bench/local_conf_mapping.py [--count 2000] [--repeat 3]

Prints a markdown table: per operation, the wall time for ``--count`` jobs (best of
``--repeat`` rounds) and the time per job.  Inputs are seeded, so runs compare.
"""

import argparse
import os
import random
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from ansible_collections.gatekit.devstack.plugins.module_utils.devstack.local_conf import render_local_conf  # noqa: E402
from ansible_collections.gatekit.devstack.plugins.module_utils.legacy.mapping import (  # noqa: E402
    legacy_env_to_native,
    native_to_legacy_env,
)


def native_job(rng):
    localrc = {"V%03d" % i: rng.choice(["plain", "$V%03d/x" % max(i - 1, 0), "a b", True, 3]) for i in range(40)}
    services = {"base": False, **{"svc%02d" % i: rng.random() < 0.7 for i in range(25)}}
    plugins = {"plugin%02d" % i: "https://opendev.org/openstack/plugin%02d" % i for i in range(6)}
    local_conf = {"post-config": {"$NOVA_CONF": {"DEFAULT": {"k%02d" % i: ["a", "b"] if i % 5 == 0 else i for i in range(30)}}}}
    return {
        "devstack_localrc": localrc,
        "devstack_services": services,
        "devstack_plugins": plugins,
        "devstack_local_conf": local_conf,
        "tox_envlist": "full",
    }


def legacy_env(rng):
    env = {"DEVSTACK_GATE_TEMPEST": "1", "DEVSTACK_GATE_TEMPEST_FULL": "1", "PROJECTS": "openstack/nova openstack/neutron"}
    for flag in ("POSTGRES", "TLSPROXY", "CONFIGDRIVE", "NEUTRON_DVR"):
        if rng.random() < 0.5:
            env["DEVSTACK_GATE_" + flag] = "1"
    conf = "[[local|localrc]]\n" + "".join("X%02d=value%02d\n" % (i, i) for i in range(30))
    conf += "[[post-config|$NOVA_CONF]]\n[DEFAULT]\n" + "".join("o%02d = v\n" % i for i in range(20))
    return env, conf


def timed(func, items, repeat):
    best = None
    for _round in range(repeat):
        start = time.perf_counter()
        for item in items:
            func(item)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(1)
    jobs = [native_job(rng) for _job in range(args.count)]
    envs = [legacy_env(rng) for _job in range(args.count)]
    natives = [legacy_env_to_native(env, dg_local_conf=conf) for env, conf in envs]
    rows = [
        (
            "render_local_conf (40 vars, 25 services, 6 plugins, 30 INI keys)",
            timed(
                lambda j: render_local_conf(
                    localrc=j["devstack_localrc"],
                    services=j["devstack_services"],
                    plugins=j["devstack_plugins"],
                    local_conf=j["devstack_local_conf"],
                ),
                jobs,
                args.repeat,
            ),
        ),
        ("legacy_env_to_native (+ parse 50-line dg-local.conf)", timed(lambda e: legacy_env_to_native(e[0], dg_local_conf=e[1]), envs, args.repeat)),
        (
            "native_to_legacy_env (same jobs back)",
            timed(lambda n: native_to_legacy_env(n["vars"], required_projects=n["required_projects"]), natives, args.repeat),
        ),
        ("native_to_legacy_env (large native jobs)", timed(native_to_legacy_env, jobs, args.repeat)),
    ]
    print("| operation | jobs | wall (s) | per job (ms) |")
    print("|---|---:|---:|---:|")
    for name, seconds in rows:
        print("| %s | %d | %.3f | %.3f |" % (name, args.count, seconds, seconds * 1000 / args.count))


if __name__ == "__main__":
    main()
