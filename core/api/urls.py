from django.urls import path

from core.api import views
from core.api.me import MeView
from core.api.routers import api_router

api_router.register("organizations", views.OrganizationViewSet, basename="organization")
api_router.register("memberships", views.MembershipViewSet, basename="membership")
api_router.register("invitations", views.InvitationViewSet, basename="invitation")
api_router.register("tokens", views.ApiTokenViewSet, basename="apitoken")
api_router.register("audit", views.AuditEntryViewSet, basename="auditentry")

received = views.ReceivedInvitationViewSet

# The invitations addressed to the signed-in person are theirs, not an organization's (they are
# not a member yet): outside the tenant router, like me/.
urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("me/invitations/", received.as_view({"get": "list"}), name="api-me-invitations"),
    path(
        "me/invitations/<int:pk>/",
        received.as_view({"get": "retrieve"}),
        name="api-me-invitation",
    ),
    path(
        "me/invitations/<int:pk>/accept/",
        received.as_view({"post": "accept"}),
        name="api-me-invitation-accept",
    ),
    path(
        "me/invitations/<int:pk>/decline/",
        received.as_view({"post": "decline"}),
        name="api-me-invitation-decline",
    ),
]
