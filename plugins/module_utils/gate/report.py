# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render the one-page gate report (builds/<build-id>/index.html).

``render_report(build)`` is a pure function: ``build`` is plain data (see
``REPORT_KEYS``) and the result is a self-contained HTML page (inline CSS, no
scripts, nothing fetched), with every value HTML-escaped.  Links are relative
to the build directory, so the directory can be archived or served as is.
"""

import html
import os
from urllib.parse import quote

REPORT_KEYS = ("verdict", "job", "build_id", "started", "stages", "summary", "files")

STATUS_CLASS = {"passed": "ok", "failed": "bad", "skipped": "skip", "not-built": "skip"}

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:72rem;color:#1d232a;padding:0 1rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d8dde3;padding-bottom:.3rem}
.verdict{display:inline-block;padding:.3rem .9rem;border-radius:.3rem;font-weight:700;color:#fff}
.verdict.ok{background:#1f883d;color:#fff}.verdict.bad{background:#cf222e;color:#fff}.verdict.skip{background:#9a6700;color:#fff}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eef1f4;vertical-align:top}
.num{text-align:right;font-variant-numeric:tabular-nums}.ok{color:#1f883d}.bad{color:#cf222e}.skip{color:#9a6700}
.bar{height:.9rem;border-radius:.2rem;background:#8c959f;min-width:2px}.bar.ok{background:#2da44e}.bar.bad{background:#cf222e}
.bar.skip{background:#d4a72c}.counts span{display:inline-block;margin-right:1.5rem;font-size:1.1rem}
pre{background:#f6f8fa;padding:.6rem;overflow-x:auto;font-size:.8rem;max-height:24rem}details{margin:.4rem 0}
summary{cursor:pointer;font-family:ui-monospace,monospace;font-size:.85rem}.muted{color:#656d76;font-size:.85rem}
"""


def _e(value):
    return html.escape("" if value is None else str(value), quote=True)


def _href(path):
    return quote(path.replace(os.sep, "/"), safe="/-_.~")


def _fmt_seconds(value):
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return "-"
    if seconds >= 60:
        return "%dm %02ds" % (seconds // 60, seconds % 60)
    return "%.1fs" % seconds


def verdict_class(verdict):
    return {"PASSED": "ok", "FAILED": "bad"}.get(verdict, "skip")


def _timeline(stages):
    total = sum(float(s.get("duration") or 0) for s in stages) or 1.0
    rows = []
    for stage in stages:
        duration = float(stage.get("duration") or 0)
        status = stage.get("status", "")
        width = max(0.2, 100.0 * duration / total)
        error = stage.get("error") or {}
        detail = ""
        if error:
            detail = "<div class='bad muted'>%s %s: %s</div>" % (
                _e(error.get("host", "")), _e(error.get("task", "")), _e(error.get("msg", "")))
        rows.append(
            "<tr><td>%s</td><td class='%s'>%s</td><td class='num'>%s</td>"
            "<td style='width:50%%'><div class='bar %s' style='width:%.1f%%'></div>%s</td></tr>"
            % (_e(stage.get("name")), STATUS_CLASS.get(status, ""), _e(status), _fmt_seconds(duration),
               STATUS_CLASS.get(status, ""), width, detail))
    return ("<table><thead><tr><th>stage</th><th>result</th><th class='num'>duration</th><th>timeline</th></tr></thead>"
            "<tbody>%s</tbody></table>" % "".join(rows))


def _counts(summary):
    if not summary:
        return "<p class='muted'>No test results (the tempest stage did not produce any).</p>"
    parts = []
    for key, css in (("passed", "ok"), ("failed", "bad"), ("skipped", "skip")):
        parts.append("<span class='%s'><b id='count-%s'>%s</b> %s</span>" % (css, key, _e(summary.get(key, 0)), key))
    parts.append("<span class='muted'>in %s</span>" % _fmt_seconds(summary.get("duration")))
    return "<div class='counts'>%s</div>" % "".join(parts)


def _failures(summary):
    failed = (summary or {}).get("failed_tests") or []
    if not failed:
        return "<p class='muted'>No failed tests.</p>"
    items = []
    for test in failed:
        items.append("<details open><summary>%s</summary><pre>%s</pre></details>"
                     % (_e(test.get("name")), _e(test.get("traceback") or "(no traceback recorded)")))
    return "".join(items)


def _files(files):
    if not files:
        return "<p class='muted'>No files.</p>"
    rows = []
    for entry in files:
        rows.append("<tr><td><a href='%s'>%s</a></td><td class='num'>%s</td></tr>"
                    % (_href(entry["path"]), _e(entry["path"]), _e(_human_size(entry.get("size", 0)))))
    return "<table class='files'><tbody>%s</tbody></table>" % "".join(rows)


def _human_size(size):
    size = float(size or 0)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return ("%d %s" % (size, unit)) if unit == "B" else ("%.1f %s" % (size, unit))
        size /= 1024.0
    return "%d B" % size


def render_report(build):
    """Return the HTML page for ``build`` (a dict with the keys of ``REPORT_KEYS``)."""
    verdict = build.get("verdict", "UNKNOWN")
    job = build.get("job") or {}
    summary = build.get("summary") or {}
    stages = build.get("stages") or []
    total = sum(float(s.get("duration") or 0) for s in stages)
    title = "%s %s" % (job.get("name", "gate"), verdict)
    head = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width,initial-scale=1'>"
            "<title>%s</title><style>%s</style></head><body>" % (_e(title), CSS))
    header = ("<p class='muted'>gatekit.devstack gate report &middot; build %s &middot; started %s &middot; %s</p>"
              "<h1>%s <span id='verdict' class='verdict %s'>%s</span></h1>"
              "<p class='muted'>parent %s &middot; nodeset %s &middot; %s</p>"
              % (_e(build.get("build_id")), _e(build.get("started")), _fmt_seconds(total), _e(job.get("name")),
                 verdict_class(verdict), _e(verdict), _e(job.get("parent", "-")), _e(job.get("nodeset", "-")),
                 "voting" if job.get("voting", True) else "non-voting"))
    body = [
        head, header,
        "<h2>Tests</h2>", _counts(summary),
        "<h2>Stages</h2>", _timeline(stages),
        "<h2>Failed tests</h2>", _failures(summary),
        "<h2>Files</h2>", _files(build.get("files") or []),
        "</body></html>\n",
    ]
    return "".join(body)


def list_files(build_dir, exclude=("index.html",)):
    """Every file under ``build_dir`` (relative paths, sorted), with sizes, for the report's links."""
    found = []
    for root, dirs, files in os.walk(build_dir):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            rel = os.path.relpath(full, build_dir)
            if rel in exclude or not os.path.isfile(full):
                continue
            found.append({"path": rel, "size": os.path.getsize(full)})
    return found
