import pytest
from django.core.management import call_command

from sunshine.organisation.models import Level, Region

pytestmark = pytest.mark.django_db


def test_it_loads_every_taizhou_division():
    assert Region.objects.filter(level=Level.CITY).count() == 1
    assert Region.objects.filter(level=Level.COUNTY).count() == 9
    assert Region.objects.filter(level=Level.TOWNSHIP).count() == 136
    assert Region.objects.filter(level=Level.VILLAGE).count() == 3429


def test_paths_nest_village_in_township_and_county():
    village = Region.objects.get(code="331002001003")

    assert village.name == "城隍浦社区"
    assert village.path == "331000/331002/331002001/331002001003/"
    assert village.county().code == "331002"


def test_statistical_units_are_not_statutory():
    assert Region.objects.get(code="331002400").is_statutory is False
    assert Region.objects.get(code="331002001").is_statutory is True


def test_reloading_changes_nothing(capsys):
    call_command("load_regions")

    assert "0 created, 0 updated" in capsys.readouterr().out
