"""How demo customers are named and reached: word lists for people, trades, legal forms and
towns, and the functions that put them together ("Boulangerie Lefèvre SARL", "CPAS d'Arlon",
``factures.boulangerie-lefevre@example.fr``, ``+33199001234``).

Kept apart from :mod:`relance.demo.portfolio` so the generator reads as a model, not as a
dictionary. "Communities" are ``FR``, ``BE-fr``, ``BE-nl``, ``BE-de`` (anything else gets
English people and German-speaking towns). The lists are tuples indexed by the generator's
seeded ``random.Random``, so their order is part of the determinism contract: changing a
list changes every demo portfolio.

Towns carry the Belgian telephone zone (without the trunk ``0``) so that a public body of
Namur gets a Namur landline; Belgian mobiles are 9 digits (``+324[789]…``). French numbers
come from the blocks ARCEP sets aside for audiovisual fiction, so that no real subscriber is
dialled from a demo. Mailboxes are at ``example.fr``, ``example.be`` and ``example.com``.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence

FR_FIRST = (
    "Camille", "Marie", "Jean", "Pierre", "Sophie", "Nicolas", "Julien", "Isabelle", "Thomas",
    "Nathalie", "Antoine", "Claire", "Louis", "Emma", "Hugo", "Chloé", "Léa", "Mathieu",
    "Manon", "Élodie", "François", "Hélène", "Jérôme", "Amélie", "Raphaël", "Gaëlle", "Benoît",
    "Cécile", "Stéphane", "Valérie", "Théo", "Inès", "Maëlle", "Noémie", "Loïc", "Anaïs",
)  # fmt: skip
FR_LAST = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont",
    "Lambert", "Bonnet", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller",
    "Henry", "Perrin", "Morin", "Clément", "Gauthier", "Dumont", "Fontaine", "Chevalier",
    "Robin", "Masson", "Gérard", "Boyer", "Lemaire", "Duval", "Joly", "Noël", "Meunier",
    "Marchand", "Dufour", "Brunet", "Leclerc", "Prévost", "Rivière", "Le Gall", "Ménard",
    "Carré", "Rémy", "Lacroix", "Aubry",
)  # fmt: skip
NL_FIRST = (
    "Lucas", "Noah", "Liam", "Arthur", "Wout", "Pieter", "Jan", "Bart", "Koen", "Tom", "Stijn",
    "Jeroen", "Emma", "Olivia", "Louise", "Mila", "Lotte", "Sofie", "An", "Els", "Hanne", "Lien",
    "Marieke", "Anouk", "Joris", "Sander", "Ine", "Griet", "Dries", "Ruben",
)  # fmt: skip
NL_LAST = (
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "Vermeulen", "Van Damme", "Hermans", "Van den Berghe", "De Vos",
    "Van de Velde", "Dewulf", "Verhoeven", "Pauwels", "Claeys", "De Backer", "Van Dyck",
    "Verstraete", "Lemmens", "Cools", "Aerts", "Smets", "Michiels", "Bogaert", "Van Hoof",
    "De Clercq", "Segers", "Vanderstraeten", "D'Hondt",
)  # fmt: skip
WA_FIRST = (
    "Julie", "Manon", "Lucie", "Charlotte", "Sarah", "Maxime", "Antoine", "Thomas", "Nicolas",
    "Florence", "Benoît", "Quentin", "Aurélie", "Gaëtan", "Jérôme", "Céline", "Geoffrey",
    "Laurence", "Régis", "Noémie", "Amandine", "Olivier",
)  # fmt: skip
WA_LAST = (
    "Dubois", "Lambert", "Dupont", "Martin", "Lemaire", "Leclercq", "Simon", "Laurent",
    "Renard", "Collard", "Jacquemin", "Gérard", "Hubert", "Lejeune", "François", "Denis",
    "Delvaux", "Henrard", "Piette", "Remacle", "Wilmotte", "Delhaye", "Lecocq", "Thiry",
    "Goffin", "Bodart", "Duchêne", "Lhoest",
)  # fmt: skip
DE_FIRST = (
    "Lukas", "Jonas", "Leon", "Anna", "Lea", "Laura", "Hannah", "Tobias", "Stefan", "Andrea",
    "Sabine", "Jürgen", "Birgit", "Kevin", "Jörg",
)  # fmt: skip
DE_LAST = (
    "Schmitz", "Mertes", "Kessler", "Lentz", "Kreutz", "Heinen", "Cormann", "Jost", "Maraite",
    "Thissen", "Schröder", "Müller", "Wintgens", "Küpper",
)  # fmt: skip
EN_FIRST = ("Emily", "James", "Oliver", "Charlotte", "Daniel", "Sarah", "Michael", "Grace")
EN_LAST = ("Smith", "Wilson", "O'Brien", "Murphy", "Taylor", "Brown", "Evans", "Walsh")

# Trade words, French and Dutch.
FR_TRADES = (
    "Boulangerie", "Garage", "Imprimerie", "Menuiserie", "Transports", "Pharmacie",
    "Plomberie", "Électricité", "Brasserie", "Fromagerie", "Charpente", "Pâtisserie",
    "Librairie", "Quincaillerie", "Traiteur", "Paysages", "Bâtiment", "Carrosserie",
    "Informatique", "Boucherie", "Couverture", "Optique", "Fleurs", "Ateliers",
)  # fmt: skip
NL_TRADES = (
    "Bakkerij", "Garage", "Drukkerij", "Schrijnwerkerij", "Transport", "Apotheek",
    "Loodgieterij", "Elektro", "Brouwerij", "Kaashandel", "Bouwbedrijf", "Tuinaanleg",
    "Carrosserie", "Slagerij", "Dakwerken", "Optiek", "Bloemen", "Schilderwerken",
)  # fmt: skip
FR_PLACES = ("Centre", "Port", "Marché", "Lac", "Val", "Moulin", "Pont", "Château")

# Legal forms with weights, per community.
FR_LEGAL = (("SARL", 30), ("SAS", 30), ("SASU", 15), ("EURL", 15), ("SA", 10))
BE_FR_LEGAL = (("SRL", 60), ("SA", 30), ("SC", 10))
BE_NL_LEGAL = (("BV", 60), ("NV", 30), ("CV", 10))

# Towns: (name, Belgian telephone zone); the zone is "" for France.
FR_TOWNS = (
    ("Saint-Malo", ""), ("Rennes", ""), ("Nantes", ""), ("Angers", ""), ("Le Mans", ""),
    ("Orléans", ""), ("Besançon", ""), ("Évreux", ""), ("Périgueux", ""), ("Saint-Étienne", ""),
    ("Aix-en-Provence", ""), ("Annecy", ""), ("Les Sables-d'Olonne", ""), ("Quimper", ""),
    ("Vannes", ""), ("Nîmes", ""), ("Colmar", ""), ("Arras", ""), ("Le Havre", ""),
    ("Montbéliard", ""),
)  # fmt: skip
BE_FR_TOWNS = (
    ("Wavre", "10"), ("Namur", "81"), ("Liège", "4"), ("Charleroi", "71"), ("Mons", "65"),
    ("Tournai", "69"), ("Arlon", "63"), ("Nivelles", "67"), ("Ixelles", "2"), ("Uccle", "2"),
    ("Verviers", "87"), ("Huy", "85"), ("Dinant", "82"), ("Ottignies", "10"),
)  # fmt: skip
BE_NL_TOWNS = (
    ("Gent", "9"), ("Antwerpen", "3"), ("Leuven", "16"), ("Mechelen", "15"), ("Brugge", "50"),
    ("Hasselt", "11"), ("Kortrijk", "56"), ("Aalst", "53"), ("Oostende", "59"), ("Genk", "89"),
    ("Sint-Niklaas", "3"), ("Turnhout", "14"), ("Lier", "3"),
)  # fmt: skip
BE_DE_TOWNS = (("Eupen", "87"), ("Sankt Vith", "80"), ("Kelmis", "87"), ("Raeren", "87"))

# Public bodies: "{town}" is replaced; "de {town}" is elided to "d'…", "du …", "des …".
FR_PUBLIC = (
    "Mairie de {town}", "Commune de {town}", "Centre hospitalier de {town}",
    "Communauté d'agglomération de {town}",
)  # fmt: skip
BE_FR_PUBLIC = ("Commune de {town}", "Ville de {town}", "CPAS de {town}")
BE_NL_PUBLIC = ("Gemeente {town}", "Stad {town}", "OCMW {town}")
BE_DE_PUBLIC = ("Gemeinde {town}", "ÖSHZ {town}")

# Local parts of accounting mailboxes, per language.
MAILBOXES = {
    "fr": ("compta", "factures", "comptabilite", "admin", "finances"),
    "nl": ("boekhouding", "facturatie", "admin", "financien"),
    "en": ("accounts", "billing", "finance"),
    "de": ("buchhaltung", "rechnungen", "verwaltung"),
}
# French landline and mobile prefixes reserved by ARCEP for fiction (9 digits with 4 free).
FR_FICTION_LANDLINES = ("19900", "26191", "35301", "46571", "53649")
FR_FICTION_MOBILES = ("63998",)
_NOT_IN_EMAILS = frozenset(
    ("et", "associes", "sarl", "sas", "sasu", "eurl", "sa", "srl", "sc", "bv", "nv", "cv")
)


def towns(community: str) -> Sequence[tuple[str, str]]:
    return {"FR": FR_TOWNS, "BE-fr": BE_FR_TOWNS, "BE-nl": BE_NL_TOWNS}.get(community, BE_DE_TOWNS)


def person(rng: random.Random, community: str) -> str:
    firsts, lasts = {
        "FR": (FR_FIRST, FR_LAST),
        "BE-fr": (WA_FIRST, WA_LAST),
        "BE-nl": (NL_FIRST, NL_LAST),
        "BE-de": (DE_FIRST, DE_LAST),
    }.get(community, (EN_FIRST, EN_LAST))
    return f"{rng.choice(firsts)} {rng.choice(lasts)}"


def company(rng: random.Random, community: str) -> str:
    if community == "FR":
        last, legal = rng.choice(FR_LAST), weighted(rng, FR_LEGAL)
    elif community == "BE-fr":
        last, legal = rng.choice(WA_LAST), weighted(rng, BE_FR_LEGAL)
    else:
        lasts = DE_LAST if community == "BE-de" else NL_LAST
        last, legal = rng.choice(lasts), weighted(rng, BE_NL_LEGAL)
        if rng.random() < 0.15:
            return f"{last} & Zonen {legal}"
        return f"{rng.choice(NL_TRADES)} {last} {legal}"
    pattern = rng.random()
    if pattern < 0.10:
        return f"Cabinet {last} & Associés"
    if pattern < 0.20:
        return f"{last} et Fils {legal}"
    if pattern < 0.30:
        return f"{rng.choice(FR_TRADES)} du {rng.choice(FR_PLACES)} {legal}"
    return f"{rng.choice(FR_TRADES)} {last} {legal}"


def public_body(rng: random.Random, community: str, town: str) -> str:
    pattern = rng.choice(
        {
            "FR": FR_PUBLIC,
            "BE-fr": BE_FR_PUBLIC,
            "BE-nl": BE_NL_PUBLIC,
        }.get(community, BE_DE_PUBLIC)
    )
    if " de {town}" in pattern:  # French elision: d'Angers, du Mans, des Sables-d'Olonne
        for article, contracted in (("Le ", "du "), ("Les ", "des ")):
            if town.startswith(article):
                return pattern.replace("de {town}", contracted + town[len(article) :])
        if _unaccented(town[0]) in "AEIOUY":
            return pattern.replace("de {town}", "d'" + town)
    return pattern.replace("{town}", town)


def weighted(rng: random.Random, weights: Sequence[tuple[str, int]]) -> str:
    values = [value for value, _ in weights]
    return rng.choices(values, weights=[weight for _, weight in weights])[0]


def email(
    rng: random.Random,
    name: str,
    kind: str,
    country: str,
    language: str,
    index: int,
    taken: set[str],
) -> str:
    domain = rng.choice(("example.fr", "example.fr", "example.com"))
    if country == "BE":
        domain = rng.choice(("example.be", "example.be", "example.com"))
    slug = _slug(name, "." if kind == "B2C" else "-")
    local = slug if kind == "B2C" else f"{rng.choice(MAILBOXES[language])}.{slug}"
    address = f"{local}@{domain}"
    if address in taken:
        address = f"{local}.{index}@{domain}"
    taken.add(address)
    return address


def phone(rng: random.Random, country: str, kind: str, zone: str) -> str:
    if country == "FR":
        prefixes = FR_FICTION_MOBILES if kind == "B2C" else FR_FICTION_LANDLINES
        return f"+33{rng.choice(prefixes)}{rng.randint(0, 9999):04d}"
    if kind == "B2C":
        return f"+324{rng.choice('789')}{rng.randint(0, 9_999_999):07d}"
    return f"+32{zone}{rng.randint(10 ** (7 - len(zone)), 10 ** (8 - len(zone)) - 1)}"


def _unaccented(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _slug(text: str, separator: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in _unaccented(text).lower()).split()
    return separator.join(word for word in words if word not in _NOT_IN_EMAILS)
