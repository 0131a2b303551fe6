"""Reading back the PDFs the app makes: which fonts they carry, their text, their QR codes.

The text and QR readers use poppler-utils and zbar-tools (installed by .ci/run); where a tool is
missing the test fails and names it, never skips.
"""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SUBSET = re.compile(rb"[A-Z]{6}\+[^\s/]+")


def font_names(pdf: bytes) -> list[bytes]:
    return re.findall(rb"/BaseFont /([^\s/>]+)", pdf)


def assert_every_font_embedded(pdf: bytes) -> None:
    """Every font is an embedded TrueType subset (`ABCDEF+Name` with a FontFile2 stream)."""
    names = set(font_names(pdf))
    assert names, "the PDF names no font"
    assert {n for n in names if not SUBSET.fullmatch(n)} == set()
    assert pdf.count(b"/FontFile2") == len(names)


def _scratch(tmp_path: Path, pdf: bytes) -> Path:
    """The PDF written to a folder of its own, so one test can read several PDFs."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / "document.pdf").write_bytes(pdf)
    return folder / "document.pdf"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (.ci/run installs it)")
    return path


def pdffonts_rows(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    """pdffonts' table: name, type, encoding, emb, sub, uni, object, generation."""
    path = _scratch(tmp_path, pdf)
    out = subprocess.run([_tool("pdffonts"), path], capture_output=True, text=True, check=True)
    return [line.split() for line in out.stdout.splitlines()[2:]]


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = _scratch(tmp_path, pdf)
    out = subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", path, "-"], capture_output=True, check=True
    )
    return out.stdout.decode()


def qr_payloads(pdf: bytes, tmp_path: Path) -> list[str]:
    """The QR codes of every page, as a scanner reads them from a 200 dpi print."""
    path = _scratch(tmp_path, pdf)
    subprocess.run([_tool("pdftoppm"), "-r", "200", "-png", path, path.parent / "page"], check=True)
    zbarimg = _tool("zbarimg")
    payloads = []
    for page in sorted(path.parent.glob("page*.png")):
        out = subprocess.run(
            [zbarimg, "-q", "--raw", "-Sdisable", "-Sqrcode.enable", page],
            capture_output=True,
            text=True,
        )
        payloads += out.stdout.split()
    return payloads
