from django.urls import path

from drachma.rights import views

app_name = "rights"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("<str:rights_reference>/", views.request_detail, name="detail"),
    path("<str:rights_reference>/search/", views.request_search, name="search"),
    path("<str:rights_reference>/finish/", views.request_finish, name="finish"),
    path("<str:rights_reference>/extend/", views.request_extend, name="extend"),
    path("<str:rights_reference>/answer/", views.request_answer, name="answer"),
    path("<str:rights_reference>/refuse/", views.request_refuse, name="refuse"),
    path("<str:rights_reference>/response.json", views.pack_json, name="pack_json"),
    path("<str:rights_reference>/response.pdf", views.pack_pdf, name="pack_pdf"),
    path(
        "<str:rights_reference>/records/<int:item_id>/decide/",
        views.item_decide,
        name="item_decide",
    ),
    path(
        "<str:rights_reference>/records/<int:item_id>/apply/",
        views.item_apply,
        name="item_apply",
    ),
]
