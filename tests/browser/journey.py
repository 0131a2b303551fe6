"""A journey's bookkeeping: the pages it needed, the server errors it met, and the words a
Chinese page still shows in English (advisory: written to artifacts/journeys/untranslated.txt)."""

import re

from tests.browser.harness import ARTIFACTS

JOURNEYS = ARTIFACTS / "journeys"
PHONE, LAPTOP = (390, 844), (1366, 768)
VIEWPORTS = {"390": PHONE, "1366": LAPTOP}

# A run of ASCII letters of two or more: an English word left on a Chinese page. Codes the
# journey typed itself (usernames, style numbers) are passed in as `known`.
WORD = re.compile(r"(?<![A-Za-z0-9_./@:-])[A-Za-z][A-Za-z'’]+(?![A-Za-z0-9_./@:-])")
# Words that are not translations: formats, brand and standard names, and the language
# switch's "English" (a language is named in its own language).
NOT_WORDS = {
    "PDF",
    "Excel",
    "QR",
    "CSV",
    "API",
    "Seamline",
    "SAM",
    "MRP",
    "WIP",
    "QC",
    "PO",
    "English",
}


def english_words(text: str, known: set[str]) -> list[str]:
    words = []
    for word in WORD.findall(text):
        if word in NOT_WORDS or word in known or word.upper() == word and len(word) <= 4:
            continue
        words.append(word)
    return words


class Journey:
    """The visits of one journey: every main-frame page load across them is one page."""

    def __init__(self, name: str):
        self.name = name
        self.visits = []
        self.untranslated = {}  # page path -> English words seen on it

    def add(self, visit):
        self.visits.append(visit)
        return visit

    @property
    def pages(self) -> int:
        return sum(len(v.navigations) for v in self.visits)

    def server_errors(self) -> list:
        return [error for v in self.visits for error in v.server_errors]

    def console_errors(self) -> list:
        return [error for v in self.visits for error in v.errors]

    def check_chinese(self, visit, known: set[str]) -> None:
        """Collects the visible English words of the page (advisory, not an assertion)."""
        text = visit.page.inner_text("body")
        words = english_words(text, known)
        if words:
            path = visit.page.url.removeprefix(visit.server)
            self.untranslated.setdefault(path, set()).update(words)

    def write_untranslated(self, suffix: str) -> None:
        """Writes (or replaces) this run's section of artifacts/journeys/untranslated.txt, so
        that the phone's and the laptop's runs both stay in the file."""
        JOURNEYS.mkdir(parents=True, exist_ok=True)
        path = JOURNEYS / "untranslated.txt"
        header = f"# {self.name} at {suffix} px: English words on Chinese pages (advisory)"
        sections = {}
        if path.exists():
            for section in path.read_text(encoding="utf-8").split("\n\n"):
                if section.strip():
                    sections[section.splitlines()[0]] = section.strip()
        lines = [header]
        for page, words in sorted(self.untranslated.items()):
            lines.append(f"{page}\t{' '.join(sorted(words))}")
        sections[header] = "\n".join(lines)
        path.write_text("\n\n".join(sections[key] for key in sorted(sections)) + "\n", "utf-8")
