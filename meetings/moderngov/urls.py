from django.urls import path

from .service import web_service

urlpatterns = [
    path("mgWebService.asmx/<str:operation>", web_service, name="moderngov-service"),
    # Some tools spell it in lower case; ASP.NET answers either.
    path("mgwebservice.asmx/<str:operation>", web_service, name="moderngov-service-lower"),
]
