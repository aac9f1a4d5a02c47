import datetime
import re

from drachma.core.seeding import DemoContext
from drachma.people import services

# Common given and family names, combined at random: the people are invented.
GIVEN = [
    "James",
    "Daniel",
    "Michael",
    "David",
    "Paul",
    "Mark",
    "Lee",
    "Craig",
    "Steven",
    "Gary",
    "Wayne",
    "Darren",
    "Jason",
    "Ryan",
    "Adam",
    "Kevin",
    "Liam",
    "Connor",
    "Tom",
    "Jamie",
    "Sarah",
    "Emma",
    "Claire",
    "Joanne",
    "Lisa",
    "Rachel",
    "Amy",
    "Laura",
    "Nicola",
    "Kelly",
]
FAMILY = [
    "Ashworth",
    "Barlow",
    "Birch",
    "Brierley",
    "Clegg",
    "Crompton",
    "Dawson",
    "Entwistle",
    "Fletcher",
    "Greenhalgh",
    "Hargreaves",
    "Holt",
    "Howarth",
    "Kershaw",
    "Lord",
    "Marsden",
    "Nuttall",
    "Ogden",
    "Pilling",
    "Ramsbottom",
    "Schofield",
    "Smethurst",
    "Tattersall",
    "Whitworth",
    "Worsley",
    "Yates",
    "Hussain",
    "Kowalski",
    "Nowak",
    "Okonkwo",
]
STREETS = [
    "Mill Lane",
    "Church Street",
    "Victoria Road",
    "Canal Side",
    "Moss Lane",
    "Albert Terrace",
    "Station Road",
    "Park View",
    "Bury Old Road",
    "Oldham Road",
]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    seen = set()
    while len(ctx.people) < 260:
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        if (given, family) in seen:
            continue
        seen.add((given, family))
        adult = rng.random() < 0.85
        age_days = rng.randint(18 * 365, 70 * 365) if adult else rng.randint(4 * 365, 16 * 365)
        flags = {
            "flag_learning_disability": rng.random() < 0.08,
            "flag_mental_ill_health": rng.random() < 0.15,
            "flag_self_harm": rng.random() < 0.07,
            "flag_children_in_household": adult and rng.random() < 0.2,
        }
        person = services.create_person(
            given_names=given,
            family_name=family,
            date_of_birth=datetime.date(2026, 11, 1) - datetime.timedelta(days=age_days),
            address=f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
            postcode=f"M{rng.randint(1, 40)} {rng.randint(1, 9)}XX",
            mopi_group=rng.choice([2, 2, 3, 4]),
            **flags,
        )
        ctx.people.append(person)
    # Identifiers for some, without drawing on the random stream (the other apps' demo data
    # stays as it was): the first is the number the fake PND knows ("already known?").
    for n, person in enumerate(ctx.people[:40]):
        services.add_identifier(
            person, kind="phone", value=f"07911 {123456 + n:06d}", source="Demo data"
        )
        handle = re.sub(r"[^a-z0-9_]", "", f"{person.given_names}_{person.family_name}{n}".lower())
        services.add_identifier(
            person, kind="handle", value=handle, platform="tiktok", source="Demo data"
        )
