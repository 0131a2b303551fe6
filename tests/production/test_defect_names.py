"""A defect's name is shown in the reader's language: the standard codes carry a Chinese name
and an English one, a page shows the one the reader reads (issue 14)."""

import pytest
from django.utils import translation

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


def test_a_name_given_in_one_language_is_shown_as_typed_in_both():
    code = defect_codes_ensure(factory=FactoryFactory())[0]
    code.name, code.name_en = "开线", ""

    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert code.display_name == "开线"


def test_the_standard_names_are_stored_apart():
    codes = {c.code: c for c in defect_codes_ensure(factory=FactoryFactory())}

    assert (codes["D10"].name, codes["D10"].name_en) == ("断针", "Broken needle fragment")
