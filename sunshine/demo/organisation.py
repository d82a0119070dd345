"""Demo units, cadres and staff accounts for every Taizhou county and township."""

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import Q

from sunshine.demo import bulk, codes, names
from sunshine.organisation.models import (
    Assignment,
    Level,
    Person,
    Region,
    Role,
    Unit,
    UnitKind,
)

CITY_CODE = "331000"

# Printed by `sunshine demo` with the accounts; meant for demo databases only.
DEMO_PASSWORD = "sunshine-demo-2026"  # noqa: S105
# The first accounts of the plan are the ones `sunshine demo` prints by name.
DOCUMENTED_USERNAMES = ("admin", "jiaojiang", "haimen", "inspector", "leader")
DOCUMENTED_ACCOUNTS = len(DOCUMENTED_USERNAMES)
# Usernames of the other demo accounts: one per county post, one per township government.
PATTERNED_USERNAME = r"^([a-z]{2}_(operator|finance|leader|inspector)|op[0-9]{9})$"

# Latin abbreviations used in project codes and usernames.
COUNTY_ABBREVIATIONS = {
    "331002": "jj", "331003": "hy", "331004": "lq", "331022": "sm", "331023": "tt",
    "331024": "xj", "331081": "wl", "331082": "lh", "331083": "yh",
}

# County departments created in every county: (name suffix, kind, key, posts).
COUNTY_UNITS = (
    ("人民政府", UnitKind.GOVERNMENT, "government", ("{head}长", "办公室主任", "办公室科员")),
    ("财政局", UnitKind.DEPARTMENT, "finance", ("局长", "农业农村科科长", "预算科科员")),
    ("农业农村局", UnitKind.DEPARTMENT, "agriculture", ("局长", "计划财务科科长", "农村建设科科员")),
    ("交通运输局", UnitKind.DEPARTMENT, "transport", ("局长", "建设管理科科长", "公路管理科科员")),
    ("纪委监委", UnitKind.COMMISSION, "commission", ("纪委书记、监委主任", "党风政风监督室主任",
                                                    "第一监督检查室科员")),
)
TOWNSHIP_POSTS = {
    "街道": ("办事处主任", "分管副主任", "财政所所长", "农业农村办科员"),
    "镇": ("镇长", "分管副镇长", "财政所所长", "农业农村办科员"),
    "乡": ("乡长", "分管副乡长", "财政所所长", "农业农村办科员"),
    "": ("管委会主任", "分管副主任", "财政科科长", "综合办科员"),
}
VILLAGE_POSTS = ("党组织书记、{body}主任", "报账员")


@dataclass
class DemoAccount:
    username: str
    role: str
    unit: Unit
    superuser: bool = False


@dataclass
class CountyUnits:
    region: Region
    short_name: str
    abbreviation: str
    units: dict[str, Unit] = field(default_factory=dict)


@dataclass
class VillageUnit:
    region: Region
    committee: Unit


@dataclass
class TownshipUnits:
    region: Region
    county: CountyUnits
    government: Unit
    villages: list[VillageUnit] = field(default_factory=list)
    all_villages: list[Region] = field(default_factory=list)


@dataclass
class Organisation:
    city_government: Unit
    city_commission: Unit
    counties: list[CountyUnits]
    townships: list[TownshipUnits]
    people: dict[int, list[Person]]
    accounts: list[DemoAccount]
    staff_count: int = 0


def short_name(region: Region) -> str:
    """Return 椒江 for 椒江区, 三门 for 三门县 and 温岭 for 温岭市."""
    return region.name[:-1] if region.name[-1] in "区县市" else region.name


def township_unit_name(region: Region) -> str:
    if region.name.endswith("街道"):
        return f"{region.name}办事处"
    if region.name.endswith(("镇", "乡")):
        return f"{region.name}人民政府"
    return f"{region.name}管理委员会"


def township_kind(region: Region) -> str:
    for suffix in ("街道", "镇", "乡"):
        if region.name.endswith(suffix):
            return suffix
    return ""


def is_rural(village: Region) -> bool:
    """Tell a village (村委会, 村) from an urban community (社区, 居委会, 生活区)."""
    return village.name.endswith(("村委会", "村"))


def place_name(village: Region) -> str:
    """Return the name of the place a statistical village row stands for.

    The statistics name many villages after their committee: 彭赖村委会 is
    the village 彭赖村 and 城关居委会 the community 城关社区.
    """
    for suffix, place in (("村委会", "村"), ("居委会", "社区")):
        if village.name.endswith(suffix):
            return village.name[: -len(suffix)] + place
    return village.name


def committee_name(village: Region) -> str:
    """Return the formal name, such as 彭赖村村民委员会 or 城关社区居民委员会."""
    body = "村民委员会" if is_rural(village) else "居民委员会"
    return place_name(village) + body


