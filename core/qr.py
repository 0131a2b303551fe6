"""The QR kit: every QR code Seamline prints (bundle tickets, carton labels, packing lists, lot
and bin labels) is made here, as vectors, so it stays sharp on a 203 dpi thermal printer.

Payloads are short prefixed ids (`SLB:<bundle>`, `SLW:<work order>` …) that the scan pages read.
"""

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.pdfgen.canvas import Canvas

# M recovers about 15 % of damaged modules: enough for a ticket in a sewing bundle.
ERROR_CORRECTION = "M"
# One module of white around the code; every layout leaves more white around it.
QUIET_ZONE = 1


def qr_drawing(payload: str, size: float) -> Drawing:
    """The QR code of `payload` as a `size` × `size` drawing (a platypus flowable as well)."""
    widget = QrCodeWidget(payload, barLevel=ERROR_CORRECTION, barBorder=QUIET_ZONE)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def draw_qr(pdf: Canvas, payload: str, *, x: float, y: float, size: float) -> None:
    """Draw the QR code of `payload` with its lower-left corner at (x, y)."""
    drawing = qr_drawing(payload, size)
    # The drawing would otherwise select Times-Roman, a font the PDF does not embed.
    drawing.initialFontName, drawing.initialFontSize = pdf._fontname, pdf._fontsize
    renderPDF.draw(drawing, pdf, x, y)
