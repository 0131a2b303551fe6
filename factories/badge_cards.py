"""Printable badge cards: name, employee number, badge number and the badge's QR code, ten
to an A4 page (2 × 5 cards of 85 × 54 mm, the size of a bank card, to cut out and put in a
badge holder). Drawn with core's PDF kit (CJK font embedded) and QR kit.

The QR code and the printed number carry the badge in its one canonical form
(`factories.badges.badge_normalise`), which is what the scan station matches; `badge_payload`
is the one place that decides what a card carries.
"""

from collections.abc import Sequence

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from core.pdf import PdfCanvas
from core.qr import draw_qr
from factories.badges import badge_normalise
from factories.models import Worker

CARD_WIDTH, CARD_HEIGHT = 85 * mm, 54 * mm
COLUMNS, ROWS = 2, 5
QR_SIZE = 38 * mm


def badge_payload(worker: Worker) -> str:
    """What a worker's badge card carries, in its QR code and printed: the canonical badge."""
    return badge_normalise(worker.badge_id)


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def badge_cards_pdf(workers: Sequence[Worker], *, factory_name: str) -> bytes:
    """One card per worker, COLUMNS × ROWS to a page, with cut lines."""
    pdf = PdfCanvas(pagesize=A4, title=_("Badge cards"))
    page_width, page_height = A4
    left = (page_width - COLUMNS * CARD_WIDTH) / 2
    top = (page_height + ROWS * CARD_HEIGHT) / 2
    per_page = COLUMNS * ROWS
    for index, worker in enumerate(workers):
        if index and index % per_page == 0:
            pdf.showPage()
        slot = index % per_page
        x = left + (slot % COLUMNS) * CARD_WIDTH
        y = top - (slot // COLUMNS + 1) * CARD_HEIGHT
        pdf.setLineWidth(0.3)
        pdf.setDash(2, 2)
        pdf.rect(x, y, CARD_WIDTH, CARD_HEIGHT)
        pdf.setDash()
        draw_qr(
            pdf,
            badge_payload(worker),
            x=x + CARD_WIDTH - QR_SIZE - 4 * mm,
            y=y + (CARD_HEIGHT - QR_SIZE) / 2,
            size=QR_SIZE,
        )
        text_x = x + 5 * mm
        pdf.font(8)
        pdf.drawString(text_x, y + CARD_HEIGHT - 9 * mm, _fit(factory_name, 18))
        pdf.font(16)
        pdf.drawString(text_x, y + CARD_HEIGHT - 21 * mm, _fit(worker.name, 8))
        pdf.font(10)
        pdf.drawString(text_x, y + CARD_HEIGHT - 30 * mm, f"{_('No.')} {worker.employee_no}")
        pdf.font(12)
        pdf.drawString(text_x, y + 8 * mm, badge_payload(worker))
        if worker.line_id:
            pdf.font(8)
            pdf.drawString(text_x, y + CARD_HEIGHT - 37 * mm, _fit(worker.line.name, 18))
    if not workers:
        pdf.font(12)
        pdf.drawString(20 * mm, page_height - 30 * mm, _("No workers to print."))
    return pdf.finish()
