"""The report's charts, drawn with matplotlib (no pyplot, no display) and inlined as SVG.

Labels are ASCII only (finding codes, table numbers `T3`, which the HTML lists beside each
chart), so the charts render the same on a machine without CJK fonts. Text is drawn as paths
and the SVG ids are salted per chart, so the output is deterministic and self-contained.
"""

from __future__ import annotations

import io
import re

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from pipeline.report.summary import Summary

SEVERITY_COLOURS = {"error": "#c0392b", "warning": "#e0a800", "info": "#5b7db1"}
_XML_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)


def _svg(fig: Figure, salt: str) -> str:
    """The figure as an `<svg>` element (prologue and DOCTYPE removed, for inlining)."""
    buffer = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": salt, "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = _XML_PROLOGUE.sub("", buffer.getvalue(), count=1)
    return _METADATA.sub("", svg, count=1)  # RDF licence block: namespace URLs, no content


def findings_by_code(report: Summary) -> str | None:
    """Horizontal bars, one per code, coloured by severity; None when there are no findings."""
    counts = report.by_code
    if not counts:
        return None
    fig = Figure(figsize=(6.4, 0.45 * len(counts) + 0.9))
    ax = fig.add_subplot()
    labels = [c.code for c in reversed(counts)]
    values = [c.count for c in reversed(counts)]
    colours = [SEVERITY_COLOURS.get(c.severity, "#888888") for c in reversed(counts)]
    bars = ax.barh(labels, values, color=colours)
    ax.bar_label(bars, padding=3)
    ax.set_xlabel("findings")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, "by-code")


def totals(report: Summary) -> str | None:
    """Printed vs recomputed total per table (dumbbells); None when no table has both.

    A batch with more tables than fit shows the largest gaps (summary.CHART_TOTALS), in table
    order.
    """
    pairs = report.totals_pairs
    if not pairs:
        return None
    fig = Figure(figsize=(6.4, 0.35 * len(pairs) + 1.0))
    ax = fig.add_subplot()
    for y, (_, stated, recomputed) in enumerate(reversed(pairs)):
        colour = SEVERITY_COLOURS["error"] if abs(stated - recomputed) >= 0.005 else "#999999"
        ax.plot([recomputed, stated], [y, y], color=colour, linewidth=2, zorder=1)
    ys = range(len(pairs))
    ax.scatter([p[2] for p in reversed(pairs)], ys, color="#2e7d32", label="recomputed", zorder=2)
    ax.scatter([p[1] for p in reversed(pairs)], ys, color="#222222", marker="x", label="printed")
    ax.set_yticks(list(ys), [f"T{p[0]}" for p in reversed(pairs)])
    ax.set_xlabel("total score")
    ax.legend(loc="lower left", frameon=False, fontsize="small")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, "totals")


def score_deltas(report: Summary) -> str | None:
    """Histogram of printed − recomputed score over the rows that differ; None when none do.

    Most rows agree exactly; plotting them would flatten the misses into one tall bar at 0,
    so the chart shows the rows that differ and its label says how many agree.
    """
    misses = report.score_misses
    if not misses:
        return None
    fig = Figure(figsize=(6.4, 2.8))
    ax = fig.add_subplot()
    ax.hist(misses, bins=min(30, max(5, len(misses))), color="#5b7db1")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(
        f"printed - recomputed score ({len(misses)} rows differ, {report.scores_agree} agree)"
    )
    ax.set_ylabel("rows")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, "deltas")


def all_charts(report: Summary) -> dict[str, str | None]:
    return {
        "by_code": findings_by_code(report),
        "totals": totals(report),
        "deltas": score_deltas(report),
    }
