from django.urls import path

from devices import views

app_name = "devices"

urlpatterns = [
    path("", views.device_list, name="list"),
    path("register/", views.device_register, name="register"),
    path("import/", views.device_import, name="import"),
    path("export.xlsx", views.devices_export, name="export"),
    path("template.xlsx", views.devices_template, name="template"),
    path("<int:pk>/", views.device_detail, name="detail"),
    path("<int:pk>/credentials/", views.device_credentials, name="credentials"),
    path("register-maps/", views.register_map_list, name="register-maps"),
    path("register-maps/new/", views.register_map_new, name="register-map-new"),
    path("register-maps/export.xlsx", views.register_maps_export, name="register-maps-export"),
    path(
        "register-maps/template.xlsx", views.register_maps_template, name="register-maps-template"
    ),
    path("register-maps/import/", views.register_maps_import, name="register-maps-import"),
    path("register-maps/<int:pk>/", views.register_map_edit, name="register-map"),
    path("alarms/", views.alarm_list, name="alarms"),
    path("alarms/<int:pk>/", views.alarm_action, name="alarm-action"),
    path("dead-letters/", views.dead_letter_list, name="dead-letters"),
]
