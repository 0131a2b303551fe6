from django.contrib.auth import views as auth_views
from django.urls import path

from core import media, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("switch/", views.switch_organization, name="switch"),
    path("language/", views.set_language, name="language"),
    path("profile/", views.profile, name="profile"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("audit/", views.audit, name="audit"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.membership_change, name="membership-change"),
    path("people/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("people/leave/", views.membership_leave, name="leave"),
    path("invitations/", views.invitations, name="invitations"),
    path("join/<str:token>/", views.join, name="join"),
    path("healthz/", views.healthz, name="healthz"),
    path("media/<path:path>", media.media, name="media"),
]
