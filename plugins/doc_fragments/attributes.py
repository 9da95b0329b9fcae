# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``attributes`` block every gatekit.devstack module shares."""


class ModuleDocFragment:
    """Use as ``extends_documentation_fragment: [gatekit.devstack.attributes]``.

    A module whose support differs (say, diff mode for some outputs only) states its own
    ``attributes`` entry; the module's entry wins over this fragment's.
    """

    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
"""
