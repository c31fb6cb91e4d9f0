from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.file_proposal, name="file"),
    path("review/", views.review_queue, name="review_queue"),
    path("board/", views.board, name="board"),
    path("requests/", views.requests, name="requests"),
    path("assign/", views.bulk_assign, name="bulk_assign"),
    path("import/", views.import_start, name="import_start"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("mine/", views.mine, name="mine"),
    path("similar/", views.similar, name="similar"),
    path("<int:pk>/repeat/", views.mark_repeat, name="mark_repeat"),
    path("<int:pk>/repeat/unmark/", views.unmark_repeat, name="unmark_repeat"),
    path("drafts/new/", views.draft_new, name="draft_new"),
    path("<int:pk>/edit/", views.draft_edit, name="draft_edit"),
    path("<int:pk>/cosigners/", views.cosigners, name="cosigners"),
    path(
        "<int:pk>/cosigners/<int:proposer_pk>/remove/",
        views.remove_cosigner,
        name="remove_cosigner",
    ),
    path("<int:pk>/cosign/confirm/", views.confirm_cosign, name="confirm_cosign"),
    path("<int:pk>/cosign/decline/", views.decline_cosign, name="decline_cosign"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/key/", views.mark_key, name="mark_key"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/close/", views.close, name="close"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("assignments/<int:pk>/sign/", views.sign_for, name="sign_for"),
    path("assignments/<int:pk>/adjust/", views.request_adjustment, name="request_adjustment"),
    path("assignments/<int:pk>/decide/", views.decide_adjustment, name="decide_adjustment"),
    path("extensions/<int:pk>/decide/", views.decide_extension, name="decide_extension"),
]
