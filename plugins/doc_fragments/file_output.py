# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared documentation for modules that render one text file and write it atomically."""


class ModuleDocFragment:
    """Use as ``extends_documentation_fragment: [gatekit.devstack.file_output, gatekit.devstack.attributes, ansible.builtin.files]``."""

    DOCUMENTATION = r"""
options: {}
notes:
  - The file is written to a temporary file in the same directory and renamed into place, so
    readers never see a half-written file; nothing is written when the input is invalid.
  - C(changed) is true only when the content (or the file attributes) differ.
  - A new file gets mode C(0644) unless O(mode) says otherwise; an existing file keeps its mode.
"""
