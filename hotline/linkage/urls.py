from django.urls import path

from hotline.linkage.views import messages_110

urlpatterns = [path("110/messages", messages_110, name="linkage-110-messages")]
