from django.urls import path

from production import cutting_views, views

app_name = "production"

urlpatterns = [
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/<int:pk>/move/", views.schedule_move, name="schedule-move"),
    path("scan/", views.scan, name="scan"),
    path("scan/operations/", views.scan_operations, name="scan-operations"),
    path("records/", views.records, name="records"),
    path("records/new/", views.record_manual, name="record-manual"),
    path("records/<int:pk>/void/", views.record_void, name="record-void"),
    path("wip/", views.wip, name="wip"),
    path("work-orders/", views.work_orders, name="work-orders"),
    path("work-orders/<int:pk>/", views.work_order, name="work-order"),
    path("work-orders/<int:pk>/balance/", views.balance, name="balance"),
    path("work-orders/<int:pk>/audit/", views.final_audit, name="final-audit"),
    path("work-orders/<int:pk>/packing/", views.packing, name="packing"),
    path("work-orders/<int:pk>/labels.pdf", views.carton_labels, name="carton-labels"),
    path("cartons/<int:pk>/label.pdf", views.carton_label, name="carton-label"),
    path("shipments/<int:pk>/packing-list.pdf", views.packing_list, name="packing-list"),
    path("cutting/", cutting_views.cutting_room, name="cutting"),
    path("lays/<int:pk>/", cutting_views.lay_detail, name="lay"),
    path("lays/<int:pk>/ticket.pdf", cutting_views.lay_ticket, name="lay-ticket"),
    path("cartons/<int:pk>/trace/", cutting_views.carton_trace, name="carton-trace"),
    path("quality/", views.quality, name="quality"),
    path("quality/inspect/", views.inspect, name="inspect"),
]
