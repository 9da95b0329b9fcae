# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: gate
type: stdout
short_description: the gate as a progress report; Ansible's whole output in the build directory
version_added: 0.1.0
description:
  - Prints one line when a gate stage starts and one when it ends (result and duration), the
    latest progress line of the running stage, every failed task (host, task, message) and
    every unreachable host, even when a block rescues them, and the C(msg) of every
    C(ansible.builtin.debug) task tagged C(gate_terminal), verbatim (the verdict block).
  - It knows the gate only through these signals. A stage starts and ends with an
    C(ansible.builtin.set_fact) whose result's C(ansible_facts) holds C(gate_stage_event)
    ({event, index, count, name, title, runs, reason} at the start; {event, index, count,
    name, title, status, duration, error} at the end). Any task result (each retry of an
    C(until) loop and each async poll included) may carry C(gate_progress), one line of text.
  - The fact C(gate_build_dir) names the build directory. What the default callback would print
    (at the same verbosity, with its own options such as C(callback_result_format)) is written
    to C(<gate_build_dir>/ansible.log), buffered until the directory is known, then written as it
    comes, so the file is complete when the gate fails too.
  - Without stage events (a playbook that is not the gate), each play's name is its stage line.
  - On a terminal the progress line is updated in place; otherwise (CI, a pipe, C(| tee)) a stage
    prints at most one progress line per O(progress_interval) seconds, plus its last one.
  - C(make gate) selects it; C(make gate V=1) keeps Ansible's default output.
requirements:
  - set as the stdout callback (C(ANSIBLE_STDOUT_CALLBACK=gatekit.devstack.gate))
options:
  progress_interval:
    description:
      - When stdout is not a terminal, the fewest seconds between two progress lines of a stage.
    type: float
    default: 15
    env:
      - name: ANSIBLE_GATE_PROGRESS_INTERVAL
    ini:
      - section: callback_gate
        key: progress_interval
