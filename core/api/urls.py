from django.urls import path

from core.api import views
from core.api.me import MeView
from core.api.routers import api_router

api_router.register("organizations", views.OrganizationViewSet, basename="organization")
api_router.register("memberships", views.MembershipViewSet, basename="membership")
api_router.register("invitations", views.InvitationViewSet, basename="invitation")
api_router.register(
    "received-invitations", views.ReceivedInvitationViewSet, basename="receivedinvitation"
)
api_router.register("tokens", views.ApiTokenViewSet, basename="apitoken")
api_router.register("audit", views.AuditEntryViewSet, basename="auditentry")

urlpatterns = [path("me/", MeView.as_view(), name="api-me")]
