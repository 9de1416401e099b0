"""The body of an alert as the police post it to the API."""


def alert_body(perimeter, **kwargs):
    return {
        "perimeter": perimeter,
        "category": "burglary",
        "urgency": "urgent",
        "message": "Verdachte personen bij de Kerkstraat, let op.",
        **kwargs,
    }
