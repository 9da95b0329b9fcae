# Copyright: gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The image_build action plugin turns the build's status file into gate_progress."""

import json
import time

from ansible_collections.gatekit.devstack.plugins.action import image_build as action


class Ticks:
    """stop.wait() that lets the watcher look `n` times."""

    def __init__(self, n):
        self.n = n

    def wait(self, _seconds):
        self.n -= 1
        return self.n < 0


def test_watcher_sends_the_phase_as_gate_progress(tmp_path):
    status = tmp_path / "gkimg.json"
    status.write_text(json.dumps({"state": "running", "backend": "dib", "phase": "install",
                                  "started": time.time() - 130, "name": "gkimg"}))
    sent = []
    plugin = action.ActionModule.__new__(action.ActionModule)
    plugin._watch(str(status), Ticks(2), "localhost", sent.append)
    assert len(sent) == 1
    assert sent[0].startswith("image: dib install (3/9), 2m1") and sent[0][-1] == "s"


def test_progress_goes_to_the_gate_callback_only(monkeypatch):
    monkeypatch.setattr(action.C.config, "get_config_value",
                        lambda name, *a, **k: "gatekit.devstack.gate" if name == "DEFAULT_STDOUT_CALLBACK" else None)
    assert action.gate_callback_active()
    monkeypatch.setattr(action.C.config, "get_config_value", lambda name, *a, **k: "ansible.builtin.default")
    assert not action.gate_callback_active()
