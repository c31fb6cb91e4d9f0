from django.urls import path

from . import public, views

app_name = "stats"

urlpatterns = [
    path("", public.annual_summary, name="public"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", views.export_file, {"fmt": "xlsx"}, name="export_xlsx"),
    path("dashboard/export.csv", views.export_file, {"fmt": "csv"}, name="export_csv"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/progress/", views.export_progress, name="export_progress"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
