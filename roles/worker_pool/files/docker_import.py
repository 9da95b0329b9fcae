# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`docker import TAR REF` through the Docker API (docker SDK), for the worker_pool role.

Usage: docker_import.py DOCKER_HOST TAR REF. Prints {"changed": true, "id": ...}.
The reference goes in the `repo` parameter with its tag: podman's Docker-compatible
API ignores a separate `tag` parameter on import (it tags :latest).
"""

import json
import sys
import time


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    host, tar, ref = argv[1:]
    try:
        import docker  # noqa: PLC0415 pylint: disable=import-outside-toplevel
    except ImportError:
        sys.stderr.write("docker_import.py needs the docker SDK (pip install docker) in the controller's python\n")
        return 1
    start = time.time()
    client = docker.APIClient(base_url=host, timeout=600)
    reply = client.import_image_from_file(tar, repository=ref)
    last = [json.loads(line) for line in str(reply).splitlines() if line.strip().startswith("{")]
    image = client.inspect_image(ref)
    print(json.dumps({"changed": True, "id": image["Id"], "ref": ref, "seconds": round(time.time() - start, 1),
                      "reply": last[-1] if last else reply}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
