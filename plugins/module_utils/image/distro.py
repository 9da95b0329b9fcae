# Copyright: gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The distributions an image can be built from: the one table of their facts.

The default release, the mirrors, the DIB element, the apt components, debootstrap's
fallback script, the pinned Ubuntu archive keyring and the node label of the
collection's own image live here and nowhere else; the image builder, the image
recipe, the nodepool renderer and the Zuul job library read them from this module.
"""

from __future__ import annotations

DEFAULT_DISTRO = "debian"

# Debian ships no Ubuntu archive keyring. An Ubuntu build fetches the ubuntu-keyring
# package and trusts it only when it matches these pins.
UBUNTU_KEYRING = {
    "url": "http://archive.ubuntu.com/ubuntu/pool/main/u/ubuntu-keyring/ubuntu-keyring_2023.11.28.1_all.deb",
    "sha256": "36de43b15853ccae0028e9a767613770c704833f82586f28eb262f0311adb8a8",
    # Ubuntu Archive Automatic Signing Key (2018) <ftpmaster@ubuntu.com>
    "fingerprint": "F6ECB3762474EDA9D21B7022871920D1991BC93C",
    # The file of the package that holds the archive keys.
    "member": "usr/share/keyrings/ubuntu-archive-keyring.gpg",
}

DISTROS = {
    "debian": {
        "element": "debian-minimal",
        "release": "bookworm",
        "mirror": "http://deb.debian.org/debian",
        "security_mirror": "http://deb.debian.org/debian-security",
        "components": ("main",),
        # What debootstrap runs for a release it has no script for (a debootstrap older
        # than the release).
        "debootstrap_fallback": "sid",
        "keyring": None,
    },
    "ubuntu": {
        "element": "ubuntu-minimal",
        "release": "noble",
        "mirror": "http://archive.ubuntu.com/ubuntu",
        "security_mirror": "http://security.ubuntu.com/ubuntu",
        "components": ("main", "universe"),
        # Every Ubuntu release since 7.10 uses gutsy.
        "debootstrap_fallback": "gutsy",
        "keyring": UBUNTU_KEYRING,
    },
}

DIB_DISTRO_ELEMENTS = tuple(d["element"] for d in DISTROS.values())

# The node label of the collection's own image: the nodesets of its job library, the
# worker pool's nodes and the nodepool / zuul-launcher label all use it.
LABEL = "gatekit-%s" % DISTROS[DEFAULT_DISTRO]["release"]


def default_release(distro):
    """The release an image of `distro` is built from when none is named."""
    return DISTROS[distro]["release"]
