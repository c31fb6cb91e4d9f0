from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("letters/<int:letter_pk>/preview/", views.preview, name="preview"),
    path("letters/<int:letter_pk>/publish/", views.publish, name="publish"),
    path("letters/<int:letter_pk>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "publications/<int:pk>/withdraw/",
        views.withdraw_publication,
        name="withdraw_publication",
    ),
]
