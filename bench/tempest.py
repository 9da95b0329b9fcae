# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tempest wall time at several concurrencies, same tests, on one podman worker.

Deploys keystone with the devstack role (method pip) and installs tempest with the tempest
role in a container (once), then runs the tempest role at each concurrency and prints a
markdown table: tests, passed/skipped/failed, tempest's own duration (first to last subunit
event) and the wall time of the `tempest run` step as the role's progress loop saw it.

usage: python bench/tempest.py [--concurrency 1,2,4] [--regex REGEX] [--image REF] [--keep]
Image: --image, else $GATEKIT_TEMPEST_IMAGE, else the build_image role's default image.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "gktp-bench"
DEFAULT_REGEX = r"^(tempest\.api\.identity|keystone_tempest_plugin\.)"


def run(cmd, **kw):
    print("+ " + " ".join(cmd), file=sys.stderr, flush=True)
    return subprocess.run(cmd, check=True, **kw)


def playbook(text, extra, workdir):
    path = os.path.join(workdir, "play.yml")
    with open(path, "w") as handle:
        handle.write(text)
    inv = os.path.join(workdir, "inv.yml")
    with open(inv, "w") as handle:
        handle.write("all:\n  hosts:\n    %s:\n      ansible_connection: containers.podman.podman\n"
                     "      ansible_python_interpreter: /usr/bin/python3\n" % NAME)
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default")
    start = time.monotonic()
    run(["ansible-playbook", "-i", inv, path, "-e", json.dumps(extra)], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL if not os.environ.get("BENCH_VERBOSE") else None)
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", default="1,2,4")
    parser.add_argument("--regex", default=DEFAULT_REGEX)
    parser.add_argument("--image", default=os.environ.get("GATEKIT_TEMPEST_IMAGE", ""))
    parser.add_argument("--keep", action="store_true", help="keep the container")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="gktp-bench-")
    image = args.image
    if not image:
        out = os.path.join(work, "image.json")
        playbook("- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n"
                 "    - ansible.builtin.include_role: {name: gatekit.devstack.build_image}\n"
                 "    - ansible.builtin.copy: {dest: '%s', content: '{{ gatekit_image | to_json }}', mode: '0600'}\n" % out,
                 {}, work)
        with open(out) as handle:
            image = json.load(handle)["podman_ref"]
    subprocess.run(["podman", "rm", "-f", "-t", "0", NAME], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run(["podman", "run", "-d", "--name", NAME, "--init", "-v",
         "/etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro", image, "sleep", "infinity"],
        stdout=subprocess.DEVNULL)
    try:
        setup = playbook(
            "- hosts: all\n  gather_facts: true\n  roles: [gatekit.devstack.devstack]\n"
            "- hosts: all\n  gather_facts: false\n  roles: [gatekit.devstack.tempest]\n",
            {"devstack_method": "pip", "tempest_plugins": ["keystone-tempest-plugin"], "tox_envlist": "venv-tempest"}, work)
        rows = []
        for conc in [int(c) for c in args.concurrency.split(",")]:
            results = os.path.join(work, "c%d" % conc)
            wall = playbook(
                "- hosts: all\n  gather_facts: false\n  roles: [gatekit.devstack.tempest]\n",
                {"tempest_plugins": ["keystone-tempest-plugin"], "tox_envlist": "all", "tempest_test_regex": args.regex,
                 "tempest_concurrency": conc, "tempest_results_dir": results, "tempest_voting": False,
                 "tempest_progress_interval": 5}, work)
            with open(os.path.join(results, "tempest_summary.json")) as handle:
                summary = json.load(handle)
            rows.append((conc, summary, wall))
    finally:
        if not args.keep:
            subprocess.run(["podman", "rm", "-f", "-t", "0", NAME], check=False, stdout=subprocess.DEVNULL)
    print("\nTempest on one podman worker (keystone pip + MariaDB + uwsgi), %d cores, regex `%s`\n"
          % (os.cpu_count(), args.regex))
    print("setup (devstack + tempest install): %.0f s\n" % setup)
    print("| concurrency | tests | passed | skipped | failed | tempest duration (s) | role wall (s) |")
    print("|---|---|---|---|---|---|---|")
    for conc, s, wall in rows:
        cells = (conc, s["total"], s["passed"], s["skipped"], s["failed"], s["duration"], wall)
        print("| %d | %d | %d | %d | %d | %.1f | %.0f |" % cells)
    return 0


if __name__ == "__main__":
    sys.exit(main())
