from django.urls import path

from studio.staff import views as staff

app_name = "staff"

urlpatterns = [
    path("staff/", staff.dashboard_page, name="staff_dashboard"),
    *(
        path(f"staff/{where}", staff.act, {"act": act}, name=f"staff_{act}")
        for act, (where, _, _) in staff.ACTS.items()
    ),
]
