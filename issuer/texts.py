"""The few fixed phrases an issued credential carries, in the catalogue's seven languages."""

from __future__ import annotations

__all__ = ["ASSESSED_BY", "INTERVIEW", "PORTFOLIO", "TRAINING", "text"]

PORTFOLIO: dict[str, tuple[str, str]] = {
    "en": (
        "Portfolio of evidence",
        "Documentation of the volunteering experience reviewed by the assessor.",
    ),
    "it": (
        "Portfolio di evidenze",
        "Documentazione dell'esperienza di volontariato esaminata dal valutatore.",
    ),
    "nl": (
        "Portfolio met bewijsstukken",
        "Documentatie van de vrijwilligerservaring, beoordeeld door de assessor.",
    ),
    "fr": (
        "Portfolio de preuves",
        "Documentation de l'expérience de bénévolat examinée par l'évaluateur.",
    ),
    "es": (
        "Portafolio de evidencias",
        "Documentación de la experiencia de voluntariado revisada por el evaluador.",
    ),
    "pl": (
        "Portfolio dowodów",
        "Dokumentacja doświadczenia wolontariackiego oceniona przez asesora.",
    ),
    "da": (
        "Portfolio med dokumentation",
        "Dokumentation af den frivillige erfaring, vurderet af bedømmeren.",
    ),
}
INTERVIEW: dict[str, tuple[str, str]] = {
    "en": ("Assessment interview", "Interview of the candidate by an external LEVER UP assessor."),
    "it": (
        "Colloquio di valutazione",
        "Colloquio del candidato con un valutatore LEVER UP esterno.",
    ),
    "nl": ("Assessmentgesprek", "Gesprek van een externe LEVER UP-assessor met de kandidaat."),
    "fr": ("Entretien d'évaluation", "Entretien du candidat avec un évaluateur LEVER UP externe."),
    "es": (
        "Entrevista de evaluación",
        "Entrevista del candidato con un evaluador externo de LEVER UP.",
    ),
    "pl": ("Rozmowa oceniająca", "Rozmowa kandydata z zewnętrznym asesorem LEVER UP."),
    "da": ("Bedømmelsessamtale", "Samtale mellem kandidaten og en ekstern LEVER UP-bedømmer."),
}
TRAINING: dict[str, tuple[str, str]] = {
    "en": (
        "LEVER UP training course completed",
        "The practitioner completed the LEVER UP training course for this role: about 20 hours"
        " over a couple of months, five online modules each closed by a self-assessment test,"
        " and a blended path with face-to-face sessions.",
    ),
    "it": (
        "Percorso formativo LEVER UP completato",
        "La persona ha completato il percorso formativo LEVER UP per questo ruolo: circa 20 ore"
        " nell'arco di un paio di mesi, cinque moduli online ciascuno concluso da un test di"
        " autovalutazione e un percorso blended con incontri in presenza.",
    ),
    "nl": (
        "LEVER UP-opleiding afgerond",
        "De deelnemer heeft de LEVER UP-opleiding voor deze rol afgerond: ongeveer 20 uur"
        " gespreid over een paar maanden, vijf online modules die elk met een zelfevaluatietest"
        " worden afgesloten, en een blended traject met bijeenkomsten op locatie.",
    ),
    "fr": (
        "Formation LEVER UP suivie",
        "La personne a suivi la formation LEVER UP pour ce rôle : environ 20 heures réparties sur"
        " deux mois environ, cinq modules en ligne conclus chacun par un test d'autoévaluation,"
        " et un parcours hybride avec des sessions en présentiel.",
    ),
    "es": (
        "Formación LEVER UP completada",
        "La persona completó la formación LEVER UP para este rol: unas 20 horas a lo largo de un"
        " par de meses, cinco módulos en línea cerrados cada uno con una prueba de"
        " autoevaluación y un itinerario semipresencial con sesiones presenciales.",
    ),
    "pl": (
        "Ukończone szkolenie LEVER UP",
        "Uczestnik ukończył szkolenie LEVER UP dla tej roli: około 20 godzin w ciągu kilku"
        " miesięcy, pięć modułów online, z których każdy kończy się testem samooceny, oraz"
        " ścieżkę mieszaną z zajęciami stacjonarnymi.",
    ),
    "da": (
        "LEVER UP-uddannelse gennemført",
        "Deltageren har gennemført LEVER UP-uddannelsen til denne rolle: omkring 20 timer over"
        " et par måneder, fem onlinemoduler, der hver afsluttes med en selvevalueringstest, og"
        " et blended forløb med fysiske sessioner.",
    ),
}
"""The evidence of a practitioner-role credential: the role is earned by the training."""

ASSESSED_BY: dict[str, str] = {
    "en": "Assessor: {name}",
    "it": "Valutatore: {name}",
    "nl": "Assessor: {name}",
    "fr": "Évaluateur : {name}",
    "es": "Evaluador: {name}",
    "pl": "Asesor: {name}",
    "da": "Bedømmer: {name}",
}


def text(table: dict[str, tuple[str, str]], lang: str) -> tuple[str, str]:
    """The (name, description) pair of ``table`` in ``lang``, English when missing."""
    return table.get(lang, table["en"])
