# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every role and module has its documentation page, and the pages cannot drift.

- docs/roles/<role>.md exists for every role, and every variable of the role (its
  defaults/main.yml and every entry point of meta/argument_specs.yml) is named there or in
  roles/<role>/README.md when the page links to it. A table row may shorten a family of
  names: ``nodepool_worker_swap_size_mb`` / ``_swap_file`` names nodepool_worker_swap_file.
- docs/modules/<module>.md exists for every module and links to the generated reference
  page docs/reference/modules/<module>.md (make docs), which exists.
- README.md's Documentation section links the user guides and the release page.
"""

import os
import re

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLES = sorted(d for d in os.listdir(os.path.join(ROOT, "roles")) if os.path.isdir(os.path.join(ROOT, "roles", d, "tasks")))
MODULES = sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                 if f.endswith(".py") and not f.startswith("_"))


def read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as handle:
        return handle.read()


def role_variables(role):
    names = set()
    defaults = os.path.join(ROOT, "roles", role, "defaults", "main.yml")
    if os.path.exists(defaults):
        names |= set((yaml.safe_load(read(defaults)) or {}).keys())
    specs = os.path.join(ROOT, "roles", role, "meta", "argument_specs.yml")
    if os.path.exists(specs):
        for entry in (yaml.safe_load(read(specs)).get("argument_specs") or {}).values():
            names |= set((entry.get("options") or {}).keys())
    return names


def documented_names(text):
    """Names in backticks, plus the shortened ``_suffix`` forms completed from the first
    full name on the same line (any underscore-cut of it + the suffix)."""
    names = set()
    for line in text.splitlines():
        tokens = re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", line)
        names.update(tokens)
        full = [t for t in tokens if not t.startswith("_")]
        if not full:
            continue
        parts = full[0].split("_")
        stems = ["_".join(parts[:i]) for i in range(1, len(parts))]
        for token in tokens:
            if token.startswith("_"):
                names.update(stem + token for stem in stems)
    return names


@pytest.mark.parametrize("role", ROLES)
def test_role_page_names_every_variable(role):
    page = os.path.join("docs", "roles", role + ".md")
    assert os.path.exists(os.path.join(ROOT, page)), "%s is missing" % page
    text = read(page)
    readme = os.path.join("roles", role, "README.md")
    if os.path.exists(os.path.join(ROOT, readme)) and ("roles/%s/README.md" % role) in text:
        text += "\n" + read(readme)
    missing = sorted(role_variables(role) - documented_names(text))
    assert not missing, "%s (or the README it links) does not name: %s" % (page, ", ".join(missing))


@pytest.mark.parametrize("module", MODULES)
def test_module_page_links_its_reference(module):
    page = os.path.join("docs", "modules", module + ".md")
    assert os.path.exists(os.path.join(ROOT, page)), "%s is missing" % page
    target = "../reference/modules/%s.md" % module
    assert "(%s)" % target in read(page), "%s does not link %s" % (page, target)
    assert os.path.exists(os.path.join(ROOT, "docs", "reference", "modules", module + ".md")), (
        "docs/reference/modules/%s.md is missing: run make docs" % module)


def test_readme_links_the_guides_and_the_release_page():
    readme = read("README.md")
    section = readme[readme.index("## Documentation"):]
    for name in sorted(os.listdir(os.path.join(ROOT, "docs", "guide"))):
        assert "(docs/guide/%s)" % name in section, name
    assert "(docs/release.md)" in section
