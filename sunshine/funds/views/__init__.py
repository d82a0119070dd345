"""Staff pages under /staff/, one module per group of pages."""

from sunshine.funds.views.disposals import disposal_create, disposal_edit, disposal_list
from sunshine.funds.views.export import project_export
from sunshine.funds.views.home import home
from sunshine.funds.views.money import (
    allocation_create,
    allocation_delete,
    allocation_edit,
    disbursement_create,
    disbursement_delete,
    disbursement_edit,
)
from sunshine.funds.views.people import person_create, person_detail, person_list, person_reveal
from sunshine.funds.views.projects import project_create, project_detail, project_edit, project_list
from sunshine.funds.views.suppliers import supplier_create, supplier_edit, supplier_list

__all__ = [
    "allocation_create", "allocation_delete", "allocation_edit", "disbursement_create",
    "disbursement_delete", "disbursement_edit", "disposal_create", "disposal_edit",
    "disposal_list", "home", "person_create", "person_detail", "person_list", "person_reveal",
    "project_create", "project_detail", "project_edit", "project_export", "project_list",
    "supplier_create", "supplier_edit", "supplier_list",
]
