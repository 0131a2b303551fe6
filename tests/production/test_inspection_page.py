"""The QC inspection page works the first time for the QC inspector: the operation picker
answers them, a typed operation code is accepted, a refusal keeps every count typed and says
it at its field, and the words are a QC's (判退, not an order's 拒单), defect names in the
reader's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.roles import Role
from production.models import DefectCode, Inspection, InspectionDefect, OperationRecord
from production.services import defect_codes_ensure, operation_record_create
from tests.production.test_pages import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def sewn(floor):
    """The first bundle's three operations recorded, by the three workers."""
    for n, operation in enumerate(floor.operations):
        operation_record_create(
            factory=floor.factory,
            bundle=floor.bundles[0],
            operation=operation,
            worker=floor.workers[n],
            source=OperationRecord.Source.SCAN,
        )
    return floor


def inspection_post(floor, **fields):
    return {
        "kind": Inspection.Kind.END_OF_LINE,
        "result": Inspection.Result.REWORK,
        "bundle": f"SLB:{floor.bundles[0].pk}",
        "operation": "",
        "checked_pieces": "20",
        "rejected_pieces": "0",
        **fields,
    }


def test_the_operation_picker_answers_the_qc_inspector_with_the_bundles_routing(client, floor):
    login(client, floor, Role.QC_INSPECTOR)

    response = client.get(
        reverse("production:scan-operations"),
        {"bundle": f"SLB:{floor.bundles[0].pk}", "for": "inspect"},
    )

    assert response.status_code == 200
    assert [op.code for op in response.context["operations"]] == ["OP1", "OP2", "OP3"]
    assert response.context["bundle"] == floor.bundles[0]
    assert response.context["operation_required"] is False


def test_a_qc_inspector_records_an_inspection_with_a_typed_operation_code(client, sewn):
    # Given the inspector on the page, typing the operation's code rather than choosing it
    login(client, sewn, Role.QC_INSPECTOR)
    assert client.get(reverse("production:inspect")).status_code == 200

    # When they record two skipped stitches caused at "op2" (typed in lower case), one to rework
    response = client.post(
        reverse("production:inspect"),
        inspection_post(sewn, operation="op2", count_D01="2", rework_D01="1"),
        follow=True,
    )

    # Then the inspection is recorded against the bundle and the operation typed
    inspection = Inspection.objects.get()
    assert (inspection.bundle, inspection.operation, inspection.result) == (
        sewn.bundles[0],
        sewn.operations[1],
        Inspection.Result.REWORK,
    )
    defect = InspectionDefect.objects.get()
    assert (defect.defect_code.code, defect.count, defect.rework_pieces, defect.worker) == (
        "D01",
        2,
        1,
        sewn.workers[1],  # the operator recorded at OP2
    )
    assert "Inspection recorded: Rework." in response.content.decode()


def test_an_unknown_operation_code_is_said_at_the_operation_and_keeps_the_defect_counts(
    client, sewn
):
    login(client, sewn, Role.QC_INSPECTOR)

    response = client.post(
        reverse("production:inspect"),
        inspection_post(sewn, operation="OP9", count_D01="2", rework_D01="1", count_D07="3"),
    )

    form = response.context["form"]
    assert form.errors["operation"] == [
        f"{sewn.work_order.number} has no operation OP9: choose one of its routing."
    ]
    page = response.content.decode()
    assert 'name="count_D01" value="2"' in page
    assert 'name="rework_D01" value="1"' in page
    assert 'name="count_D07" value="3"' in page
    # The picker under the ticket still lists the bundle's routing, the typed code marked wrong.
    assert [op.code for op in response.context["operations"]] == ["OP1", "OP2", "OP3"]
    assert "is-invalid" in page.split('id="operation"')[0].rsplit("<", 1)[-1]
    assert (Inspection.objects.count(), InspectionDefect.objects.count()) == (0, 0)


def test_a_bad_count_is_a_field_error_with_the_other_counts_kept_and_nothing_written(client, sewn):
    login(client, sewn, Role.QC_INSPECTOR)

    response = client.post(
        reverse("production:inspect"),
        inspection_post(sewn, checked_pieces="abc", count_D01="-1", count_D02="4"),
    )

    form = response.context["form"]
    assert sorted(form.errors) == ["checked_pieces", "count_D01"]
    assert form.errors["count_D01"] == ["Zero or more."]
    page = response.content.decode()
    assert 'name="count_D02" value="4"' in page
    assert 'name="count_D01" value="-1"' in page
    assert Inspection.objects.count() == 0


def test_a_service_refusal_lands_at_the_rework_count_of_its_defect_with_the_input_kept(
    client, sewn
):
    # Rework sent back without naming the operation that caused it is refused by the service
    login(client, sewn, Role.QC_INSPECTOR)

    response = client.post(
        reverse("production:inspect"),
        inspection_post(sewn, count_D04="2", rework_D04="2"),
    )

    form = response.context["form"]
    assert form.errors["rework_D04"] == ["Rework goes back to an operation of a bundle: name both."]
    assert 'name="count_D04" value="2"' in response.content.decode()
    assert Inspection.objects.count() == 0


def test_an_attached_photo_refused_with_the_form_is_asked_for_again(client, sewn):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, sewn, Role.QC_INSPECTOR)
    photo = SimpleUploadedFile("stain.gif", b"GIF89a\x01\x00\x01\x00\x00\xff\x00,", "image/gif")

    response = client.post(
        reverse("production:inspect"),
        inspection_post(sewn, operation="OP9", count_D06="1", photo_D06=photo),
    )

    assert 'id="photos-dropped"' in response.content.decode()
    assert Inspection.objects.count() == 0


def test_a_reject_reads_as_a_qc_verdict_in_chinese_and_defects_in_the_readers_language(
    client, sewn
):
    login(client, sewn, Role.QC_INSPECTOR)
    client.cookies["django_language"] = "zh-hans"

    page = client.get(reverse("production:inspect"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    text = page.content.decode()
    assert "拒单" not in text
    assert "跳针" in text and "Skipped stitch" not in text
    client.cookies["django_language"] = "en"
    english = client.get(reverse("production:inspect"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Skipped stitch" in english.content.decode()
    assert "跳针" not in english.content.decode()


def test_the_standard_defect_codes_carry_a_chinese_and_an_english_name(floor):
    defect_codes_ensure(factory=floor.factory)

    code = DefectCode.objects.get(factory=floor.factory, code="D01")

    assert (code.name, code.name_en) == ("跳针", "Skipped stitch")
    with translation.override("zh-hans"):
        assert code.display_name == "跳针"
    with translation.override("en"):
        assert code.display_name == "Skipped stitch"
