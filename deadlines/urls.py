from django.urls import path

from . import views

app_name = "deadlines"

urlpatterns = [
    path("<int:pk>/extend/", views.request_extension, name="request_extension"),
]