def build_organisation(actor: Any, rng: random.Random, villages_per_township: int) -> Organisation:
    """Create the units, cadres, accounts and role assignments of the demo."""
    city = Region.objects.get(code=CITY_CODE)
    city_government = Unit(name="台州市人民政府", kind=UnitKind.GOVERNMENT, region=city)
    city_commission = Unit(name="台州市纪委监委", kind=UnitKind.COMMISSION, region=city)
    _insert_units([city_government, city_commission])

    counties = _build_counties(city_government, city_commission)
    townships = _build_townships(rng, counties, villages_per_township)
    unit_count = 2 + sum(len(c.units) for c in counties)
    unit_count += sum(1 + len(t.villages) for t in townships)
    bulk.record(actor, Unit, unit_count)

    organisation = Organisation(city_government, city_commission, counties, townships, {}, [])
    organisation.accounts = _plan_accounts(organisation)
    users = _insert_users(actor, organisation.accounts)
    organisation.people = _insert_people(actor, rng, organisation, users)
    organisation.staff_count = _insert_assignments(actor, organisation.accounts, users)
    return organisation


def _insert_units(units: list[Unit]) -> None:
    """Insert one level of the unit tree; paths need the primary keys, so they come second."""
    Unit.objects.bulk_create(units, batch_size=bulk.BATCH_SIZE)
    for unit in units:
        unit.path = unit.compute_path()
    Unit.objects.bulk_update(units, ["path"], batch_size=bulk.BATCH_SIZE)


def _build_counties(city_government: Unit, city_commission: Unit) -> list[CountyUnits]:
    counties = [
        CountyUnits(region, short_name(region), COUNTY_ABBREVIATIONS[region.code])
        for region in Region.objects.filter(level=Level.COUNTY).current().order_by("code")
    ]
    tops = []
    for county in counties:
        government = Unit(name=f"{county.region.name}人民政府", kind=UnitKind.GOVERNMENT,
                          region=county.region, parent=city_government)
        commission = Unit(name=f"{county.region.name}纪委监委", kind=UnitKind.COMMISSION,
                          region=county.region, parent=city_commission)
        county.units = {"government": government, "commission": commission}
        tops += [government, commission]
    _insert_units(tops)

    departments = []
    for county in counties:
        for suffix, kind, key, _posts in COUNTY_UNITS:
            if key not in county.units:
                county.units[key] = Unit(name=f"{county.region.name}{suffix}", kind=kind,
                                         region=county.region, parent=county.units["government"])
                departments.append(county.units[key])
    _insert_units(departments)
    return counties


def _build_townships(
    rng: random.Random, counties: list[CountyUnits], villages_per_township: int
) -> list[TownshipUnits]:
    by_code = {county.region.code: county for county in counties}
    villages_by_township: dict[str, list[Region]] = {}
    for village in Region.objects.filter(level=Level.VILLAGE).current().order_by("code"):
        villages_by_township.setdefault(village.parent_id or "", []).append(village)

    townships = []
    for region in Region.objects.filter(level=Level.TOWNSHIP).current().order_by("code"):
        county = by_code[region.parent_id or ""]
        government = Unit(name=township_unit_name(region), kind=UnitKind.GOVERNMENT,
                          region=region, parent=county.units["government"])
        township = TownshipUnits(region, county, government)
        township.all_villages = villages_by_township.get(region.code, [])
        townships.append(township)
    _insert_units([township.government for township in townships])

    committees = []
    for township in townships:
        for village in _sample_villages(rng, township.all_villages, villages_per_township):
            committee = Unit(name=committee_name(village), kind=UnitKind.VILLAGE_COMMITTEE,
                             region=village, parent=township.government)
            township.villages.append(VillageUnit(village, committee))
            committees.append(committee)
    _insert_units(committees)
    return townships


def _sample_villages(rng: random.Random, villages: list[Region], count: int) -> list[Region]:
    """Prefer 村 over 社区: the rural projects of the demo belong in villages."""
    rural = [v for v in villages if is_rural(v)]
    pool = rural if len(rural) >= count else villages
    return sorted(rng.sample(pool, min(count, len(pool))), key=lambda v: v.code)


def _plan_accounts(organisation: Organisation) -> list[DemoAccount]:
    """List the five documented demo accounts first, then one per county post and township."""
    counties = {county.region.code: county for county in organisation.counties}
    jiaojiang, huangyan = counties["331002"], counties["331003"]
    haimen = next(t for t in organisation.townships if t.region.code == "331002001")
    accounts = [
        DemoAccount("admin", Role.ADMINISTRATOR, organisation.city_government, superuser=True),
        DemoAccount("jiaojiang", Role.OPERATOR, jiaojiang.units["government"]),
        DemoAccount("haimen", Role.OPERATOR, haimen.government),
        DemoAccount("inspector", Role.INSPECTOR, jiaojiang.units["commission"]),
        DemoAccount("leader", Role.LEADER, huangyan.units["government"]),
    ]
    for county in organisation.counties:
        accounts += [
            DemoAccount(f"{county.abbreviation}_operator", Role.OPERATOR,
                        county.units["government"]),
            DemoAccount(f"{county.abbreviation}_finance", Role.OPERATOR, county.units["finance"]),
            DemoAccount(f"{county.abbreviation}_leader", Role.LEADER, county.units["government"]),
            DemoAccount(f"{county.abbreviation}_inspector", Role.INSPECTOR,
                        county.units["commission"]),
        ]
    accounts += [DemoAccount(f"op{t.region.code}", Role.OPERATOR, t.government)
                 for t in organisation.townships]

    seen: set[tuple[int | None, str]] = set()
    unique = []
    for account in accounts:
        if (account.unit.pk, account.role) not in seen:
            seen.add((account.unit.pk, account.role))
            unique.append(account)
    return unique


