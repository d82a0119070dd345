"""Demo disposals of village collective assets, some disclosed late or not at all."""

import datetime
import random
from typing import Any

from sunshine.demo import bulk, codes, names
from sunshine.demo.bulk import yuan
from sunshine.demo.organisation import Organisation, place_name
from sunshine.demo.schedule import AS_OF, random_day
from sunshine.funds.models import AssetDisposal, DisposalMethod
from sunshine.rules.values import get_setting

LATE_PERCENT = 12
UNDISCLOSED_PERCENT = 4
BELOW_APPRAISAL_PERCENT = 8


def build_disposals(actor: Any, rng: random.Random, organisation: Organisation,
                    count: int) -> int:
    villages = [(t, v) for t in organisation.townships for v in t.villages]
    rows = [_disposal(rng, *rng.choice(villages)) for _ in range(count)]
    bulk.insert_audited(actor, rows)
    return len(rows)


def _disposal(rng: random.Random, township, village) -> AssetDisposal:
    asset, methods = rng.choice(names.ASSETS)
    method = rng.choice(methods)
    appraised = rng.randint(20, 3000) * 100_000
    ratio = rng.uniform(0.6, 0.9) if rng.randrange(100) < BELOW_APPRAISAL_PERCENT else \
        rng.uniform(1.0, 1.35)
    # Auctions close on bid increments of a thousand yuan; other prices are whole yuan.
    step = 100_000 if method == DisposalMethod.AUCTION else 100
    price = int(appraised * ratio) // step * step

    decided_on = random_day(rng, datetime.date(2023, 3, 1), AS_OF - datetime.timedelta(days=20))
    disclosed_on, disclosure_end = _disclosure(rng, township.region, decided_on)
    buyer_is_person = method in (DisposalMethod.LEASE, DisposalMethod.TENDER) and rng.random() < 0.5
    row = AssetDisposal(
        region=village.region, unit=village.committee, asset_name=f"{place_name(village.region)}{asset}",
        method=method, appraised_amount=yuan(appraised), price=yuan(price),
        decided_on=decided_on, disclosed_on=disclosed_on, disclosure_end=disclosure_end,
        buyer_is_person=buyer_is_person, is_public=rng.random() < 0.9,
    )
    if buyer_is_person:
        row.buyer_name = names.person_name(rng, male=rng.random() < 0.75)
    else:
        row.buyer_name = names.company_name(rng, township.county.short_name,
                                            rng.choice(("农业开发有限公司", "实业有限公司",
                                                        "物资回收有限公司", "贸易有限公司")))
        row.buyer_credit_code = codes.credit_code(rng, township.county.region.code)
    return row


def _disclosure(rng: random.Random, region, decided_on: datetime.date):
    """Return the disclosure date and the end of the objection period, late for a few.

    The deadlines are the county's ``assets.disclosure_days`` and
    ``assets.objection_days`` settings.
    """
    allowed = get_setting("assets.disclosure_days", region=region, on=decided_on)
    objection = get_setting("assets.objection_days", region=region, on=decided_on)
    roll = rng.randrange(100)
    if roll < UNDISCLOSED_PERCENT:
        return None, None
    if roll < UNDISCLOSED_PERCENT + LATE_PERCENT:
        disclosed_on = decided_on + datetime.timedelta(days=allowed + rng.randint(3, 30))
    else:
        disclosed_on = decided_on + datetime.timedelta(days=rng.randint(1, allowed))
    if disclosed_on > AS_OF:
        return None, None
    return disclosed_on, disclosed_on + datetime.timedelta(days=objection + rng.randint(0, 5))
