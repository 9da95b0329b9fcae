# Copyright: gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for gatekit.devstack.image_build: runs the module and, while it runs,
prints its progress (phase and elapsed time) from the status file the module writes.

A long Ansible task is otherwise silent for minutes. The status file is read on the
controller, so progress shows when the image is built there (the build_image role's
case: images are built where podman runs them)."""

from __future__ import annotations

import json
import threading
import time

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.gatekit.devstack.plugins.module_utils.image.cache import format_elapsed, status_path

display = Display()

# Seconds between progress lines while a phase goes on.
HEARTBEAT = 30


class ActionModule(ActionBase):

    TRANSFERS_FILES = False

    def _watch(self, path, stop, host):
        last_phase, last_line, shown_log = None, 0.0, None
        while not stop.wait(2):
            try:
                with open(path) as f:
                    st = json.load(f)
            except (OSError, ValueError):
                continue
            if st.get("state") != "running":
                continue
            now = time.time()
            phase = st.get("phase")
            if phase != last_phase or now - last_line >= HEARTBEAT:
                line = "[%s] build_image %s: %s, %s (phase %s)" % (
                    host, st.get("name"), phase,
                    format_elapsed(now - st.get("started", now)),
                    format_elapsed(now - st.get("phase_started", now)))
                if st.get("log") != shown_log:
                    line += "; full log: %s" % st.get("log")
                    shown_log = st.get("log")
                display.display(line, color="cyan")
                last_phase, last_line = phase, now

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        path = status_path(args.get("cache_dir") or "~/.cache/gatekit/images",
                           args.get("name") or "gatekit-worker")
        stop = threading.Event()
        host = (task_vars or {}).get("inventory_hostname", "localhost")
        watcher = threading.Thread(target=self._watch, args=(path, stop, host), daemon=True)
        watcher.start()
        try:
            result.update(self._execute_module(module_name="gatekit.devstack.image_build",
                                               module_args=args, task_vars=task_vars))
        finally:
            stop.set()
            watcher.join(5)
        return result
