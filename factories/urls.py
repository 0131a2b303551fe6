from django.urls import path

from factories import closure_views, data_views, setup_views, views

app_name = "factories"

urlpatterns = [
    path("partners/", views.partnerships, name="partnerships"),
    path("partners/invite/", views.partnership_invite, name="partnership-invite"),
    path("partners/<int:pk>/answer/", views.partnership_answer, name="partnership-answer"),
    # Factory set-up (factories/setup_views.py)
    path("setup/", setup_views.setup, name="setup"),
    *setup_views.list_urls(),
    path("setup/workers/badges.pdf", setup_views.worker_badges, name="workers-badges"),
    path("setup/workers/<int:pk>/badge.pdf", setup_views.worker_badge, name="workers-badge"),
    path("setup/workers/<int:pk>/link/", setup_views.worker_link, name="workers-link"),
    path("setup/workers/<int:pk>/invite/", setup_views.worker_invite, name="workers-invite"),
    path("setup/calendar/", setup_views.calendar, name="calendar"),
    path("setup/calendar/confirm/", setup_views.calendar_confirm, name="calendar-confirm"),
    path("setup/calendar/import/", setup_views.calendar_import, name="calendar-import"),
    path("setup/calendar/export.xlsx", setup_views.calendar_export, name="calendar-export"),
    path("setup/closure/", closure_views.closure_page, name="closure"),
    path("setup/closure/cancel/", closure_views.closure_cancel, name="closure-cancel"),
    path("setup/calendar/template.xlsx", setup_views.calendar_template, name="calendar-template"),
    # The factory's data: export all of it (factories/data_views.py)
    path("data/", data_views.data_page, name="data"),
    path("data/exports/", data_views.data_export_new, name="data-export-new"),
    path("data/exports/<int:pk>/", data_views.data_export_progress, name="data-export"),
    # The expiring link: its secret alone names the export (and only its factory's owner).
    path(
        "data/download/<str:token>/",
        data_views.data_export_download,
        name="data-export-download",
    ),
]
