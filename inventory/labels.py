"""QR labels for rolls, batches and bins: a PDF of 100 × 60 mm labels, one per page, ready
for a thermal label printer. Chinese text uses reportlab's built-in CID font STSong-Light, so
no font file has to be shipped."""

from io import BytesIO

import qrcode
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
LABEL_SIZE = (100 * mm, 60 * mm)


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _qr_image(payload: str) -> ImageReader:
    image = qrcode.make(payload, box_size=6, border=1)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def labels_pdf(labels: list[tuple[str, list[str], str]]) -> bytes:
    """One page per label: (title, text lines, QR payload)."""
    font = _font()
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=LABEL_SIZE)
    width, height = LABEL_SIZE
    for title, lines, payload in labels:
        side = height - 8 * mm
        pdf.drawImage(_qr_image(payload), 4 * mm, 4 * mm, side, side)
        x = side + 8 * mm
        pdf.setFont(font, 16)
        pdf.drawString(x, height - 12 * mm, title[:20])
        pdf.setFont(font, 9)
        y = height - 20 * mm
        for line in lines[:5]:
            pdf.drawString(x, y, line[:28])
            y -= 6 * mm
        pdf.setFont(font, 7)
        pdf.drawString(x, 5 * mm, payload)
        pdf.showPage()
    pdf.save()
    return out.getvalue()
