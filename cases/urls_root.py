"""What cases serves from the site's root, outside its namespace: the offline follow-up's service
worker, whose scope is the whole site (`/sw.js`)."""

from django.urls import path

from cases.views.offline import service_worker

urlpatterns = [path("sw.js", service_worker, name="service_worker")]
