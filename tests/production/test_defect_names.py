"""A defect's name is shown in the reader's language: the standard codes are named in both
(跳针 Skipped stitch), a page shows the half the reader reads (issue 14)."""

import pytest
from django.utils import translation

from production.models.quality import in_reader_language
from production.services import defect_codes_ensure
from tests.factories import FactoryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "shown"),
    [("zh-hans", "D01 跳针"), ("en", "D01 Skipped stitch")],
)
def test_a_standard_defect_is_named_in_the_reader_language(language, shown):
    codes = {c.code: c for c in defect_codes_ensure(factory=FactoryFactory())}

    with translation.override(language):
        assert str(codes["D01"]) == shown


@pytest.mark.parametrize("name", ["开线", "Loose button", "D 跳针"])
def test_a_name_in_one_language_is_shown_as_typed(name):
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert in_reader_language(name) == name


def test_the_stored_name_is_unchanged():
    codes = {c.code: c for c in defect_codes_ensure(factory=FactoryFactory())}

    assert codes["D10"].name == "断针 Broken needle fragment"
    with translation.override("zh-hans"):
        assert codes["D10"].display_name == "断针"
