"""Pages under /o/<org_slug>/ (included by portal.urls)."""

from django.urls import path

from .views import manage, owner

app_name = "votes"
urlpatterns = [
    path("votes/", owner.vote_list, name="list"),
    path("votes/<int:pk>/", owner.vote_detail, name="detail"),
    path("votes/<int:pk>/units/<int:unit_id>/ballot/", owner.ballot_submit, name="cast"),
    path("votes/manage/", manage.manage_list, name="manage"),
    path("votes/manage/new/", manage.vote_new, name="new"),
    path("votes/manage/<int:pk>/", manage.manage_detail, name="manage-detail"),
    path("votes/manage/<int:pk>/tally/", manage.tally_fragment, name="tally"),
    path("votes/manage/<int:pk>/edit/", manage.vote_edit, name="edit"),
    path("votes/manage/<int:pk>/announce/", manage.vote_announce_view, name="announce"),
    path("votes/manage/<int:pk>/ballots/new/", manage.ballot_entry, name="ballot-entry"),
    path("votes/manage/<int:pk>/ballots/<int:ballot_pk>/scan/", manage.attachment,
         name="attachment"),
    path("votes/manage/<int:pk>/audit/", manage.audit_list, name="audit"),
    path("votes/manage/<int:pk>/certificate/", manage.certificate, name="certificate"),
]
