"""core's PDF and QR kits: the CJK font is embedded, text reads back, QR codes scan."""

import pytest
from django.test import override_settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table

from core.checks import pdf_font_check
from core.pdf import (
    FONT_PACKAGE,
    FontMissing,
    PdfCanvas,
    cjk_font,
    document_pdf,
    paragraph_styles,
    table_style,
)
from core.qr import draw_qr
from tests.pdfs import assert_every_font_embedded, pdf_text, pdffonts_rows, qr_payloads

LINE = "扎 0007 · 20 件 · 阿依古丽·买买提"


@pytest.fixture
def missing_font(tmp_path):
    """The font setting points at nothing; the kit's registration is forgotten around the test."""
    cjk_font.cache_clear()
    with override_settings(PDF_CJK_FONT=str(tmp_path / "no-such-font.ttc")):
        yield
    cjk_font.cache_clear()


def canvas_pdf() -> bytes:
    pdf = PdfCanvas(pagesize=(100 * mm, 60 * mm), title="标签")
    draw_qr(pdf, "SLB:4711", x=4 * mm, y=4 * mm, size=40 * mm)
    pdf.font(10)
    pdf.drawString(48 * mm, 30 * mm, LINE)
    pdf.showPage()
    return pdf.finish()


def test_a_canvas_pdf_embeds_its_only_font():
    pdf = canvas_pdf()

    assert_every_font_embedded(pdf)
    assert b"STSong" not in pdf and b"Helvetica" not in pdf and b"Times" not in pdf


def test_poppler_sees_one_embedded_unicode_truetype_font(tmp_path):
    rows = pdffonts_rows(canvas_pdf(), tmp_path)

    # type, embedded, subset, ToUnicode map (what makes the text copyable)
    assert [(row[1], row[3], row[4], row[5]) for row in rows] == [("TrueType", "yes", "yes", "yes")]


def test_the_text_reads_back_with_the_middle_dot_and_the_chinese(tmp_path):
    assert pdf_text(canvas_pdf(), tmp_path).strip() == LINE


def test_the_qr_code_scans_back_to_its_payload(tmp_path):
    assert qr_payloads(canvas_pdf(), tmp_path) == ["SLB:4711"]


def test_a_flowing_document_with_a_table_embeds_its_fonts(tmp_path):
    styles = paragraph_styles()
    story = [
        Paragraph("芦淞区 · 月报", styles["Title"]),
        Table([["工厂", "产量"], ["芦淞针织", "1,200"]], style=table_style()),
    ]

    pdf = document_pdf(story, pagesize=A4, title="月报")

    assert_every_font_embedded(pdf)
    assert pdf_text(pdf, tmp_path).split() == [
        "芦淞区",
        "·",
        "月报",
        "工厂",
        "产量",
        "芦淞针织",
        "1,200",
    ]


def test_a_missing_font_is_a_clear_error_naming_the_package(missing_font):
    with pytest.raises(FontMissing) as error:
        PdfCanvas(pagesize=A4)

    assert "no-such-font.ttc is missing" in str(error.value)
    assert FONT_PACKAGE in str(error.value)


def test_a_file_without_truetype_outlines_is_refused(tmp_path):
    cjk_font.cache_clear()
    not_a_font = tmp_path / "fake.ttf"
    not_a_font.write_bytes(b"OTTO" + bytes(60))
    try:
        with override_settings(PDF_CJK_FONT=str(not_a_font)), pytest.raises(FontMissing) as error:
            cjk_font()
    finally:
        cjk_font.cache_clear()

    assert "cannot be embedded" in str(error.value)


def test_the_deployment_check_reports_a_missing_font(missing_font):
    errors = pdf_font_check(None)

    assert [e.id for e in errors] == ["core.E001"]
    assert FONT_PACKAGE in errors[0].msg


def test_the_deployment_check_passes_with_the_font():
    assert pdf_font_check(None) == []
