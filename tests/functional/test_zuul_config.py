# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""gatekit.devstack.zuul_config against zuul 14.3's own parsers (.venv-zuul) and
through ansible-playbook: rendered files load in zuul exactly as the input said,
bad input is rejected with its message and nothing is written."""

import json
import os
import subprocess
import sys

import pytest
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from zuul_config_fixtures import (  # noqa: E402
    BAD_INPUTS,
    ROOT,
    ZUUL_PYTHON,
    bad_config,
    make_repo,
    run_zuul_validate,
    sample_config,
)

from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.config import (  # noqa: E402
    FILES,
    count_objects,
    render_zuul_config,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.schema import (  # noqa: E402
    JOB_ATTRIBUTE_CHECKS,
)
from ansible_collections.gatekit.devstack.plugins.module_utils.zuul.tags import load, mapping_form  # noqa: E402

pytestmark = pytest.mark.skipif(not os.path.exists(ZUUL_PYTHON), reason="needs .venv-zuul (zuul 14.3.0)")
STANZA_TO_KEY = {entry[1]: entry[0] for entry in FILES}


def write_files(directory, files):
    os.makedirs(directory, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(directory, name), "w", encoding="utf-8") as handle:
            handle.write(text)


def test_job_attributes_match_the_installed_zuul():
    code = ("import json; from zuul.configloader import JobParser; "
            "print(json.dumps(sorted(k for k in JobParser.job_attributes if not k.startswith('_'))))")
    out = subprocess.run([ZUUL_PYTHON, "-c", code], capture_output=True, text=True, check=True).stdout
    assert sorted(JOB_ATTRIBUTE_CHECKS) == json.loads(out)


def test_sample_loads_in_zuul_exactly_as_given(tmp_path):
    """Every object of a project-config-like sample (every job attribute, tags,
    encrypted secrets, 5 pipelines) passes zuul's parsers, and what zuul loads is
    the input, value for value."""
    config = sample_config()
    files = render_zuul_config(config)
    write_files(tmp_path, files)
    code, report = run_zuul_validate(tmp_path, dump=True)
    failed = [(f["path"], f["error"], [o for o in f["objects"] if not o["ok"]]) for f in report["files"]
              if not f["ok"]]
    assert code == 0 and report["ok"], failed
    expected_counts = {k: v for k, v in count_objects(config).items() if v}
    assert {STANZA_TO_KEY[s]: n for s, n in report["counts"].items()} == expected_counts

    loaded = {}
    for result in report["files"]:
        # the one model of the tags reads the text as zuul does
        assert result["data"] == mapping_form(load(files[os.path.basename(result["path"])])), result["path"]
        for item in result["data"]:
            (stanza, conf), = item.items()
            loaded.setdefault(STANZA_TO_KEY[stanza], []).append(conf)

    def key(obj):
        return obj.get("name", ""), json.dumps(obj.get("branches"), sort_keys=True)

    for kind, objects in config.items():
        assert sorted(loaded[kind], key=key) == sorted(objects, key=key), kind
    # the text pinned too: tags and block scalars as written
    assert "required-projects: !inherit\n" in files["jobs.yaml"]
    assert "vars: !override\n" in files["jobs.yaml"]
    assert "password: !encrypted/pkcs1-oaep\n        - " in files["secrets.yaml"]


def test_bad_inputs_that_zuul_rejects_too(tmp_path):
    """The schema-level bad inputs: rendered without our validation, zuul's own
    parsers reject each one as well (so our messages are not stricter than zuul)."""
    cases = [(case_id, mutation) for case_id, mutation, _msg, zuul_rejects in BAD_INPUTS if zuul_rejects]
    assert len(cases) >= 12
    dirs = {}
    for case_id, mutation in cases:
        files = render_zuul_config(bad_config(mutation), validate=False)
        write_files(tmp_path / case_id, files)
        dirs[case_id] = str(tmp_path / case_id)
    _code, report = run_zuul_validate(*dirs.values())
    failing_dirs = {os.path.dirname(f["path"]) for f in report["files"] if not f["ok"]}
    accepted = [case_id for case_id, path in dirs.items() if path not in failing_dirs]
    assert accepted == []


def test_good_base_of_the_bad_table_is_accepted(tmp_path):
    repo = make_repo(tmp_path / "repo")
    files = render_zuul_config(bad_config(lambda c: None),
                               playbook_exists=lambda p: os.path.isfile(os.path.join(repo, p)))
    write_files(tmp_path / "out", files)
    code, report = run_zuul_validate(tmp_path / "out")
    assert code == 0 and report["ok"]


# (file text, what zuul 14.3's loader does with it: "same" = reads what tags.load reads,
#  else the start of zuul's error while tags.load reads the text anyway, or None = both refuse)
TAG_TEXTS = {
    "flow-forms": ("- job: {name: j, files: !inherit ['^a/'], vars: !override {x: 1, n: {y: !override [2]}}}\n"
                   "- secret: {name: s, data: {t: !encrypted/pkcs1-oaep aGVsbG8=, u: !encrypted/pkcs1-oaep [eA==]}}\n",
                   "same"),
    # zuul resolves a tagged scalar like an untagged one and takes only a string; the model keeps text
    "override-int": ("- job:\n    name: j\n    tags: !override 5\n", "Exception: Unsupported type for scalar"),
    "inherit-bool": ("- job:\n    name: j\n    tags: !inherit yes\n", "Exception: Unsupported type for scalar"),
    "unsafe": ("- job:\n    name: j\n    vars: {a: !unsafe '{{ x }}'}\n", None),
    "encrypted-mapping": ("- secret:\n    name: s\n    data: {a: !encrypted/pkcs1-oaep {k: v}}\n", None),
}


def test_tags_load_as_zuul_loads_them(tmp_path):
    """tags.load (the one model of Zuul's tags) against zuul's own loader, text for text
    (the rendered sample, every tag in block style, is compared in the test above)."""
    paths = {}
    for case_id, (text, _zuul) in TAG_TEXTS.items():
        paths[case_id] = tmp_path / ("%s.yaml" % case_id)
        paths[case_id].write_text(text, encoding="utf-8")
    _code, report = run_zuul_validate(*paths.values(), dump=True)
    by_path = {f["path"]: f for f in report["files"]}
    for case_id, (text, zuul) in TAG_TEXTS.items():
        result = by_path[str(paths[case_id])]
        if zuul == "same":
            assert result["error"] is None, case_id
            assert result["data"] == mapping_form(load(text)), case_id
        elif zuul is None:
            assert result["error"] is not None, case_id
            with pytest.raises(yaml.YAMLError):
                load(text)
        else:
            assert (result["error"] or "").startswith(zuul), (case_id, result["error"])
            load(text)


PLAYBOOK = """\
- name: zuul_config module, end to end
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Check mode on an empty directory
      gatekit.devstack.zuul_config:
        config: "{{ good }}"
        dest: "{{ out }}/good"
        repo_root: "{{ repo }}"
      check_mode: true
      diff: true
      register: r_check

    - name: First render
      gatekit.devstack.zuul_config:
        config: "{{ good }}"
        dest: "{{ out }}/good"
        repo_root: "{{ repo }}"
      register: r_first

    - name: Second render (no change)
      gatekit.devstack.zuul_config:
        config: "{{ good }}"
        dest: "{{ out }}/good"
        repo_root: "{{ repo }}"
      register: r_second

    - name: One changed job
      gatekit.devstack.zuul_config:
        config: "{{ changed }}"
        dest: "{{ out }}/good"
        repo_root: "{{ repo }}"
      diff: true
      register: r_changed

    - name: Secrets removed, prune
      gatekit.devstack.zuul_config:
        config: "{{ changed | ansible.builtin.combine({'secrets': []}) }}"
        dest: "{{ out }}/good"
        prune: true
      register: r_prune

    - name: Bad inputs
      gatekit.devstack.zuul_config:
        config: "{{ item.config }}"
        dest: "{{ out }}/bad/{{ item.id }}"
        repo_root: "{{ repo }}"
      loop: "{{ bad }}"
      loop_control:
        label: "{{ item.id }}"
      register: r_bad
      ignore_errors: true

    - name: Keep the results for pytest
      ansible.builtin.copy:
        dest: "{{ out }}/results.json"
        content: "{{ {'check': r_check, 'first': r_first, 'second': r_second, 'changed': r_changed,
                      'prune': r_prune, 'bad': r_bad.results} | to_json }}"
        mode: "0644"
