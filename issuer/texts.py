"""The few fixed phrases an issued credential carries, in the catalogue's seven languages."""

from __future__ import annotations

__all__ = ["ASSESSED_BY", "INTERVIEW", "PORTFOLIO", "text"]

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