def existing_accounts() -> list[DemoAccount]:
    """Load the demo accounts of an earlier run: the documented ones first, then the others.

    Returns an empty list when the documented accounts are not all in the database.
    """
    users = get_user_model().objects.filter(
        Q(username__in=DOCUMENTED_USERNAMES) | Q(username__regex=PATTERNED_USERNAME))
    assignments = (Assignment.objects.filter(user__in=users)
                   .select_related("user", "unit", "unit__region").order_by("user__username", "pk"))
    accounts: dict[str, DemoAccount] = {}
    for assignment in assignments:
        user = assignment.user
        accounts.setdefault(user.username, DemoAccount(user.username, assignment.role,
                                                       assignment.unit, user.is_superuser))
    if not all(name in accounts for name in DOCUMENTED_USERNAMES):
        return []
    documented = [accounts.pop(name) for name in DOCUMENTED_USERNAMES]
    return documented + list(accounts.values())


def _insert_users(actor: Any, accounts: list[DemoAccount]) -> dict[str, Any]:
    # One PBKDF2 hash for every account: hashing each of ~200 users would take
    # minutes, and the demo password is public anyway.
    password = make_password(DEMO_PASSWORD)
    user_model = get_user_model()
    users = [
        user_model(username=a.username, password=password, is_superuser=a.superuser,
                   is_staff=a.superuser)
        for a in accounts
    ]
    bulk.insert_plain(actor, users)
    return {user.get_username(): user for user in users}


def _account_person_index(role: str) -> int:
    """Return which of a unit's cadres holds the account: the head for a leader, else the clerk."""
    return 0 if role == Role.LEADER else -1


def _insert_people(
    actor: Any, rng: random.Random, organisation: Organisation, users: dict[str, Any]
) -> dict[int, list[Person]]:
    holders: dict[int | None, list[tuple[int, Any]]] = {}
    for account in organisation.accounts:
        holder = (_account_person_index(account.role), users[account.username])
        holders.setdefault(account.unit.pk, []).append(holder)

    people: dict[int, list[Person]] = {}
    for unit, posts, county_code in _units_with_posts(rng, organisation):
        staff = [_person(rng, unit, post, county_code) for post in posts]
        for index, user in holders.get(unit.pk, []):
            staff[index].user = user
            user.last_name, user.first_name = staff[index].name[0], staff[index].name[1:]
        people[unit.pk] = staff

    bulk.insert_plain(actor, [person for staff in people.values() for person in staff])
    get_user_model().objects.bulk_update(list(users.values()), ["first_name", "last_name"])
    return people


def _units_with_posts(
    rng: random.Random, organisation: Organisation
) -> Iterator[tuple[Unit, tuple[str, ...], str]]:
    """Yield every demo unit with its posts and the county its cadres come from."""
    any_county = [c.region.code for c in organisation.counties]
    yield organisation.city_government, ("市长", "办公室主任", "办公室科员"), rng.choice(any_county)
    yield organisation.city_commission, ("纪委书记、监委主任", "第五监督检查室科员"), rng.choice(any_county)
    for county in organisation.counties:
        head = county.region.name[-1]
        for _suffix, _kind, key, posts in COUNTY_UNITS:
            yield county.units[key], tuple(p.format(head=head) for p in posts), county.region.code
    for township in organisation.townships:
        county_code = township.county.region.code
        yield township.government, TOWNSHIP_POSTS[township_kind(township.region)], county_code
        for village in township.villages:
            body = "村委会" if is_rural(village.region) else "居委会"
            yield village.committee, tuple(p.format(body=body) for p in VILLAGE_POSTS), county_code


def _person(rng: random.Random, unit: Unit, post: str, county_code: str) -> Person:
    male = rng.random() < 0.68
    birth = datetime.date(1966, 1, 1) + datetime.timedelta(days=rng.randrange(33 * 365))
    person = Person(name=names.person_name(rng, male=male), unit=unit, post=post,
                    phone=codes.mobile_phone(rng))
    person.set_id_number(codes.id_number(rng, county_code, birth, male=male))
    return person


def _insert_assignments(actor: Any, accounts: list[DemoAccount], users: dict[str, Any]) -> int:
    rows = [Assignment(user=users[a.username], role=a.role, unit=a.unit) for a in accounts]
    bulk.insert_plain(actor, rows)
    return len(rows)