"""


@pytest.fixture(scope="module")
def module_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("zuul_config_module")
    repo = make_repo(base / "repo")
    out = base / "out"
    out.mkdir()
    good = bad_config(lambda c: None)
    changed = bad_config(lambda c: None)
    next(j for j in changed["jobs"] if j["name"] == "gatekit-devstack")["timeout"] = 5400
    bad = [{"id": case_id, "config": bad_config(mutation)} for case_id, mutation, _m, _z in BAD_INPUTS]
    variables = {"good": good, "changed": changed, "bad": bad, "out": str(out), "repo": repo}
    (base / "vars.json").write_text(json.dumps(variables))
    (base / "play.yml").write_text(PLAYBOOK)
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), str(base / "play.yml"),
                           "-e", "@%s" % (base / "vars.json")], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=False, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    results = json.loads((out / "results.json").read_text())
    return results, out, good


def test_module_check_mode_writes_nothing(module_run):
    results, _out, _good = module_run
    check = results["check"]
    assert check["changed"] is True
    assert [os.path.basename(p) for p in check["files"]] == [entry[2] for entry in FILES]
    assert check["changed_files"] == check["files"]
    assert len(check["diff"]) == 8 and check["diff"][0]["before"] == ""


def test_module_writes_then_is_idempotent(module_run):
    results, out, good = module_run
    assert results["first"]["changed"] is True
    assert results["second"]["changed"] is False and results["second"]["changed_files"] == []
    assert results["first"]["counts"] == count_objects(good)
    written = render_zuul_config(good)
    for name, text in written.items():
        path = out / "good" / name
        if name in ("jobs.yaml", "secrets.yaml"):
            continue  # changed / pruned by later tasks
        assert path.read_text() == text
        assert oct(path.stat().st_mode & 0o777) == "0o644"


def test_module_reports_one_changed_file_with_a_small_diff(module_run):
    results, out, _good = module_run
    changed = results["changed"]
    assert changed["changed"] is True
    assert [os.path.basename(p) for p in changed["changed_files"]] == ["jobs.yaml"]
    (diff,) = changed["diff"]
    before, after = diff["before"].splitlines(), diff["after"].splitlines()
    assert [line for line in after if line not in before] == ["    timeout: 5400"]
    assert "    timeout: 5400\n" in (out / "good" / "jobs.yaml").read_text()


def test_module_prune_removes_only_its_own_stale_files(module_run):
    results, out, _good = module_run
    prune = results["prune"]
    assert [os.path.basename(p) for p in prune["removed"]] == ["secrets.yaml"]
    assert not (out / "good" / "secrets.yaml").exists()
    assert (out / "good" / "jobs.yaml").exists()


@pytest.mark.parametrize("case_id,expected", [(c, m) for c, _mut, m, _z in BAD_INPUTS])
def test_module_rejects_bad_input_and_writes_nothing(module_run, case_id, expected):
    results, out, _good = module_run
    (result,) = [r for r in results["bad"] if r["item"]["id"] == case_id]
    assert result.get("failed") is True
    assert expected in result["msg"], result["msg"]
    assert not (out / "bad" / case_id).exists()
