"""Packing list and carton label PDFs (Chinese, with QR codes), drawn with core's PDF kit
(embedded CJK font) and QR kit."""

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from core.pdf import PdfCanvas
from core.qr import draw_qr
from factories.clock import factory_today

LABEL_SIZE = (100 * mm, 75 * mm)


def _order_ref(work_order) -> str:
    order = getattr(work_order, "order", None)
    return order.number if order else "—"


def carton_labels_pdf(cartons) -> bytes:
    """One 100 × 75 mm label per carton: work order, order, carton n of N, contents, QR."""
    pdf = PdfCanvas(pagesize=LABEL_SIZE)
    width, height = LABEL_SIZE
    cartons = list(cartons)
    totals = {}
    for carton in cartons:
        totals.setdefault(carton.work_order_id, carton.work_order.cartons.count())
    for carton in cartons:
        wo = carton.work_order
        pdf.font(14)
        pdf.drawString(6 * mm, height - 10 * mm, f"箱号 {carton.number} / {totals[wo.pk]}")
        pdf.font(9)
        rows = [
            f"生产单 {wo.number}",
            f"订单 {_order_ref(wo)}",
            f"款号 {wo.version.style.number} {wo.version.style.name}",
            "类型 " + ("单码装" if carton.kind == "solid" else "混码装"),
        ]
        if carton.gross_weight_kg:
            rows.append(f"毛重 {carton.gross_weight_kg} kg")
        y = height - 17 * mm
        for row in rows:
            pdf.drawString(6 * mm, y, row)
            y -= 5 * mm
        pdf.font(10)
        total = 0
        for line in carton.lines.all():
            pdf.drawString(6 * mm, y, f"{line.colour} / {line.size}  × {line.quantity}")
            total += line.quantity
            y -= 5 * mm
        pdf.drawString(6 * mm, max(y, 6 * mm), f"合计 {total} 件")
        draw_qr(pdf, carton.qr_payload, x=width - 36 * mm, y=height - 40 * mm, size=32 * mm)
        pdf.showPage()
    return pdf.finish()


def packing_list_pdf(work_order, cartons, *, shipment=None) -> bytes:
    """An A4 packing list: header, one row per carton line, totals per size × colour, QR."""
    pdf = PdfCanvas(pagesize=A4)
    width, height = A4
    title = "装箱单"
    pdf.font(18)
    pdf.drawString(20 * mm, height - 20 * mm, title)
    pdf.font(10)
    header = [
        f"工厂 {work_order.factory}",
        f"生产单 {work_order.number}    订单 {_order_ref(work_order)}",
        f"款号 {work_order.version.style.number} {work_order.version.style.name}",
        f"日期 {factory_today(work_order.factory):%Y-%m-%d}",
    ]
    if shipment is not None:
        header.append(
            f"发货单 {shipment.number}    承运商 {shipment.carrier}    运单号 "
            f"{shipment.tracking_number or '—'}"
        )
    y = height - 30 * mm
    for row in header:
        pdf.drawString(20 * mm, y, row)
        y -= 6 * mm
    draw_qr(
        pdf,
        f"SLS:{shipment.pk}" if shipment is not None else f"SLW:{work_order.pk}",
        x=width - 50 * mm,
        y=height - 52 * mm,
        size=30 * mm,
    )
    y -= 4 * mm
    columns = [20 * mm, 45 * mm, 80 * mm, 125 * mm, 160 * mm]
    pdf.font(10)
    for x, text in zip(columns, ["箱号", "类型", "颜色", "尺码", "件数"], strict=True):
        pdf.drawString(x, y, text)
    y -= 2 * mm
    pdf.line(20 * mm, y, width - 20 * mm, y)
    y -= 5 * mm
    totals: dict[tuple[str, str], int] = {}
    for carton in cartons:
        for line in carton.lines.all():
            if y < 25 * mm:
                pdf.showPage()
                pdf.font(10)
                y = height - 20 * mm
            kind = "单码" if carton.kind == "solid" else "混码"
            for x, text in zip(
                columns,
                [str(carton.number), kind, line.colour, line.size, str(line.quantity)],
                strict=True,
            ):
                pdf.drawString(x, y, text)
            totals[(line.colour, line.size)] = totals.get((line.colour, line.size), 0) + (
                line.quantity
            )
            y -= 5 * mm
    y -= 3 * mm
    pdf.line(20 * mm, y + 3 * mm, width - 20 * mm, y + 3 * mm)
    pdf.drawString(20 * mm, y - 2 * mm, "合计（颜色 / 尺码）")
    y -= 8 * mm
    for (colour, size), pieces in sorted(totals.items()):
        if y < 20 * mm:
            pdf.showPage()
            pdf.font(10)
            y = height - 20 * mm
        pdf.drawString(80 * mm, y, colour)
        pdf.drawString(125 * mm, y, size)
        pdf.drawString(160 * mm, y, str(pieces))
        y -= 5 * mm
    pdf.drawString(20 * mm, y - 3 * mm, f"共 {len(list(cartons))} 箱，{sum(totals.values())} 件")
    pdf.showPage()
    return pdf.finish()
