from django.urls import path

from . import export, public

app_name = "public"

urlpatterns = [
    path("", public.reply_list, name="list"),
    path("export.csv", export.export_csv, name="export_csv"),
    path("export.json", export.export_json, name="export_json"),
    path("<int:pk>/", public.reply_detail, name="detail"),
    path("<int:pk>/print/", public.reply_print, name="print"),
    path("<int:pk>/qr.svg", public.reply_qr, name="qr"),
    path("<int:pk>/docx/", public.reply_docx, name="docx"),
]
