# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every role and module has its documentation page, and the pages cannot drift.

- A role is documented once in prose (roles/<role>/README.md: what it does, what it reads,
  what it leaves) and once as a generated reference (docs/reference/roles/<role>.md, make
  docs, from meta/argument_specs.yml). The README links the reference; the reference is
  what tools/gen_docs.py generates from today's argument_specs and names every variable of
  the role (defaults/main.yml and every entry point); no page holds a table of the role's
  own variables (those live only in argument_specs); docs/roles/ holds no role page.
- docs/modules/<module>.md exists for every module and links to the generated reference
  page docs/reference/modules/<module>.md (make docs), which exists.
- README.md's Documentation section links the user guides and the release page.
"""

import importlib.util
import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLES = sorted(d for d in os.listdir(os.path.join(ROOT, "roles")) if os.path.isdir(os.path.join(ROOT, "roles", d, "tasks")))
# The gate's bookkeeping role is being renamed from `gatekit` to `gate`.
GATE_ROLE_NAMES = ("gate", "gatekit")
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


def gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", os.path.join(ROOT, "tools", "gen_docs.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def markdown_files():
    for top in ("README.md", "docs", "roles", "molecule", "playbooks"):
        path = os.path.join(ROOT, top)
        if os.path.isfile(path):
            yield top
            continue
        for dirpath, _dirs, files in os.walk(path):
            for name in files:
                if name.endswith(".md"):
                    yield os.path.relpath(os.path.join(dirpath, name), ROOT)


@pytest.mark.parametrize("role", ROLES)
def test_role_readme_links_its_generated_reference(role):
    readme = os.path.join("roles", role, "README.md")
    assert os.path.exists(os.path.join(ROOT, readme)), "%s is missing" % readme
    target = "../../docs/reference/roles/%s.md" % role
    assert "(%s)" % target in read(readme), "%s does not link %s" % (readme, target)
    page = os.path.join("docs", "reference", "roles", role + ".md")
    assert os.path.exists(os.path.join(ROOT, page)), "%s is missing: run make docs" % page
    specs = yaml.safe_load(read("roles", role, "meta", "argument_specs.yml"))
    expected = gen_docs().role_page(Path(ROOT) / "roles" / role, specs)
    assert read(page) == expected, "%s is not what tools/gen_docs.py generates: run make docs" % page
    names = set(re.findall(r"^\| (?:&nbsp;)*`([A-Za-z_][A-Za-z0-9_]*)`", expected, re.MULTILINE))
    missing = sorted(role_variables(role) - names)
    assert not missing, "%s does not name: %s" % (page, ", ".join(missing))


@pytest.mark.parametrize("role", ROLES)
def test_no_page_tables_the_role_variables(role):
    """The variable table of a role lives only in its argument_specs (the generated page)."""
    row = "| `%s_" % role
    offenders = []
    for path in markdown_files():
        if path.startswith(os.path.join("docs", "reference") + os.sep):
            continue
        for number, line in enumerate(read(path).splitlines(), 1):
            if line.lstrip().startswith(row):
                offenders.append("%s:%d" % (path, number))
    assert not offenders, "tables of %s's variables outside argument_specs: %s" % (role, ", ".join(offenders))


def test_docs_roles_holds_no_role_page():
    folder = os.path.join(ROOT, "docs", "roles")
    pages = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    left = [p for p in pages if p not in ("README.md", "index.md")]
    # The gate bookkeeping role is being renamed; its old page goes with the rename.
    left = [p for p in left if p[:-3] not in GATE_ROLE_NAMES]
    assert not left, "docs/roles/ still holds role pages (the role README says it now): %s" % ", ".join(left)


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
