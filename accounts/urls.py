from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("my-data/", views.my_data, name="my_data"),
    path("delete/", views.account_delete, name="delete"),
    path("roles/", views.roles, name="roles"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
