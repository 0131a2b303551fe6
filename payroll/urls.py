from django.urls import path

from payroll import costing_views, views

app_name = "payroll"

urlpatterns = [
    path("", views.periods, name="periods"),
    path("periods/<int:pk>/", views.period_detail, name="period"),
    path("periods/<int:pk>/calculate/", views.period_calculate, name="period-calculate"),
    path("periods/<int:pk>/approve/", views.period_approve, name="period-approve"),
    path("periods/<int:pk>/pay/", views.period_pay, name="period-pay"),
    path("periods/<int:pk>/adjustments/", views.adjustment_add, name="adjustment-add"),
    path("periods/<int:pk>/wage-sheet.xlsx", views.period_wage_sheet, name="period-sheet"),
    path("periods/<int:pk>/bank-transfer.csv", views.period_bank_file, name="period-bank"),
    path("periods/<int:pk>/payslips.pdf", views.period_payslips_pdf, name="period-payslips"),
    path("payslips/<int:pk>/pdf/", views.payslip_pdf, name="payslip-pdf"),
    path("disputes/", views.disputes, name="disputes"),
    path("disputes/<int:pk>/answer/", views.dispute_answer, name="dispute-answer"),
    path("attendance/", views.attendance, name="attendance"),
    path("rates/", views.rates, name="rates"),
    path("me/", views.me, name="me"),
    path("me/data.json", views.me_data, {"fmt": "json"}, name="me-data-json"),
    path("me/data.xlsx", views.me_data, {"fmt": "xlsx"}, name="me-data-xlsx"),
    path("costing/", costing_views.costing_list, name="costing"),
    path("costing/settings/", costing_views.cost_settings, name="cost-settings"),
    path("costing/costing.xlsx", costing_views.costing_export, name="costing-export"),
    path("costing/work-orders/<int:pk>/", costing_views.work_order_cost, name="work-order-cost"),
    path("costing/tech-packs/<int:pk>/", costing_views.pre_cost, name="pre-cost"),
]
