"""The scrub_secrets module (collect_logs' scrubber) on a directory shaped like a collected node."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The module as Ansible runs it: its JSON arguments on stdin, the collection importable.
RUN = ("import sys; sys.path.insert(0, %r); "
       "from ansible_collections.gatekit.devstack.plugins.modules import scrub_secrets; scrub_secrets.main()") % str(ROOT)


def test_secret_values_are_scrubbed_everywhere(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "secrets").write_text("ADMIN_PASSWORD=Zq8vL2mN4pX7\nSERVICE_TOKEN: tok-9f8e7d6c5b\n")
    (sources / "clouds.yaml").write_text("clouds:\n  devstack:\n    auth:\n      password: 'Alt-Pw-31337'\n")
    staging = tmp_path / "staging"
    (staging / "files" / "etc" / "keystone").mkdir(parents=True)
    (staging / "files" / "etc" / "keystone" / "keystone.conf").write_text(
        "[database]\nconnection = mysql+pymysql://keystone:Db-Pw-424242@127.0.0.1/keystone\n")
    (staging / "uwsgi.log").write_text("login admin Zq8vL2mN4pX7 ok\nalt user Alt-Pw-31337\nkeep: hello\n")
    (staging / "blob.bin").write_bytes(b"\0\0Zq8vL2mN4pX7")
    args = {"ANSIBLE_MODULE_ARGS": {"path": str(staging), "sources": [
        str(sources / "secrets"), str(sources / "clouds.yaml"), str(sources / "missing")]}}
    out = subprocess.run([sys.executable, "-c", RUN], input=json.dumps(args), capture_output=True, text=True, check=True)
    text = "".join(p.read_text() for p in staging.rglob("*") if p.is_file() and p.suffix != ".bin")
    for secret in ("Zq8vL2mN4pX7", "Alt-Pw-31337", "Db-Pw-424242", "tok-9f8e7d6c5b"):
        assert secret not in text
        assert secret not in out.stdout
    assert "<redacted>" in text and "keep: hello" in text
    assert "scrubbed 2 file(s)" in out.stdout
