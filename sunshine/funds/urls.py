from django.urls import path

from sunshine.funds import views, views_ledger

app_name = "funds"
urlpatterns: list = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/export.csv", views.project_export, name="project_export"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/allocations/new/", views.allocation_create, name="allocation_create"),
    path("allocations/<int:pk>/edit/", views.allocation_edit, name="allocation_edit"),
    path("allocations/<int:pk>/delete/", views.allocation_delete, name="allocation_delete"),
    path("projects/<int:pk>/disbursements/new/", views.disbursement_create,
         name="disbursement_create"),
    path("disbursements/<int:pk>/edit/", views.disbursement_edit, name="disbursement_edit"),
    path("disbursements/<int:pk>/delete/", views.disbursement_delete,
         name="disbursement_delete"),
    path("suppliers/", views.supplier_list, name="supplier_list"),
    path("suppliers/new/", views.supplier_create, name="supplier_create"),
    path("suppliers/<int:pk>/edit/", views.supplier_edit, name="supplier_edit"),
    path("disposals/", views.disposal_list, name="disposal_list"),
    path("disposals/new/", views.disposal_create, name="disposal_create"),
    path("disposals/<int:pk>/edit/", views.disposal_edit, name="disposal_edit"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("ledger/", views_ledger.ledger_home, name="ledger"),
    path("ledger/upload/", views_ledger.ledger_upload, name="ledger_upload"),
    path("ledger/template.xlsx", views_ledger.ledger_template, name="ledger_template"),
    path("ledger/export.xlsx", views_ledger.ledger_export, name="ledger_export"),
    path("ledger/jobs/<int:pk>/", views_ledger.ledger_job, name="ledger_job"),
    path("ledger/jobs/<int:pk>/progress/", views_ledger.ledger_job_progress,
         name="ledger_job_progress"),
]
