"""QR labels for rolls, batches and bins: a PDF of 100 × 60 mm labels, one per page, ready
for a thermal label printer, drawn with core's PDF kit (embedded CJK font) and QR kit."""

from reportlab.lib.units import mm

from core.pdf import PdfCanvas
from core.qr import draw_qr

LABEL_SIZE = (100 * mm, 60 * mm)


def labels_pdf(labels: list[tuple[str, list[str], str]]) -> bytes:
    """One page per label: (title, text lines, QR payload)."""
    pdf = PdfCanvas(pagesize=LABEL_SIZE)
    _width, height = LABEL_SIZE
    for title, lines, payload in labels:
        side = height - 8 * mm
        draw_qr(pdf, payload, x=4 * mm, y=4 * mm, size=side)
        x = side + 8 * mm
        pdf.font(16)
        pdf.drawString(x, height - 12 * mm, title[:20])
        pdf.font(9)
        y = height - 20 * mm
        for line in lines[:5]:
            pdf.drawString(x, y, line[:28])
            y -= 6 * mm
        pdf.font(7)
        pdf.drawString(x, 5 * mm, payload)
        pdf.showPage()
    return pdf.finish()
