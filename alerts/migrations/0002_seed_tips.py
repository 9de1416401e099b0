"""Seed the tip library with burglary, fire and CO prevention tips (Dutch, French, German)."""

from django.db import migrations

TIPS = [
    (
        "burglary",
        "Verlichting en deuren",
        "Laat 's avonds buitenverlichting branden, sluit ramen en deuren, ook bij kort vertrek, en leg geen "
        "sleutels onder de mat. Noteer een nummerplaat of signalement en bel 101 bij verdachte situaties.",
        "Allumez l'éclairage extérieur le soir, fermez portes et fenêtres, même pour une courte absence, et "
        "ne cachez pas de clé sous le paillasson. Notez une plaque ou un signalement et appelez le 101 en "
        "cas de situation suspecte.",
        "Lassen Sie abends die Außenbeleuchtung brennen, schließen Sie Fenster und Türen, auch wenn Sie nur "
        "kurz weg sind, und legen Sie keine Schlüssel unter die Matte. Notieren Sie Kennzeichen oder "
        "Personenbeschreibung und rufen Sie bei Verdacht die 101 an.",
    ),
    (
        "burglary",
        "Waardevolle spullen",
        "Laat geen waardevolle spullen zichtbaar liggen, ook niet in de auto. Sluit tuinhuis en ladders af.",
        "Ne laissez pas d'objets de valeur en vue, ni dans la voiture. Fermez l'abri de jardin et "
        "attachez les échelles.",
        "Lassen Sie keine Wertsachen sichtbar liegen, auch nicht im Auto. Schließen Sie Gartenhaus und "
        "Leitern ab.",
    ),
    (
        "fire",
        "Rookmelders",
        "Test uw rookmelders en houd vluchtwegen vrij. Bij brand: verlaat het huis, sluit de deuren achter "
        "u en bel 112.",
        "Testez vos détecteurs de fumée et dégagez les sorties. En cas d'incendie : quittez la maison, "
        "fermez les portes derrière vous et appelez le 112.",
        "Testen Sie Ihre Rauchmelder und halten Sie Fluchtwege frei. Bei Brand: Haus verlassen, Türen "
        "schließen und 112 anrufen.",
    ),
    (
        "co_poisoning",
        "CO-vergiftiging voorkomen",
        "Laat verwarmingstoestellen en schouwen jaarlijks nakijken, verlucht altijd en gebruik nooit een "
        "barbecue of generator binnen. Hoofdpijn, misselijkheid, sufheid? Verlaat de ruimte en bel 112.",
        "Faites entretenir chaque année chaudières et cheminées, aérez toujours et n'utilisez jamais de "
        "barbecue ou de groupe électrogène à l'intérieur. Maux de tête, nausées, somnolence ? Sortez et "
        "appelez le 112.",
        "Lassen Sie Heizgeräte und Schornsteine jährlich prüfen, lüften Sie immer und benutzen Sie nie einen "
        "Grill oder Generator im Haus. Kopfschmerzen, Übelkeit, Benommenheit? Raum verlassen, 112 anrufen.",
    ),
]


def seed(apps, schema_editor):
    Tip = apps.get_model("alerts", "Tip")
    for category, title, nl, fr, de in TIPS:
        Tip.objects.get_or_create(
            category=category, title=title, defaults={"text_nl": nl, "text_fr": fr, "text_de": de}
        )


def unseed(apps, schema_editor):
    Tip = apps.get_model("alerts", "Tip")
    Tip.objects.filter(title__in=[t[1] for t in TIPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
