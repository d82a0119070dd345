"""Projects for the portal and API tests, written through the funds actions.

``build_projects`` makes, in 椒江区 (operator_a's county):
- ``public``: 城隍浦社区 (a village) project with money in and out, a
  responsible cadre with phone and ID number, a supplier with a legal
  representative, and a payment to a private person;
- ``private``: a project that is not public;
and in 黄岩区 (operator_b's county) ``other_public`` and ``other_private``.
The names, phone and ID number in ``SECRETS`` must never reach a public page.
"""

import datetime
from decimal import Decimal

from sunshine.funds import actions
from sunshine.funds.models import ProjectStatus
from sunshine.organisation import actions as org_actions
from tests.conftest import region

VILLAGE = "331002001003"  # 城隍浦社区, 海门街道, 椒江区
CADRE_NAME = "张建国"
CADRE_PHONE = "13812345678"
CADRE_ID_NUMBER = "11010519491231002X"
LEDGER_RESPONSIBLE = "赵铁柱"
LEGAL_REPRESENTATIVE = "钱多多"
SUPPLIER_PHONE = "13900001111"
PRIVATE_PAYEE = "孙小美"
SUPPLIER = "台州市椒江建设工程有限公司"
SECRETS = [CADRE_NAME, CADRE_PHONE, CADRE_ID_NUMBER, LEDGER_RESPONSIBLE, LEGAL_REPRESENTATIVE,
           SUPPLIER_PHONE, PRIVATE_PAYEE]


def build_projects(actor, unit_a, unit_b) -> dict:
    cadre = org_actions.create_person(actor, name=CADRE_NAME, unit=unit_a, phone=CADRE_PHONE,
                                      id_number=CADRE_ID_NUMBER)
    public = actions.create_project(
        actor, code="JJ-2025-001", name="城隍浦社区老旧小区改造", region=region(VILLAGE),
        owner_unit=unit_a, responsible_person=cadre, responsible_name=LEDGER_RESPONSIBLE,
        budget=Decimal("1500000.00"), planned_end=datetime.date(2099, 12, 31),
        status=ProjectStatus.IN_PROGRESS, progress=40, is_public=True,
    )
    actions.add_allocation(actor, public, source="provincial",
                           approved_amount=Decimal("1000000.00"), approved_on=datetime.date(2025, 1, 2),
                           arrived_amount=Decimal("800000.00"), arrived_on=datetime.date(2025, 1, 10),
                           document_no="浙财建〔2025〕12号")
    actions.add_allocation(actor, public, source="county", approved_amount=Decimal("250000.00"),
                           approved_on=datetime.date(2025, 2, 1))
    supplier = actions.create_supplier(actor, name=SUPPLIER, credit_code="91110000600037341L",
                                       legal_representative=LEGAL_REPRESENTATIVE,
                                       phone=SUPPLIER_PHONE)
    actions.add_disbursement(actor, public, paid_on=datetime.date(2025, 3, 1),
                             amount=Decimal("300000.50"), payee_name=SUPPLIER, supplier=supplier,
                             payee_credit_code="91110000600037341L", purpose="工程进度款")
    actions.add_disbursement(actor, public, paid_on=datetime.date(2025, 3, 2),
                             amount=Decimal("1200.00"), payee_name=PRIVATE_PAYEE,
                             payee_is_person=True, purpose=f"{PRIVATE_PAYEE}劳务费")

    private = actions.create_project(actor, code="JJ-2025-099", name="城隍浦社区内部核算项目",
                                     region=region(VILLAGE), owner_unit=unit_a,
                                     budget=Decimal("5000.00"))
    other_public = actions.create_project(actor, code="HY-2025-001", name="锦川社区水渠修缮",
                                          region=region("331003004001"), owner_unit=unit_b,
                                          budget=Decimal("80000.00"), is_public=True)
    other_private = actions.create_project(actor, code="HY-2025-002", name="锦川社区内部项目",
                                           region=region("331003004001"), owner_unit=unit_b)
    return {"public": public, "private": private, "other_public": other_public,
            "other_private": other_private}
