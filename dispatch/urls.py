from django.urls import path

from dispatch import views

app_name = "dispatch"

urlpatterns = [
    path("letters/<int:letter_pk>/posted/", views.letter_post, name="letter_post"),
]