"""

import os
import re
import sys
import time

from ansible import constants as C
from ansible.plugins.callback import CallbackBase
from ansible.plugins.callback.default import CallbackModule as DefaultCallback
from ansible.plugins.loader import callback_loader

try:  # Ansible's own wording of warnings and errors, as the default callback prints them
    from ansible._internal import _display_utils
    from ansible.module_utils._internal import _traceback
except ImportError:  # pragma: no cover - another ansible-core: summary_text() below
    _display_utils = None


STAGE_FACT = "gate_stage_event"
BUILD_DIR_FACT = "gate_build_dir"
# The stage engine from before this protocol names the directory so; gate_build_dir wins.
PROGRESS_KEY = "gate_progress"
TERMINAL_TAG = "gate_terminal"
LOG_NAME = "ansible.log"
MAX_MSG_LINES = 12
MAX_LINE = 300
SKIP_STATUSES = ("skipped", "not-wanted")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


# ------------------------------------------------------------------ formatting (pure)

def format_duration(seconds):
    """'12.3 s' (the stage records' unit, as job-output.json keeps it)."""
    try:
        return "%.1f s" % float(seconds)
    except (TypeError, ValueError):
        return "? s"


def _stage_label(event):
    count = event.get("count")
    where = "[%s/%s] " % (event.get("index", "?"), count) if count else ""
    return "%s%s" % (where, event.get("name", "stage"))


def format_stage_start(event):
    """The line a stage event {event: start, ...} prints."""
    line = "%s: %s" % (_stage_label(event), event.get("title", ""))
    if not event.get("runs", True):
        line += " -- skipped: %s" % (event.get("reason") or "not run")
    return "===== %s =====" % line.rstrip(": ")


def format_stage_end(event):
    """The line a stage event {event: end, ...} prints; None for a stage that did not run."""
    status = str(event.get("status", "?"))
    if status in SKIP_STATUSES:
        return None
    line = "%s: %s in %s" % (_stage_label(event), status.upper(), format_duration(event.get("duration")))
    error = event.get("error") or {}
    if error:
        line += " (%s: %s)" % (error.get("host", "?"), error.get("task", "?"))
    return "----- %s -----" % line


def format_play(name):
    """A play's stage line when the playbook sends no stage events."""
    return "===== %s =====" % (name or "play")


def one_line(text, width=MAX_LINE):
    """The first line of ``text``, stripped and cut to ``width``."""
    lines = str(text).strip().splitlines()
    line = lines[0].strip() if lines else ""
    return line if len(line) <= width else line[: width - 3] + "..."


def progress_of(result):
    """The gate_progress line a task result carries (a loop's last item's), or None."""
    if not isinstance(result, dict):
        return None
    value = result.get(PROGRESS_KEY)
    if not value and isinstance(result.get("results"), list):
        for item in reversed(result["results"]):
            if isinstance(item, dict) and item.get(PROGRESS_KEY):
                value = item[PROGRESS_KEY]
                break
    return one_line(value) if value else None


def _message_lines(result):
    lines = []
    msg = result.get("msg")
    if msg:
        lines.extend(str(msg).strip().splitlines())
    stderr = result.get("stderr") or result.get("module_stderr")
    if stderr and (not lines or "non-zero return code" in lines[0] or "MODULE FAILURE" in lines[0]):
        # the command's own complaint is its last lines
        lines.extend(str(stderr).strip().splitlines()[-(MAX_MSG_LINES // 2):])
    if not lines and result.get("rc") is not None:
        lines.append("rc=%s" % result["rc"])
    return lines


def failure_message(result):
    """The lines that say why a task failed: msg, stderr for commands, each failed item's msg."""
    if not isinstance(result, dict):
        return [str(result)]
    lines = []
    items = result.get("results")
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and item.get("failed"):
                label = item.get("_ansible_item_label", item.get("item"))
                for n, line in enumerate(_message_lines(item) or ["failed"]):
                    lines.append(("(item=%s) %s" % (one_line(label, 60), line)) if n == 0 else line)
    if not lines:
        lines = _message_lines(result)
    if not lines:
        lines = ["failed"]
    lines = [line if len(line) <= MAX_LINE else line[: MAX_LINE - 3] + "..." for line in lines]
    if len(lines) > MAX_MSG_LINES:
        lines = lines[: MAX_MSG_LINES - 1] + ["... (%d more lines in the log)" % (len(lines) - MAX_MSG_LINES + 1)]
    return lines


def format_failure(kind, host, task, lines):
    """'  FAILED on HOST: TASK' then the message, indented."""
    return ["  %s on %s: %s" % (kind, host, task)] + ["      %s" % line for line in lines]


def summary_text(summary, kind="WARNING"):
    """The text of a warning, deprecation or error summary the default callback hands on."""
    if _display_utils is not None:
        try:
            event = getattr(_traceback.TracebackEvent, kind)
            return _display_utils.format_message(summary, _traceback.is_traceback_enabled(event))
        except (AttributeError, TypeError):  # pragma: no cover
            pass
    event = getattr(summary, "event", None)
    msg = getattr(event, "msg", None)
    if msg is None:
        return str(summary)
    help_text = getattr(event, "help_text", None)
    return "%s %s" % (msg, help_text) if help_text else str(msg)


def terminal_lines(msg):
    """A gate_terminal debug's msg as the lines to print (a string or a list of lines)."""
    if msg is None:
        return []
    if isinstance(msg, (list, tuple)):
        return [str(line) for line in msg]
    return str(msg).splitlines() or [""]


class Throttle:
    """Which progress lines a non-terminal prints: the first, then one per ``interval`` seconds,
    and at the end of the stage the latest if it was not printed."""

    def __init__(self, interval, clock=time.monotonic):
        self.interval = float(interval)
        self.clock = clock
        self.reset()

    def reset(self):
        self.latest = None
        self.printed = None
        self.printed_at = None

    def offer(self, line):
        """Record ``line`` as the latest progress; return it when it is to be printed now."""
        self.latest = line
        now = self.clock()
        if line == self.printed:
            return None
        if self.printed_at is None or now - self.printed_at >= self.interval:
            self.printed, self.printed_at = line, now
            return line
        return None

    def finish(self):
        """The line still to print when the stage ends (or None); the throttle starts over."""
        line = self.latest if self.latest != self.printed else None
        self.reset()
        return line


# ------------------------------------------------------------------ the log

class LogDisplay:
    """What the default callback needs of a Display, written to a file instead of the screen.

    Lines are kept in memory until ``open`` names the file, then written (and flushed) as they
    come, so a gate that fails or is interrupted still leaves its log.
    """

    columns = 79  # Display's width when stdout is not a terminal

    def __init__(self, display):
        self._screen = display
        self._buffer = []
        self._file = None
        self.path = None

    @property
    def verbosity(self):
        return self._screen.verbosity

    def open(self, path):
        if self._file is not None:
            return
        self._file = open(path, "w", encoding="utf-8")
        self.path = path
        self._file.write("".join(self._buffer))
        self._file.flush()
        self._buffer = []

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None

    def _write(self, text):
        if self._file is None:
            self._buffer.append(text)
        else:
            self._file.write(text)
            self._file.flush()

    def display(self, msg, color=None, *, stderr=False, screen_only=False, log_only=False, newline=True, caplevel=None):
        if log_only:  # the default callback says some things twice: for the screen, and for a log
            return
        msg = ANSI_ESCAPE.sub("", str(msg)).replace("\r\n", "\n")
        self._write(msg if msg.endswith("\n") or not newline else msg + "\n")

    def banner(self, msg, color=None, cows=True):
        msg = str(msg).strip()
        self.display("\n%s %s" % (msg, "*" * max(3, self.columns - len(msg))))

    def _verbose(self, level, msg, host=None):
        if self.verbosity >= level:
            self.display(msg if host is None else "<%s> %s" % (host, msg))

    def v(self, msg, host=None):
        self._verbose(1, msg, host)

    def vv(self, msg, host=None):
        self._verbose(2, msg, host)

    def vvv(self, msg, host=None):
        self._verbose(3, msg, host)

    def vvvv(self, msg, host=None):
        self._verbose(4, msg, host)

    def vvvvv(self, msg, host=None):
        self._verbose(5, msg, host)

    def vvvvvv(self, msg, host=None):
        self._verbose(6, msg, host)

    def warning(self, msg, formatted=False, **kwargs):
        self.display("[WARNING]: %s" % msg)

    def _warning(self, warning):
        self.display("[WARNING]: %s" % summary_text(warning))

    def _deprecated(self, warning):
        self.display("[DEPRECATION WARNING]: %s" % summary_text(warning, "DEPRECATED"))

    def _error(self, error, stderr=False):
        self.display("[ERROR]: %s" % summary_text(error, "ERROR"))


# ------------------------------------------------------------------ the callback

class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "gatekit.devstack.gate"

    def __init__(self, display=None, options=None):
        super().__init__(display=display, options=options)
        self._log = LogDisplay(self._display)
        self._full = None  # the default callback, writing to self._log
        self._tty = sys.stdout.isatty()
        self._status = ""  # the line shown in place on a terminal
        self._throttle = None
        self._stage_events = False
        self._task_name = ""
        self._log_dir = None
        self._last_event = None

    def set_options(self, task_keys=None, var_options=None, direct=None):
        super().set_options(task_keys=task_keys, var_options=var_options, direct=direct)
        self._throttle = Throttle(self.get_option("progress_interval"))
        full = callback_loader.get("ansible.builtin.default")
        full._display = self._log
        full.set_options()
        self._full = full

    def _to_log(self, name, *args, **kwargs):
        # The queue manager hands the result's warnings and exception to the plugin it calls.
        self._full._current_task_result = self._current_task_result
        return getattr(self._full, name)(*args, **kwargs)

    # ---- the screen

    def _clear_status(self):
        if self._tty and self._status:
            self._display.display("\r\x1b[K", newline=False, screen_only=True)
            self._status = ""

    def _say(self, line, color=None):
        self._clear_status()
        self._display.display(line, color=color, screen_only=True)
        sys.stdout.flush()

    def _show_status(self, line):
        """On a terminal: ``line`` replaces the in-place status line."""
        if not self._tty:
            return
        width = max(10, self._display.columns - 1)
        line = line if len(line) <= width else line[: width - 3] + "..."
        if line == self._status:
            return
        self._display.display("\r\x1b[K" + line, newline=False, screen_only=True)
        self._status = line
        sys.stdout.flush()

    def _progress(self, result):
        line = progress_of(result)
        if not line:
            return
        if self._tty:
            self._throttle.latest = line
            self._show_status("  > " + line)
        else:
            shown = self._throttle.offer(line)
            if shown:
                self._say("  > " + shown)

    def _finish_stage(self):
        """The stage's last progress stays on screen as a line of its own."""
        if self._throttle is None:
            return
        if self._tty:
            last = self._throttle.latest
            self._throttle.reset()
        else:
            last = self._throttle.finish()
        if last:
            self._say("  > " + last)
        else:
            self._clear_status()

    # ---- the signals

    def _signals(self, result):
        facts = result.result.get("ansible_facts") if isinstance(result.result, dict) else None
        if not isinstance(facts, dict):
            return
        if facts.get(BUILD_DIR_FACT) and self._log_dir is None:
            self._log_dir = str(facts[BUILD_DIR_FACT])
        event = facts.get(STAGE_FACT)
        if isinstance(event, dict):
            self._stage_events = True
            # the same event set on several hosts of a play is one event
            key = (event.get("event"), event.get("index"), event.get("name"))
            if key == self._last_event:
                return
            self._last_event = key
            if event.get("event") == "start":
                self._finish_stage()
                self._say(format_stage_start(event), None if event.get("runs", True) else C.COLOR_SKIP)
            elif event.get("event") == "end":
                self._finish_stage()
                line = format_stage_end(event)
                if line:
                    status = event.get("status")
                    self._say(line, C.COLOR_OK if status == "passed" else C.COLOR_ERROR if status == "failed" else None)

    def _open_log(self, create=False):
        """Start writing the log once the build directory exists (prepare makes it after it
        names it); at the end of the run, make it if the gate stopped before."""
        if self._log_dir is None or self._log.path is not None:
            return
        path = os.path.join(self._log_dir, LOG_NAME)
        try:
            if create:
                os.makedirs(self._log_dir, exist_ok=True)
            if os.path.isdir(self._log_dir):
                self._log.open(path)
        except OSError as err:
            self._log_dir = None
            self._say("  (cannot write %s: %s)" % (path, err), C.COLOR_WARN)

    def _terminal(self, result):
        task = result.task
        if TERMINAL_TAG in (task.tags or []) and task.action in ("debug", "ansible.builtin.debug", "ansible.legacy.debug"):
            for line in terminal_lines(result.result.get("msg")):
                self._say(line)

    # ---- events: each also goes to the default callback, which writes the log

    def v2_playbook_on_play_start(self, play):
        if not self._stage_events:
            self._finish_stage()
            self._say(format_play(play.get_name().strip()))
        self._to_log("v2_playbook_on_play_start", play)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._open_log()
        self._task_name = task.get_name().strip()
        self._show_status("  . " + self._task_name)
        self._to_log("v2_playbook_on_task_start", task, is_conditional)

    def v2_runner_on_ok(self, result):
        self._signals(result)
        self._progress(result.result)
        self._terminal(result)
        self._to_log("v2_runner_on_ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._progress(result.result)
        if not ignore_errors:
            for line in format_failure("FAILED", result.host.get_name(), result.task_name or self._task_name,
                                       failure_message(result.result)):
                self._say(line, C.COLOR_ERROR)
        self._to_log("v2_runner_on_failed", result, ignore_errors=ignore_errors)

    def v2_runner_on_unreachable(self, result):
        for line in format_failure("UNREACHABLE", result.host.get_name(), result.task_name or self._task_name,
                                   failure_message(result.result)):
            self._say(line, C.COLOR_UNREACHABLE)
        self._to_log("v2_runner_on_unreachable", result)

    def v2_runner_retry(self, result):
        self._progress(result.result)
        self._to_log("v2_runner_retry", result)

    def v2_runner_on_async_poll(self, result):
        self._progress(result.result)
        self._to_log("v2_runner_on_async_poll", result)

    def v2_runner_item_on_ok(self, result):
        self._progress(result.result)
        self._to_log("v2_runner_item_on_ok", result)

    def v2_playbook_on_stats(self, stats):
        self._finish_stage()
        self._to_log("v2_playbook_on_stats", stats)
        self._open_log(create=True)
        if self._log.path:
            self._say("ansible log: %s" % self._log.path)
        else:
            self._say("(no %s was set: no %s written; V=1 shows Ansible's output)" % (BUILD_DIR_FACT, LOG_NAME))
        self._log.close()


def _forward(name):
    def method(self, *args, **kwargs):
        return self._to_log(name, *args, **kwargs)
    method.__name__ = name
    return method


# Every other event the default callback prints goes to the log only.
for _name in dir(DefaultCallback):
    if (_name.startswith("v2_") and _name not in CallbackModule.__dict__
            and getattr(DefaultCallback, _name) is not getattr(CallbackBase, _name, None)):
        setattr(CallbackModule, _name, _forward(_name))
del _name
