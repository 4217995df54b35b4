from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:user_id>/", views.approval_decide, name="approval_decide"),
    path("request-access/<int:record_id>/", views.request_access, name="request_access"),
    path("my-access/", views.my_access, name="my_access"),
    path("access-requests/", views.access_requests, name="access_requests"),
    path("access-requests/<int:pk>/", views.access_request_answer, name="access_request_answer"),
]
