"""The gap matrix in every output format: CSV, JSON, SVG and PNG heatmaps, the PDF gap
report and a self-contained HTML fragment. All read one ``GapMatrix`` and print each
cell with ``cell_text``, so the page, the files and the report show the same numbers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from clearinghouse.vocabularies.lookups import vocabulary_cache

from .gaps.matrix import Cell, Gap, GapMatrix

# Heatmap levels: none (no material), gap (below the threshold), then 1×, 2×, 4× the threshold.
LEVELS = ("none", "gap", "low", "mid", "high")
COLOURS = {
    "none": "#ffffff",
    "gap": "#fde0c5",
    "low": "#c6dbef",
    "mid": "#6baed6",
    "high": "#2171b5",
}
TEXT_COLOURS = {"high": "#ffffff"}


def cell_text(cell: Cell) -> str:
    """How every output prints a cell: the weighted score, then the number of materials."""
    return f"{cell.value:.2f} ({cell.count})"


def level(matrix: GapMatrix, cell: Cell) -> str:
    if matrix.is_gap(cell):
        return "gap"
    if cell.count == 0:
        return "none"
    t = matrix.config.threshold
    if cell.value >= 4 * t:
        return "high"
    return "mid" if cell.value >= 2 * t else "low"


@dataclass
class CellView:
    cell: Cell
    text: str
    level: str
    gap: Gap | None


def tables(matrix: GapMatrix) -> list[dict]:
    """One table per purpose, rows of ``CellView`` (what every HTML output renders)."""
    gaps = matrix.gap_index()
    result = []
    for purpose in matrix.purposes:
        rows = []
        for audience, cells in matrix.rows(purpose.code):
            rows.append(
                (
                    audience,
                    [CellView(c, cell_text(c), level(matrix, c), gaps.get(c.key)) for c in cells],
                )
            )
        result.append({"purpose": purpose, "rows": rows})
    return result


def _header(matrix: GapMatrix) -> list[str]:
    return [
        "purpose",
        "audience",
        "topic",
        _("purpose"),
        _("audience"),
        _("topic"),
        _("materials"),
        _("weighted score"),
        _("gap"),
        _("recommendation"),
        _("details"),
    ]


def csv_text(matrix: GapMatrix) -> str:
    """One row per cell, in table order; the score is the number the page shows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_header(matrix))
    gaps = matrix.gap_index()
    for purpose, audience, topic, cell in matrix.iter_cells():
        gap = gaps.get(cell.key)
        writer.writerow(
            [
                purpose.code,
                audience.code,
                topic.code,
                purpose.label,
                audience.label,
                topic.label,
                cell.count,
                f"{cell.value:.2f}",
                _("yes") if gap else _("no"),
                gap.recommendation.kind if gap else "",
                gap.recommendation.text if gap else "",
            ]
        )
    return out.getvalue()


def json_data(matrix: GapMatrix) -> dict:
    gaps = matrix.gap_index()
    return {
        "filters": dict(matrix.filters.items()),
        "settings": matrix.config.as_dict(),
        "purposes": [{"code": a.code, "label": a.label} for a in matrix.purposes],
        "audiences": [{"code": a.code, "label": a.label} for a in matrix.audiences],
        "topics": [{"code": a.code, "label": a.label} for a in matrix.topics],
        "cells": [
            {
                "purpose": c.purpose,
                "audience": c.audience,
                "topic": c.topic,
                "count": c.count,
                "score": c.value,
                "gap": c.key in gaps,
                "recommendation": (
                    {
                        "kind": gaps[c.key].recommendation.kind,
                        "text": gaps[c.key].recommendation.text,
                        "advisers": [
                            {"id": pk, "name": name}
                            for pk, name in gaps[c.key].recommendation.advisers
                        ],
                        "neighbours": [n.code for n in gaps[c.key].recommendation.neighbours],
                        "elsewhere": gaps[c.key].recommendation.elsewhere,
                    }
                    if c.key in gaps
                    else None
                ),
            }
            for *_axes, c in matrix.iter_cells()
        ],
    }


# --- SVG / PNG ------------------------------------------------------------------------------

_CELL_W, _CELL_H, _LEFT, _TOP, _GAP_Y = 58, 20, 250, 170, 40


