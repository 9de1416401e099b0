"""What a resident fills in to join BIN Alfa of the town (web form, API body), and what both refuse."""

JOIN = {
    "address": "Kerkstraat 5, 9990 Teststad",
    "networks": ["bin-alfa"],
    "kind": "resident",
    "name": "Anna Peeters",
    "email": "anna.peeters@example.be",
    "mobile": "0470 12 34 56",
    "landline": "",
    "language": "en",
    "consent": "on",
}

JOIN_API = {
    "address": "Kerkstraat 5, 9990 Teststad",
    "networks": ["bin-alfa"],
    "name": "Api Anna",
    "email": "api.anna@example.be",
    "mobile": "+32 470 12 34 56",
    "language": "en",
    "consent_version": "2026-01",
}

# Sign-ups that the web form and the API both refuse, and why: (change, field, words of the message).
# tests/members/test_join_flow.py and test_api.py run each against their channel, with its own cases.
JOIN_REFUSED = [
    ({"mobile": "0470 12 34"}, "mobile", "not a valid phone number"),
    ({"mobile": "hello"}, "mobile", "is not a phone number"),
    ({"mobile": "02 363 00 00"}, "mobile", "not a mobile number"),
    ({"landline": "12"}, "landline", "not a valid phone number"),
    ({"email": "anna@"}, "email", "is not a valid e-mail address"),
    ({"email": ""}, "email", "An e-mail address is needed"),
    (
        {"address": "Veldweg 3, 9990 Teststad"},
        "networks",
        "BIN Alfa does not cover this address, and no other BIN (residents) covers it",
    ),
    ({"networks": ["bin-beta"]}, "networks", "BIN Beta does not cover this address; it lies in BIN Alfa."),
    (
        {"address": "Molenstraat 4, 9990 Teststad"},
        "networks",
        "BIN Alfa does not cover this address; it lies in BIN Beta.",
    ),
    (
        {"networks": ["bin-z-markt"], "address": "Marktplein 2, 9990 Teststad"},
        "networks",
        "sign up as a business",
    ),
    ({"networks": ["bin-nope"]}, "networks", "There is no BIN “bin-nope”"),
    ({"address": "Kerkstraat, 9990 Teststad"}, "address", "Add your house number"),
    ({"address": "Nergensstraat 4, 9990 Teststad"}, "address", "could not find"),
]


def join_steps(client, data: dict, *, slug: str | None = None):
    """Walk the join pages (address → BIN → details → consent) with `data` (JOIN's keys) as a resident
    would; the first answer that does not go on to the next step (an error page), else the last one."""
    from urllib.parse import urlencode

    from django.urls import reverse

    start = reverse("members:network-join", args=[slug]) if slug else reverse("members:join")
    response = client.get(start + "?" + urlencode({"address": data.get("address", "")}))
    if response.status_code != 302:
        return response
    steps = [
        ("members:join-network", {k: data[k] for k in ("networks", "lat", "lon") if k in data}),
        (
            "members:join-details",
            {k: v for k, v in data.items() if k not in ("address", "networks", "lat", "lon", "consent")},
        ),
        ("members:join-consent", {k: data[k] for k in ("consent",) if k in data}),
    ]
    for name, posted in steps:
        if name == "members:join-details":
            posted.setdefault("kind", "resident")
        response = client.post(reverse(name), posted)
        if response.status_code != 302:
            return response
    return response
