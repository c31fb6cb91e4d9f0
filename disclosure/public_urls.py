from django.urls import path

from . import public

app_name = "public"

urlpatterns = [
    path("", public.reply_list, name="list"),
    path("<int:pk>/", public.reply_detail, name="detail"),
    path("<int:pk>/print/", public.reply_print, name="print"),
]
