# Copyright: gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for gatekit.devstack.image_build: runs the module and, while it runs,
reports its progress (phase and elapsed time) from the status file the module writes.

A long Ansible task is otherwise silent for minutes. Under the gate's stdout callback
the progress goes to it as ``gate_progress`` of interim results of this task (the
callback shows the latest line); under any other callback it is printed as a line.
The module stays a plain synchronous task so that Ansible's SIGINT / SIGTERM reach it
and it cleans up. The status file is read on the controller, so progress shows when
the image is built there (the build_image role's case)."""

from __future__ import annotations

import json
import threading
import time
import types

from ansible import constants as C
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

try:  # ansible-core >= 2.19: the result type the worker sends over its queue
    from ansible.executor.task_result import _RawTaskResult
except ImportError:  # pragma: no cover
    _RawTaskResult = None

from ansible_collections.gatekit.devstack.plugins.module_utils.image.cache import (
    format_elapsed,
    progress_line,
    status_path,
)

display = Display()

# Seconds between progress lines while a phase goes on.
HEARTBEAT = 30
# Seconds between interim results for the gate's callback.
PROGRESS_EVERY = 5


def gate_callback_active():
    name = str(C.config.get_config_value("DEFAULT_STDOUT_CALLBACK") or "")
    return name.rsplit(".", 1)[-1] == "gate"


class ActionModule(ActionBase):

    TRANSFERS_FILES = False

    def _progress_sender(self, host):
        """A function sending one interim result with gate_progress to the stdout
        callback (from the worker, over the queue Ansible's own retries and async
        polls use), or None where there is no such queue or callback."""
        queue = getattr(display, "_final_q", None)
        if queue is None or _RawTaskResult is None or not gate_callback_active():
            return None
        fields = self._task.dump_attrs()
        owner = types.SimpleNamespace(name=host)

        def send(line):
            queue.send_callback("v2_runner_on_async_poll", _RawTaskResult(
                host=owner, task=self._task, task_fields=fields,
                return_data={"gate_progress": line, "started": 1, "finished": 0}))
        return send

    def _watch(self, path, stop, host, send):
        last_phase, last_line, last_sent, shown_log = None, 0.0, 0.0, None
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
            if send is not None:
                if phase != last_phase or now - last_sent >= PROGRESS_EVERY:
                    send(progress_line(st, now))
                    last_phase, last_sent = phase, now
                continue
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
        watcher = None
        if not args.get("recipe_only"):
            watcher = threading.Thread(target=self._watch, args=(path, stop, host, self._progress_sender(host)),
                                       daemon=True)
            watcher.start()
        try:
            result.update(self._execute_module(module_name="gatekit.devstack.image_build",
                                               module_args=args, task_vars=task_vars))
        finally:
            stop.set()
            if watcher is not None:
                watcher.join(5)
        image = result.get("image") or {}
        if image.get("cache_hit"):
            result["gate_progress"] = "image: cache hit, %s" % (image.get("podman_ref") or image.get("name"))
        elif image:
            result["gate_progress"] = "image: built in %s" % format_elapsed(image.get("build_seconds") or 0)
        return result
