"""Demo users (coordinator, police, municipality) and invented members at real Lembeek addresses."""

from datetime import time

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from access.models import Role
from access.services import coordinator_add, role_grant
from areas.models import Municipality, Network, PoliceZone
from members import conf
from members.models import Member, Membership, NetworkProposal
from members.services import member_confirm_email, member_join, membership_decide, network_propose
from members.tokens import CONFIRM, token_make
from streets.models import Address, Street

BIN = "bin-lembeek-centrum"
BIN_Z = "bin-z-lembeek-handelskern"
POLICE_ZONE = 5905
NIS = "23027"
PASSWORD = "demo"

FIRST = [
    "An",
    "Bart",
    "Chloé",
    "Dirk",
    "Els",
    "Filip",
    "Griet",
    "Hans",
    "Ilse",
    "Jan",
    "Katrien",
    "Luc",
    "Marie",
    "Nico",
    "Olivia",
    "Pieter",
    "Rita",
    "Sofie",
    "Tom",
    "Ursula",
    "Vincent",
    "Wendy",
    "Xavier",
    "Yasmine",
]
LAST = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Lambert",
    "Vermeulen",
    "Hermans",
    "Pauwels",
    "Van Damme",
    "Desmet",
    "Michiels",
]
BUSINESSES = [
    ("Apotheek De Zenne", Member.BusinessType.PHARMACY),
    ("Bakkerij Sint-Veron", Member.BusinessType.SHOP),
    ("Café De Kroon", Member.BusinessType.CAFE),
    ("Dokterspraktijk Berendries", Member.BusinessType.DOCTOR),
    ("Juwelier Claes", Member.BusinessType.JEWELLER),
]
N_RESIDENTS = 40
# Of the residents: the last few are still waiting for the coordinator, two never confirmed their e-mail.
N_PENDING, N_UNCONFIRMED = 4, 2


def _text(address: Address) -> str:
    return f"{address.street.name_nl} {address.house_number}, {address.postcode} Lembeek"


def _spread(addresses: list[Address], n: int) -> list[Address]:
    """`n` addresses spread evenly over the list (which is sorted by street and number)."""
    if len(addresses) <= n:
        return addresses
    step = len(addresses) / n
    return [addresses[int(i * step)] for i in range(n)]


