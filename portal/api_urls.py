"""The REST API's version 1 (``/api/v1/``): each app's endpoints on one router."""

from django.urls import path, re_path
from rest_framework import exceptions
from rest_framework.decorators import api_view, permission_classes, schema
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from accounts.api import MeView
from agencies.api import AgencyViewSet
from disclosure.api import PublicReplyViewSet
from disclosure.workflow_api import LetterPublishView
from notifications.api import NotificationViewSet
from proposals.api import AssignmentViewSet, ProposalViewSet, ProposerViewSet, SessionViewSet
from proposals.precedents_api import PrecedentViewSet
from responses.api import (
    AssignmentRateView,
    AssignmentRehandleView,
    ContactViewSet,
    LetterViewSet,
    OpinionViewSet,
    ResultCategoryViewSet,
)
from stats.api import PublicStatsView, StatsView


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@schema(None)
def not_found(request, *args, **kwargs):
    """An address under /api/v1/ that names nothing: a 404 in the one shape, not a page."""
    raise exceptions.NotFound()


router = DefaultRouter()
router.include_format_suffixes = False
router.register("public/replies", PublicReplyViewSet, basename="public-reply")
router.register("sessions", SessionViewSet, basename="session")
router.register("agencies", AgencyViewSet, basename="agency")
router.register("proposers", ProposerViewSet, basename="proposer")
# Before the items' own routes: ``proposals/similar/`` is not an item's id.
router.register("proposals", PrecedentViewSet, basename="proposal-precedent")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("opinions", OpinionViewSet, basename="opinion")
router.register("contacts", ContactViewSet, basename="contact")
router.register("letters", LetterViewSet, basename="letter")
router.register("result-categories", ResultCategoryViewSet, basename="result-category")

urlpatterns = [
    path("me/", MeView.as_view(), name="api_me"),
    path("assignments/<int:pk>/rate/", AssignmentRateView.as_view(), name="assignment-rate"),
    path(
        "assignments/<int:pk>/rehandle/",
        AssignmentRehandleView.as_view(),
        name="assignment-rehandle",
    ),
    path("letters/<int:pk>/publish/", LetterPublishView.as_view(), name="letter-publish"),
    path("stats/", StatsView.as_view(), name="stats"),
    path("public/stats/", PublicStatsView.as_view(), name="public-stats"),
    *router.urls,
    # Last: what no endpoint answers, whatever its characters (a newline included).
    re_path(r"^[\s\S]*$", not_found),
]
