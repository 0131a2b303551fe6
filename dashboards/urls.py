from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.factory_dashboard, name="factory"),
    path("data/", views.factory_dashboard_data, name="factory-data"),
    path("tracking/", views.merchant_tracking, name="tracking"),
    path("district/", views.district_report, name="district"),
    path("district/report.xlsx", views.district_report_xlsx, name="district-xlsx"),
    path("district/report.pdf", views.district_report_pdf, name="district-pdf"),
    path("profile/", views.factory_profile, name="profile"),
    path("profile/links/<int:pk>/revoke/", views.profile_link_revoke, name="profile-link-revoke"),
    path("shared/", views.profile_shared, name="profile-shared"),
]
