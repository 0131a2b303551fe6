"""System checks of what core's kits need from the machine."""

from django.core.checks import Error, Tags, register

from core.pdf import FontMissing, cjk_font


@register(Tags.compatibility, deploy=True)
def pdf_font_check(app_configs, **kwargs) -> list[Error]:
    """A deployment without the embedded PDF font could not print a ticket or a payslip."""
    try:
        cjk_font()
    except FontMissing as error:
        return [Error(str(error), id="core.E001")]
    return []
