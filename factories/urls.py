from django.urls import path

from factories import views

app_name = "factories"

urlpatterns = [
    path("partners/", views.partnerships, name="partnerships"),
    path("partners/invite/", views.partnership_invite, name="partnership-invite"),
    path("partners/<int:pk>/answer/", views.partnership_answer, name="partnership-answer"),
]