def svg_text(matrix: GapMatrix) -> str:
    """The heatmap: colour plus the number in every cell; gaps also hatched, so the
    picture reads without colour. Labels in the matrix's language."""
    n_cols, n_rows = len(matrix.topics), len(matrix.audiences)
    block = _TOP + n_rows * _CELL_H + _GAP_Y
    legend_h = 60
    width = _LEFT + n_cols * _CELL_W + 160
    height = block * max(1, len(matrix.purposes)) + legend_h
    direction = ' direction="rtl"' if translation.get_language_bidi() else ""
    title = _("Coverage matrix: audiences × topics")
    caption = _("Each cell: weighted score (number of materials).")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" font-size="10"'
        f'{direction} role="img">',
        f"<title>{escape(title)}</title>",
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fde0c5"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#b15a00" stroke-width="1.5"/></pattern></defs>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    gaps = matrix.gap_index()
    for index, table in enumerate(tables(matrix)):
        y0 = index * block
        out.append(
            f'<text x="4" y="{y0 + 16}" font-size="14" font-weight="bold">'
            f"{escape(table['purpose'].label)}</text>"
        )
        for col, topic in enumerate(matrix.topics):
            x = _LEFT + col * _CELL_W + _CELL_W / 2
            out.append(
                f'<text transform="translate({x:.1f},{y0 + _TOP - 6}) rotate(-55)">'
                f"{escape(topic.label[:34])}</text>"
            )
        for row, (audience, cells) in enumerate(table["rows"]):
            y = y0 + _TOP + row * _CELL_H
            out.append(
                f'<text x="{_LEFT - 6}" y="{y + 14}" text-anchor="end">'
                f"{escape(audience.label[:42])}</text>"
            )
            for col, view in enumerate(cells):
                x = _LEFT + col * _CELL_W
                fill = "url(#hatch)" if view.level == "gap" else COLOURS[view.level]
                colour = TEXT_COLOURS.get(view.level, "#000000")
                title = escape(
                    f"{audience.label} / {matrix.topics[col].label}: {view.text}"
                    + (f" — {gaps[view.cell.key].recommendation.text}" if view.gap else "")
                )
                out.append(
                    f'<g><title>{title}</title><rect x="{x}" y="{y}" width="{_CELL_W}" '
                    f'height="{_CELL_H}" fill="{fill}" stroke="#999999" stroke-width="0.5"/>'
                    f'<text x="{x + _CELL_W / 2}" y="{y + 14}" text-anchor="middle" '
                    f'fill="{colour}" font-size="9">{escape(view.text)}</text></g>'
                )
    y = height - legend_h + 10
    for i, (name, label) in enumerate(_legend(matrix)):
        x = 4 + i * 200
        fill = "url(#hatch)" if name == "gap" else COLOURS[name]
        out.append(
            f'<rect x="{x}" y="{y}" width="24" height="14" fill="{fill}" stroke="#999999"/>'
            f'<text x="{x + 30}" y="{y + 11}">{escape(label)}</text>'
        )
    out.append(f'<text x="4" y="{y + 36}">{escape(caption)}</text></svg>')
    return "\n".join(out)


def _legend(matrix: GapMatrix) -> list[tuple[str, str]]:
    t = f"{matrix.config.threshold:.2f}"
    return [
        ("gap", _("gap: below %(t)s, hatched") % {"t": t}),
        ("low", _("at least %(t)s") % {"t": t}),
        ("mid", _("at least %(t)s") % {"t": f"{2 * matrix.config.threshold:.2f}"}),
        ("high", _("at least %(t)s") % {"t": f"{4 * matrix.config.threshold:.2f}"}),
    ]


def png_bytes(matrix: GapMatrix) -> bytes:
    import cairosvg

    return cairosvg.svg2png(bytestring=svg_text(matrix).encode("utf-8"))


# --- HTML and PDF ---------------------------------------------------------------------------


GAPS_CSS = Path(__file__).with_name("static") / "clearinghouse" / "gaps.css"


def filter_labels(matrix: GapMatrix) -> list[tuple[str, str]]:
    """The filters in force, named and labelled in the matrix's language."""
    names = {
        "language": (_("Language"), "language"),
        "region": (_("Region"), "region"),
        "resource_type": (_("Resource type"), "resource_type"),
        "purpose": (_("Purpose"), "purpose"),
        "year_from": (_("From year"), ""),
        "year_to": (_("To year"), ""),
    }
    result = []
    for key, value in matrix.filters.items():
        title, scheme = names[key]
        label = vocabulary_cache.label(scheme, value, matrix.language) if scheme else value
        result.append((title, label))
    return result


def gap_rows(matrix: GapMatrix) -> list[dict]:
    return [
        {
            "gap": gap,
            "purpose": matrix.label("purpose", gap.cell.purpose),
            "audience": matrix.label("audience", gap.cell.audience),
            "topic": matrix.label("topic", gap.cell.topic),
            "text": cell_text(gap.cell),
        }
        for gap in matrix.gaps
    ]


def report_context(matrix: GapMatrix) -> dict:
    return {
        "matrix": matrix,
        "css": GAPS_CSS.read_text(encoding="utf-8"),
        "filter_labels": filter_labels(matrix),
        "gap_rows": gap_rows(matrix),
        "tables": tables(matrix),
        "legend": _legend(matrix),
        "threshold": f"{matrix.config.threshold:.2f}",
        "settings": matrix.config.as_dict(),
        "colours": COLOURS,
    }


def html_fragment(matrix: GapMatrix) -> str:
    """Tables, legend and gap list with an inline stylesheet: no external request."""
    return render_to_string("analysis/gaps/fragment.html", report_context(matrix))


def pdf_bytes(matrix: GapMatrix) -> bytes:
    """The gap report (WeasyPrint): the matrix, the gaps and their recommendations."""
    from weasyprint import HTML

    html = render_to_string("analysis/gaps/report.html", report_context(matrix))
    return HTML(string=html, base_url=None, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url: str, *args, **kwargs):
    """The report embeds everything it shows; it never fetches anything."""
    raise ValueError(f"the gap report does not load external resources ({url[:80]})")
