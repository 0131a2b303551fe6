"""The PDF kit: every PDF Seamline makes is drawn through here, with one CJK font embedded.

The font is a TrueType CJK font (WenQuanYi Micro Hei from Debian's `fonts-wqy-microhei` by
default, `PDF_CJK_FONT` to use another) embedded as a subset, so a ticket or payslip renders the
same in every viewer and printer driver. A non-embedded CID font (STSong-Light) left the glyphs
to the viewer, and poppler drew "·" as a box. reportlab embeds only TrueType outlines, so an
OpenType/CFF font such as Noto Sans CJK cannot be used here.

Two ways to draw:
- `PdfCanvas` for positioned layouts (labels, tickets, payslips);
- `document_pdf(story, ...)` with `paragraph_styles()` and `table_style()` for flowing reports.
"""

from collections.abc import Sequence
from functools import cache
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from reportlab.lib import colors
from reportlab.lib.styles import StyleSheet1, getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate, TableStyle

FONT = "SeamlineCJK"
FONT_PACKAGE = "fonts-wqy-microhei"


class FontMissing(ImproperlyConfigured):
    """The CJK font the PDFs embed cannot be loaded: no PDF is made without it."""


def font_path() -> Path:
    return Path(settings.PDF_CJK_FONT)


@cache
def cjk_font() -> str:
    """Register the embedded CJK font once per process and return its name."""
    path = font_path()
    if not path.is_file():
        raise FontMissing(
            f"The PDF font {path} is missing. Install the Debian package {FONT_PACKAGE} "
            "or point PDF_CJK_FONT at a TrueType CJK font (.ttf or .ttc)."
        )
    try:
        pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
    except TTFError as error:
        raise FontMissing(
            f"The PDF font {path} cannot be embedded ({error}); PDF_CJK_FONT needs a font "
            "with TrueType outlines (OpenType/CFF fonts such as Noto CJK do not work)."
        ) from error
    return FONT


class PdfCanvas(Canvas):
    """A canvas writing to memory whose every string is in the embedded CJK font.

    `initialFontName` keeps reportlab's default Helvetica (not embedded) out of the file.
    """

    def __init__(self, *, pagesize: tuple[float, float], title: str = "") -> None:
        self._buffer = BytesIO()
        super().__init__(self._buffer, pagesize=pagesize, initialFontName=cjk_font())
        if title:
            self.setTitle(title)

    def font(self, size: float) -> None:
        self.setFont(FONT, size)

    def finish(self) -> bytes:
        """Close the last page and return the document."""
        self.save()
        return self._buffer.getvalue()


def paragraph_styles() -> StyleSheet1:
    """reportlab's sample styles in the CJK font, wrapping between any two Chinese characters."""
    styles = getSampleStyleSheet()
    font = cjk_font()
    for style in styles.byName.values():
        style.fontName = font
        if hasattr(style, "wordWrap"):
            style.wordWrap = "CJK"
    return styles


def table_style(*, size: float = 8, extra: Sequence[tuple] = ()) -> TableStyle:
    """A plain grid with a grey header row, all cells in the CJK font."""
    return TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), cjk_font(), size),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            *extra,
        ]
    )


def document_pdf(story: list, *, pagesize: tuple[float, float], title: str = "") -> bytes:
    """Lay out a flowing document (platypus story) and return the PDF."""
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=pagesize, title=title, initialFontName=cjk_font())
    document.build(story)
    return buffer.getvalue()


def pdf_response(content: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    """A PDF shown in the browser (phones open it in their viewer to print or share)."""
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