class Command(BaseCommand):
    help = (
        "Demo users with password 'demo' — coordinator (BIN Lembeek-Centrum), coordinator-z (BIN-Z Lembeek "
        "Handelskern), politie (police zone 5905), gemeente (municipality 23027) — and about 45 invented "
        "members at real Lembeek addresses, through the same join, confirm and approval flow as the website. "
        "Idempotent. Needs the demo areas and addresses (load_demo)."
    )

    def handle(self, *args, **options):
        try:
            network = Network.objects.get(slug=BIN)
            network_z = Network.objects.get(slug=BIN_Z)
            zone = PoliceZone.objects.get(number=POLICE_ZONE)
            municipality = Municipality.objects.get(nis_code=NIS)
        except (Network.DoesNotExist, PoliceZone.DoesNotExist, Municipality.DoesNotExist) as exc:
            raise CommandError(f"the demo areas are missing ({exc}); run load_demo first") from exc
        # The demo people have invented example.be addresses: their e-mails go nowhere.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            users = self.ensure_users(network, network_z, zone, municipality)
            created = self.ensure_members(network, users["coordinator"], Member.Kind.RESIDENT)
            created += self.ensure_members(network_z, users["coordinator-z"], Member.Kind.BUSINESS)
            self.ensure_proposal(municipality)
        total = Membership.objects.filter(network__in=[network, network_z]).count()
        self.stdout.write(
            f"Demo members: {created} created, {total} memberships in {network.name} and {network_z.name}. "
            f"Logins (password '{PASSWORD}'): coordinator, coordinator-z, politie, gemeente."
        )

    def ensure_users(self, network, network_z, zone, municipality) -> dict:
        User = get_user_model()
        users = {}
        for username, first, last in [
            ("coordinator", "Carla", "Coördinator"),
            ("coordinator-z", "Zeno", "Handelaar"),
            ("politie", "Pol", "Wijkagent"),
            ("gemeente", "Greet", "Preventie"),
        ]:
            user, made = User.objects.get_or_create(
                username=username,
                defaults={"email": f"{username}@example.be", "first_name": first, "last_name": last},
            )
            if made:
                user.set_password(PASSWORD)
                user.save()
            users[username] = user
        # Rights through access.services, as an administrator would give them in the admin: the grant log
        # records them, and the municipality role makes "gemeente" staff (the admin lets them in).
        via = "command: load_demo_members"
        coordinator_add(actor=None, network=network, user=users["coordinator"], via=via)
        coordinator_add(actor=None, network=network_z, user=users["coordinator-z"], via=via)
        role_grant(actor=None, user=users["politie"], kind=Role.Kind.POLICE, police_zone=zone, via=via)
        role_grant(
            actor=None,
            user=users["gemeente"],
            kind=Role.Kind.MUNICIPALITY,
            municipality=municipality,
            via=via,
        )
        return users

    def ensure_members(self, network, coordinator, kind) -> int:
        addresses = list(
            Address.objects.filter(point__within=network.boundary, box_number="", number__isnull=False)
            .select_related("street")
            .order_by("street__name_nl", "number", "house_number")
        )
        # Only addresses the lookup finds exactly, without a second street of the same name elsewhere.
        n = N_RESIDENTS if kind == Member.Kind.RESIDENT else len(BUSINESSES)
        chosen = _spread(addresses, n * 2)[::2]
        created = 0
        for i, address in enumerate(chosen):
            if kind == Member.Kind.RESIDENT:
                first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
                extra = {}
                slug = f"{first}.{last}".lower().replace(" ", "").replace("é", "e")
            else:
                first, last = FIRST[(i + 5) % len(FIRST)], LAST[(i * 5 + 3) % len(LAST)]
                business, btype = BUSINESSES[i]
                extra = {
                    "business_name": business,
                    "business_type": btype,
                    "contact_person": f"{first} {last}",
                }
                slug = business.lower().replace(" ", "-").replace("é", "e")
            email = f"{slug}@example.be"
            if Member.objects.filter(email__iexact=email).exists():
                continue
            result = member_join(
                address_text=_text(address),
                network_slugs=[network.slug],
                name=f"{first} {last}",
                kind=kind,
                email=email,
                mobile=f"+32470{100000 + i * 1013 + (0 if kind == Member.Kind.RESIDENT else 500000):06d}",
                landline="+3223630000" if i % 9 == 4 else "",
                language=("nl", "nl", "nl", "fr", "en")[i % 5],
                quiet_hours_start=None if i % 4 else _time(22),
                quiet_hours_end=None if i % 4 else _time(7),
                consent_version=conf.consent_version(),
                **extra,
            )
            created += 1
            if kind == Member.Kind.RESIDENT and i >= n - N_UNCONFIRMED:
                continue
            member_confirm_email(token=token_make(member=result.member, purpose=CONFIRM))
            if kind == Member.Kind.RESIDENT and i >= n - N_UNCONFIRMED - N_PENDING:
                continue
            for membership in result.memberships:
                membership.refresh_from_db()
                membership_decide(user=coordinator, membership=membership, approve=True)
        return created

    def ensure_proposal(self, municipality):
        if NetworkProposal.objects.filter(name="BIN Prinsenbos").exists():
            return
        streets = list(
            Street.objects.filter(municipality=municipality, name_nl__in=["Prinsenbos", "Beukenstraat"])
        )
        if not streets:
            return
        try:
            network_propose(
                name="BIN Prinsenbos",
                initiator_type=NetworkProposal.Initiator.ASSOCIATION,
                initiators=[
                    {
                        "name": "Wijkcomité Prinsenbos",
                        "email": "wijkcomite.prinsenbos@example.be",
                        "phone": "+3223630001",
                        "organisation": "Wijkcomité Prinsenbos vzw",
                    }
                ],
                street_ids=[s.pk for s in streets],
            )
        except ValidationError as exc:  # the demo goes on without the proposal; say why
            self.stderr.write(f"demo proposal skipped: {exc}")


def _time(hour: int) -> time:
    return time(hour, 0)
