"""Bundle tickets: a printable PDF with Chinese text, a QR code per bundle (encoding its id) and
a tear-off coupon for every scanned operation; each names its lay ("Lay L3 (#id)"). What a
ticket prints is what the scan page accepts (production.services.bundle_resolve): the QR
`SLB:<id>`, the big bundle number (within its work order, printed beside it) and the code
`<work order>-<number>` to type when the QR is torn. No ticket prints the bundle's database id,
which a person would take for its number. The cut
ticket of a lay carries the lay's QR (`SLL:<id>`), which cutters and spreaders send back as
`lay` in their events."""

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from core.pdf import PdfCanvas
from core.qr import draw_qr
from production.services import bundle_code, bundle_number_text

COUPON_COLUMNS = 5
COUPON_HEIGHT = 13 * mm
HEADER_HEIGHT = 34 * mm
MARGIN = 10 * mm


def bundle_tickets_pdf(work_order) -> bytes:
    """One ticket per bundle of the work order, in bundle number order."""
    operations = [op for op in work_order.operations.all() if op.is_scanned]
    bundles = work_order.bundles.select_related("lay", "work_order").order_by("number")
    style = work_order.version.style
    title = _("Bundle tickets")
    pdf = PdfCanvas(pagesize=A4, title=f"{work_order.number} {title}")
    width, height = A4
    rows = max(1, -(-len(operations) // COUPON_COLUMNS))
    ticket_height = HEADER_HEIGHT + rows * COUPON_HEIGHT + 4 * mm
    y = height - MARGIN
    for bundle in bundles:
        if y - ticket_height < MARGIN:
            pdf.showPage()
            y = height - MARGIN
        top = y
        inner = width - 2 * MARGIN
        pdf.setDash()
        pdf.rect(MARGIN, top - ticket_height + 2 * mm, inner, ticket_height - 2 * mm)
        draw_qr(pdf, bundle.qr_payload, x=MARGIN + 2 * mm, y=top - 32 * mm, size=30 * mm)
        x = MARGIN + 36 * mm
        pdf.font(14)
        pdf.drawString(
            x,
            top - 8 * mm,
            _("Bundle %(number)s") % {"number": bundle_number_text(bundle.number)}
            + f"   {work_order.number}",
        )
        pdf.font(11)
        pdf.drawString(x, top - 15 * mm, f"{_('Style')} {style.number}  {style.name}")
        pdf.drawString(
            x,
            top - 22 * mm,
            _("Colour %(colour)s   Size %(size)s   %(pieces)s pieces")
            % {"colour": bundle.colour, "size": bundle.size, "pieces": bundle.quantity},
        )
        pdf.drawString(
            x,
            top - 29 * mm,
            _("Lay L%(lay)s (#%(lay_id)s)   Code %(code)s")
            % {"lay": bundle.lay.number, "lay_id": bundle.lay_id, "code": bundle_code(bundle)},
        )
        coupon_width = inner / COUPON_COLUMNS
        pdf.setDash(2, 2)
        for index, op in enumerate(operations):
            column, row = index % COUPON_COLUMNS, index // COUPON_COLUMNS
            left = MARGIN + column * coupon_width
            bottom = top - HEADER_HEIGHT - (row + 1) * COUPON_HEIGHT
            pdf.rect(left, bottom, coupon_width, COUPON_HEIGHT)
            pdf.font(8)
            pdf.drawString(left + 1.5 * mm, bottom + 8.5 * mm, f"{op.sequence}. {op.name}"[:18])
            pdf.drawString(
                left + 1.5 * mm,
                bottom + 4.5 * mm,
                # "No." rather than "B": a coupon's "B0001" was read as a badge number.
                _("No. %(number)s · %(pieces)s pcs · %(code)s")
                % {
                    "number": bundle_number_text(bundle.number),
                    "pieces": bundle.quantity,
                    "code": op.code,
                },
            )
            pdf.drawString(left + 1.5 * mm, bottom + 1 * mm, f"{bundle.colour}/{bundle.size}")
        pdf.setDash()
        y = top - ticket_height
    if not bundles:
        pdf.font(12)
        pdf.drawString(
            MARGIN,
            height - 2 * MARGIN,
            _("%(number)s has no bundles.") % {"number": work_order.number},
        )
    pdf.showPage()
    return pdf.finish()


def lay_ticket_pdf(lay) -> bytes:
    """The cut ticket of one lay: its QR (`SLL:<id>`), work order, colour, plies, marker and
    garments per size, for the spreading table and the cutter."""
    work_order = lay.cut_plan.work_order
    pdf = PdfCanvas(pagesize=A4, title=f"{work_order.number} L{lay.number}")
    width, height = A4
    top = height - MARGIN
    draw_qr(pdf, lay.qr_payload, x=MARGIN, y=top - 50 * mm, size=48 * mm)
    x = MARGIN + 56 * mm
    pdf.font(18)
    pdf.drawString(x, top - 10 * mm, _("Cut ticket") + f"   L{lay.number} (#{lay.pk})")
    pdf.font(12)
    rows = [
        f"{work_order.number}   {work_order.version.style.number} {work_order.version.style.name}",
        _("Colour %(colour)s   %(plies)s plies") % {"colour": lay.colour, "plies": lay.plies},
        _("Marker %(marker)s   %(length)s m")
        % {"marker": lay.marker, "length": lay.marker.length_m},
        "  ".join(f"{size} × {n}" for size, n in lay.planned_sizes().items()),
        lay.qr_payload,
    ]
    for index, row in enumerate(rows):
        pdf.drawString(x, top - (20 + 8 * index) * mm, row)
    pdf.showPage()
    return pdf.finish()
