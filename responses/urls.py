from django.urls import path

from . import views

app_name = "responses"

urlpatterns = [
    path("assignments/<int:pk>/opinion/", views.opinion, name="opinion"),
    path("assignments/<int:pk>/contact/", views.contact, name="contact"),
    path("assignments/<int:pk>/letter/", views.letter_new, name="new"),
    path("assignments/<int:pk>/rehandle/", views.rehandle, name="rehandle"),
    path("<int:pk>/", views.letter_detail, name="detail"),
    path("<int:pk>/edit/", views.letter_edit, name="edit"),
    path("<int:pk>/docx/", views.letter_docx, name="docx"),
    path("<int:pk>/progress/", views.letter_progress, name="progress"),
    path("<int:pk>/history/", views.letter_history, name="history"),
    path("<int:pk>/submit/", views.letter_submit, name="submit"),
    path("<int:pk>/approve/", views.letter_approve, name="approve"),
    path("<int:pk>/return/", views.letter_return, name="return"),
    path("<int:pk>/send/", views.letter_send, name="send"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("<int:pk>/paper-rating/", views.paper_rating, name="paper_rating"),
]
