# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gate callback's pieces: stage lines, progress, failure messages, the throttle, the log."""

from ansible_collections.gatekit.devstack.plugins.callback.gate import (
    CallbackModule,
    LogDisplay,
    Throttle,
    failure_message,
    format_duration,
    format_failure,
    format_play,
    format_stage_end,
    format_stage_start,
    one_line,
    progress_of,
    terminal_lines,
)

START = {"event": "start", "index": 5, "count": 9, "name": "tempest", "title": "run tempest and its plugins",
         "runs": True, "reason": ""}
END = {"event": "end", "index": 5, "count": 9, "name": "tempest", "title": "run tempest and its plugins",
       "status": "passed", "duration": 113.04, "error": {}}


def test_stage_start_line():
    assert format_stage_start(START) == "===== [5/9] tempest: run tempest and its plugins ====="


def test_stage_start_line_of_a_skipped_stage_says_why():
    event = dict(START, runs=False, reason="an earlier stage failed")
    assert format_stage_start(event) == "===== [5/9] tempest: run tempest and its plugins -- skipped: an earlier stage failed ====="


def test_stage_start_line_without_title_or_count():
    assert format_stage_start({"event": "start", "name": "x"}) == "===== x ====="


def test_stage_end_line():
    assert format_stage_end(END) == "----- [5/9] tempest: PASSED in 113.0 s -----"


def test_stage_end_line_of_a_failed_stage_names_host_and_task():
    event = dict(END, status="failed", duration=7, error={"host": "gate-primary", "task": "Run tempest", "msg": "boom"})
    assert format_stage_end(event) == "----- [5/9] tempest: FAILED in 7.0 s (gate-primary: Run tempest) -----"


def test_a_stage_that_did_not_run_has_no_end_line():
    assert format_stage_end(dict(END, status="skipped")) is None
    assert format_stage_end(dict(END, status="not-wanted")) is None


def test_duration():
    assert format_duration(0) == "0.0 s"
    assert format_duration("12.34") == "12.3 s"
    assert format_duration(None) == "? s"


def test_play_line():
    assert format_play("Gate | prepare") == "===== Gate | prepare ====="
    assert format_play("") == "===== play ====="


def test_one_line_keeps_the_first_line_and_cuts():
    assert one_line("  a\nb ") == "a"
    assert one_line("x" * 20, width=10) == "xxxxxxx..."
    assert one_line("") == ""


def test_progress_of_a_result():
    assert progress_of({"gate_progress": "tempest: 57/176 tests, 55 passed, 0 failed, 2 skipped\nmore"}) == (
        "tempest: 57/176 tests, 55 passed, 0 failed, 2 skipped")
    assert progress_of({"changed": False}) is None
    assert progress_of({"gate_progress": ""}) is None
    assert progress_of("not a dict") is None


def test_progress_of_a_loop_is_its_last_items():
    result = {"results": [{"gate_progress": "pip: 1/3 wheels"}, {"gate_progress": "pip: 2/3 wheels"}, {"x": 1}]}
    assert progress_of(result) == "pip: 2/3 wheels"


def test_failure_message_is_msg():
    assert failure_message({"msg": "it broke\non two lines"}) == ["it broke", "on two lines"]


def test_failure_message_of_a_command_adds_its_stderr_tail():
    result = {"msg": "non-zero return code", "rc": 2, "stderr": "\n".join("line %d" % n for n in range(20))}
    lines = failure_message(result)
    assert lines[0] == "non-zero return code"
    assert lines[1:] == ["line %d" % n for n in range(14, 20)]


def test_failure_message_without_msg():
    assert failure_message({"stderr": "E: no"}) == ["E: no"]
    assert failure_message({"rc": 3}) == ["rc=3"]
    assert failure_message({}) == ["failed"]
    assert failure_message("odd") == ["odd"]


