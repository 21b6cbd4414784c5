"""The demo network's data: accounts, places, people, fields, projects, envelopes and the
words of the contributions. ``demo.network`` builds it through the services."""
from decimal import Decimal

DEMO_ACCOUNTS = [
    # email, password, first name, last name, role
    ("contributrice@demo.tiers-lieux.org", "demo-contrib-2026", "Camille", "Roux", "contributor"),
    ("pilote@demo.tiers-lieux.org", "demo-pilote-2026", "Malik", "Benali", "pilot"),
    ("tresorier@demo.tiers-lieux.org", "demo-tresor-2026", "Hélène", "Marchand", "treasurer"),
    ("coordination@demo.tiers-lieux.org", "demo-coord-2026", "Sacha", "Lefèvre", "coordinator"),
]

PLACES = [
    ("La Fabrique du Coin", "Tours", "85234567800011", "12 rue des Tanneurs, 37000 Tours"),
    ("Le Moulin Partagé", "Amboise", "81345678900022", "3 chemin du Moulin, 37400 Amboise"),
    ("L'Atelier des Possibles", "Blois", "79456789000033", "45 avenue Wilson, 41000 Blois"),
    ("La Grange Numérique", "Loches", "88567890100044", "Lieu-dit La Grange, 37600 Loches"),
    ("Coworking Les Halles", "Orléans", "83678901200055", "8 place du Martroi, 45000 Orléans"),
    ("Fablab Le Rucher", "Vendôme", "80789012300066", "21 rue Saulnerie, 41100 Vendôme"),
]

FIRST_NAMES = ["Léa", "Hugo", "Inès", "Noé", "Zoé", "Jules", "Manon", "Yanis", "Chloé", "Louis",
               "Emma", "Nathan", "Sarah", "Théo", "Jade", "Lucas", "Anaïs", "Tom", "Clara",
               "Rayan", "Lina", "Paul", "Mila", "Adam", "Rose", "Samuel"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
              "Leroy", "Moreau", "Simon", "Laurent", "Michel", "Garcia", "David", "Bertrand",
              "Fontaine", "Girard", "Bonnet", "Dupont", "Lambert", "Faure", "Rousseau", "Blanc",
              "Guerin", "Muller"]

FIELDS = [
    ("Transition numérique", "numerique"),
    ("Alimentation et circuits courts", "alimentation"),
    ("Culture et éducation populaire", "culture"),
]

# name, slug, field index, phase, open, fundings [(funder, reference, amount)]
PROJECTS = [
    ("Tiers-lieux numériques accessibles", "numerique-accessible", 0, "production", False,
     [("Région Centre-Val de Loire", "CVL-2026-TL-0142", "48000.00"),
      ("ANCT — Fabriques de territoire", "ANCT-FT-2026-0387", "30000.00")]),
    ("Repair cafés itinérants", "repair-cafes", 0, "emergence", True,
     [("Fondation de France", "FDF-2026-ENV-5521", "15000.00")]),
    ("Légumerie partagée", "legumerie", 1, "production", True,
     [("Région Centre-Val de Loire", "CVL-2026-ALIM-0077", "36000.00"),
      ("Fondation Daniel et Nina Carasso", "FDNC-2026-118", "20000.00")]),
    ("Festival des communs", "festival-communs", 2, "emergence", True,
     [("ANCT — Fabriques de territoire", "ANCT-FT-2026-0412", "12000.00")]),
    ("Résidences d'artistes en campagne", "residences", 2, "production", False,
     [("Région Centre-Val de Loire", "CVL-2026-CULT-0203", "24000.00")]),
]

# Envelopes per project: (name, kind, rule, share of budget, daily rate)
ENVELOPE_PLAN = [
    ("Production", "production", "time_rate", Decimal("0.45"), Decimal("280.00")),
    ("Coordination", "coordination", "time_rate", Decimal("0.15"), Decimal("250.00")),
    ("Administration", "support_admin", "prorata", Decimal("0.06"), Decimal("250.00")),
    ("Communication", "support_com", "time_rate", Decimal("0.06"), Decimal("250.00")),
    ("Documentation", "support_docu", "equal", Decimal("0.04"), Decimal("250.00")),
    ("Sessions créatives", "creative", "peer", Decimal("0.06"), Decimal("250.00")),
    ("Coopération", "support_coop", "request", Decimal("0.04"), Decimal("250.00")),
    ("Communs", "commons", "manual", Decimal("0.05"), Decimal("250.00")),
    ("Réserve de lissage", "reserve", "balanced", Decimal("0.05"), Decimal("250.00")),
]

DESCRIPTIONS = {
    "production": ["Animation d'un atelier d'initiation", "Rédaction du guide pratique",
                   "Installation du matériel", "Accompagnement de porteurs de projet",
                   "Prototype de la plateforme de réservation", "Atelier de réparation"],
    "coordination": ["Réunion de pilotage", "Suivi budgétaire mensuel",
                     "Préparation du comité de suivi", "Coordination des bénévoles"],
    "creative": ["Session créative sur l'identité visuelle", "Atelier d'idéation"],
    "support": ["Mise à jour du site", "Compte rendu et documentation",
                "Relecture de la convention", "Newsletter du réseau"],
    "meeting": ["Réunion d'équipe hebdomadaire", "Plénière du réseau"],
}
