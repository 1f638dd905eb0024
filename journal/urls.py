from django.urls import path

from journal import views

app_name = "journal"

urlpatterns = [
    path("", views.journal, name="journal"),
    path("public/", views.public_journal, name="public"),
    path("export/", views.export, name="export"),
]