def test_failure_message_of_a_loop_names_each_failed_item():
    result = {"msg": "One or more items failed", "results": [
        {"item": "a", "failed": False},
        {"item": "b", "failed": True, "msg": "b broke"},
        {"item": "c", "failed": True, "_ansible_item_label": "label-c", "rc": 1},
    ]}
    assert failure_message(result) == ["(item=b) b broke", "(item=label-c) rc=1"]


def test_failure_message_is_bounded():
    lines = failure_message({"msg": "\n".join(["x" * 400] * 30)})
    assert len(lines) == 12
    assert all(len(line) <= 300 for line in lines)
    assert lines[-1] == "... (19 more lines in the log)"


def test_failure_lines():
    assert format_failure("FAILED", "gate-primary", "Run tempest", ["boom", "bang"]) == [
        "  FAILED on gate-primary: Run tempest", "      boom", "      bang"]


def test_terminal_lines():
    assert terminal_lines(["GATE PASSED: x", 3]) == ["GATE PASSED: x", "3"]
    assert terminal_lines("one\ntwo") == ["one", "two"]
    assert terminal_lines("") == [""]
    assert terminal_lines(None) == []


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_throttle_prints_the_first_then_one_per_interval_then_the_last():
    clock = Clock()
    throttle = Throttle(15, clock=clock)
    assert throttle.offer("1/9") == "1/9"
    clock.now += 5
    assert throttle.offer("2/9") is None
    clock.now += 5
    assert throttle.offer("3/9") is None
    clock.now += 6
    assert throttle.offer("4/9") == "4/9"
    clock.now += 1
    assert throttle.offer("5/9") is None
    assert throttle.finish() == "5/9"
    # the next stage starts over
    assert throttle.offer("a") == "a"


def test_throttle_does_not_repeat_a_line():
    clock = Clock()
    throttle = Throttle(0, clock=clock)
    assert throttle.offer("same") == "same"
    assert throttle.offer("same") is None
    assert throttle.finish() is None


def test_throttle_with_nothing_to_say():
    assert Throttle(15).finish() is None


class Screen:
    verbosity = 1


def test_log_display_buffers_until_opened_then_streams(tmp_path):
    log = LogDisplay(Screen())
    log.display("before")
    log.display("for a log file only", log_only=True)
    log.display("\x1b[0;32mgreen\x1b[0m", screen_only=True)
    log.banner("PLAY [x]")
    path = tmp_path / "ansible.log"
    log.open(str(path))
    assert path.read_text() == "before\ngreen\n\nPLAY [x] " + "*" * (79 - len("PLAY [x]")) + "\n"
    log.display("after\n")
    log.display("no newline", newline=False)
    assert path.read_text().endswith("after\nno newline")
    log.open(str(tmp_path / "other.log"))  # the first build directory stays
    assert log.path == str(path)
    log.close()


def test_log_display_verbosity(tmp_path):
    log = LogDisplay(Screen())
    log.v("shown at -v")
    log.vv("hidden at -v", host="h")
    log.open(str(tmp_path / "a.log"))
    log.close()
    assert (tmp_path / "a.log").read_text() == "shown at -v\n"


class FakeScreen:
    verbosity = 0
    columns = 80

    def __init__(self):
        self.lines = []

    def display(self, msg, **_kwargs):
        self.lines.append(msg)


class FakeResult:
    def __init__(self, facts):
        self.result = {"ansible_facts": facts}


def test_a_stage_event_set_on_several_hosts_prints_once():
    screen = FakeScreen()
    callback = CallbackModule(display=screen)
    callback._tty = False
    callback._throttle = Throttle(15)
    for _host in ("gate-primary", "gate-subnode-1"):
        callback._signals(FakeResult({"gate_stage_event": START}))
    callback._signals(FakeResult({"gate_stage_event": END}))
    callback._signals(FakeResult({"gate_stage_event": END}))
    callback._signals(FakeResult({"gate_build_dir": "/b"}))
    assert screen.lines == [format_stage_start(START), format_stage_end(END)]
    assert callback._log_dir == "/b"
