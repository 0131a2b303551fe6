"""The district report as an Excel workbook and as a PDF (core's PDF kit: CJK font embedded)."""

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import Paragraph, Spacer, Table

from core.pdf import document_pdf, paragraph_styles, table_style
from core.tabular import Sheet, rows_to_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def figure_columns() -> list[tuple[str, str]]:
    return [
        ("output", _("Output (garments)")),
        ("capacity_utilization", _("Capacity utilization %")),
        ("orders_received", _("Orders received")),
        ("pieces_ordered", _("Pieces ordered")),
        ("on_time_delivery", _("On-time delivery %")),
        ("qualified_rate", _("Qualified rate %")),
        ("employment", _("Employment")),
        ("average_daily_wage", _("Average wage per operator-day (yuan)")),
    ]


def report_tables(report: dict) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) of every table in the report, shared by both formats."""
    columns = figure_columns()
    header = [label for _key, label in columns]

    def values(row):
        return ["" if row.get(key) is None else row.get(key) for key, _label in columns]

    sharing = report["sharing_total"]
    totals = [[_("Sharing factories"), sharing["factories"]] + values(sharing)]
    if report["all_total"]:
        everyone = report["all_total"]
        totals.append([_("All factories"), everyone["factories"]] + values(everyone))
    synthetic = [
        (
            _("Synthetic demo history (generated, not measured)"),
            [_("Factory"), _("From"), _("To")],
            [[row["name"], row["first"], row["last"]] for row in report["synthetic"]],
        )
    ]
    return (synthetic if report.get("synthetic") else []) + [
        (
            _("Factories sharing their figures, %(month)s") % {"month": report["month"]},
            [_("Factory"), _("Categories"), *header],
            [[f["name"], " ".join(f["categories"])] + values(f) for f in report["factories"]],
        ),
        (
            _("By category"),
            [_("Category"), _("Factories"), *header],
            [[c["category"], c["factories"]] + values(c) for c in report["categories"]],
        ),
        (_("District totals"), [_("Total"), _("Factories"), *header], totals),
        (
            _("Monthly trend"),
            [_("Month"), *header],
            [[t["period"]] + values(t) for t in report["month_trend"]],
        ),
        (
            _("Weekly trend"),
            [_("Week of"), *header],
            [[t["period"]] + values(t) for t in report["week_trend"]],
        ),
    ]


def district_xlsx(report: dict) -> bytes:
    return rows_to_xlsx(
        Sheet(title=f"{index + 1}", rows=[[title], header, *rows], bold_rows=(1, 2))
        for index, (title, header, rows) in enumerate(report_tables(report))
    )


def district_pdf(report: dict) -> bytes:
    styles = paragraph_styles()
    story = [
        Paragraph(_("District report: %(name)s") % {"name": report["district"]}, styles["Title"]),
        Paragraph(_("As of %(day)s") % {"day": report["as_of"]}, styles["Normal"]),
    ]
    for title, header, rows in report_tables(report):
        story += [Spacer(1, 10), Paragraph(title, styles["Heading2"])]
        cells = [[Paragraph(str(h), styles["BodyText"]) for h in header]]
        cells += [[str(value) for value in row] for row in rows]
        story.append(Table(cells, repeatRows=1, style=table_style(size=8)))
    return document_pdf(story, pagesize=landscape(A4), title=report["district"])
