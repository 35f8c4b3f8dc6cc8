"""Exports with headers in German, French, Spanish, Portuguese, Dutch and Italian.

The oracle: the same people written twice, once with English headers and
once with another language's, read with the column map each suggests, give
the same participants (and the suggestion is the map a person would write).
"""

from __future__ import annotations

import csv
import io
import warnings

import pytest

import rmatch as rm
from rmatch.io.columns import guesses

FIELDS = ["id", "name", "department", "languages", "birth_year", "manager_id", "role",
          "location", "capacity", "attributes"]
ENGLISH = ["Employee ID", "Full name", "Department", "Languages", "Year of birth",
           "Line manager", "Programme role", "Office", "Capacity", "Gender"]
ABROAD = {
    "de": ["Personalnummer", "Name", "Abteilung", "Sprachen", "Geburtsjahr", "Vorgesetzter",
           "Rolle", "Standort", "Kapazität", "Geschlecht"],
    "fr": ["Matricule", "Nom complet", "Département", "Langues", "Année de naissance",
           "Responsable hiérarchique", "Rôle", "Site", "Capacité", "Sexe"],
    "es": ["Número de empleado", "Nombre completo", "Departamento", "Idiomas",
           "Fecha de nacimiento", "Jefe directo", "Rol", "Oficina", "Capacidad", "Género"],
    "pt": ["Matrícula", "Nome completo", "Departamento", "Idiomas", "Data de nascimento",
           "Gestor", "Papel", "Escritório", "Capacidade", "Gênero"],
    "nl": ["Personeelsnummer", "Naam", "Afdeling", "Talen", "Geboortejaar", "Leidinggevende",
           "Rol", "Vestiging", "Capaciteit", "Geslacht"],
    "it": ["Matricola", "Nome completo", "Reparto", "Lingue", "Anno di nascita",
           "Responsabile", "Ruolo", "Sede", "Capacità", "Genere"],
}
ROWS = [["E1001", "Ana Lima", "Ops", "English; Français", "1994", "", "junior", "Paris", "2", "F"],
        ["E1002", "Ben Roth", "Sales", "English", "1969", "", "senior", "Berlin", "1", "M"],
        ["E1003", "Cy Moretti", "Ops", "Italiano", "1997", "E1002", "junior", "Roma", "1", "M"],
        ["E1004", "Dee Jansen", "IT", "Nederlands; English", "1972", "", "senior", "Paris", "3",
         "F"],
        ["E1005", "Eve Souza", "Sales", "Português", "1999", "E1004", "junior", "Lisboa", "1", "F"]]


def _csv(headers: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows([headers, *ROWS])
    return out.getvalue()


def _read(text: str, columns: dict[str, str | None]) -> list[rm.Participant]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        return rm.read_participants(io.StringIO(text), columns=columns)


@pytest.mark.parametrize("language", sorted(ABROAD))
def test_headers_in_another_language_read_as_the_english_ones(language: str) -> None:
    headers = ABROAD[language]
    text = _csv(headers)
    suggested = rm.suggest_columns(io.StringIO(text))
    gender = suggested[headers[-1]]  # a diversity column: an attribute under its own word
    assert gender is not None
    assert gender.startswith("attributes.")
    assert suggested == dict(zip(headers, [*FIELDS[:-1], gender], strict=True))
    english = _read(_csv(ENGLISH), rm.suggest_columns(io.StringIO(_csv(ENGLISH))))
    abroad = _read(text, suggested)
    # The same people but for the gender attribute's key, which is the header's own word.
    assert [p.model_copy(update={"attributes": {}}) for p in abroad] == \
        [p.model_copy(update={"attributes": {}}) for p in english]
    assert [set(p.attributes.values()) for p in abroad] == \
        [set(p.attributes.values()) for p in english]


def test_accents_and_their_absence_read_alike() -> None:
    for header in ("Département", "Departement", "DEPARTEMENT", "departement"):
        assert guesses(header)[0] == ("department", 100.0)
    assert guesses("Année de naissance")[0] == guesses("Annee de naissance")[0]
    assert rm.suggest_columns(io.StringIO("id,Année de naissance du conjoint\na,1\n"))[
        "Année de naissance du conjoint"] in (None, "birth_year")


def test_a_short_word_inside_another_guesses_nothing() -> None:
    """'Vorgesetzter' held 'tz' and 'org' and was guessed a time zone or a department."""
    assert [t for t, _ in guesses("Vorgesetzter")][:1] == ["manager_id"]
    for header, short in (("Orgasmatron", "department"), ("Blitzkrieg", "timezone"),
                          ("Seamstress", "department"), ("Database", "location")):
        assert all(t != short or score < 88 for t, score in guesses(header)), header
    # A job's title abroad, where English "Function" is a department: left out.
    for header in ("Fonction", "Función", "Funktion"):
        assert guesses(header)[0] == (None, 100.0)
    assert guesses("Function")[0] == ("department", 100.0)
    # As a whole word it still counts: "Sales team" is a department.
    assert guesses("Sales team")[0][0] == "department"
    assert guesses("Worksite")[0][0] == "location"


# How a sign-up form in each language words the two sides (reverse mentoring: the
# junior mentors, the senior is the mentee).
SIDES = {"de": ("Nachwuchskraft", "Führungskraft"), "fr": ("Mentor", "Mentoré"),
         "es": ("Mentora", "Mentorizado"), "pt": ("Jovem talento", "Mentorada"),
         "nl": ("Stagiair", "Leidinggevende"), "it": ("Mentore", "Mentorato")}


@pytest.mark.parametrize("language", sorted(SIDES))
def test_a_forms_sides_in_another_language_are_proposed_as_the_english_ones(
        language: str) -> None:
    junior, senior = SIDES[language]
    headers = ABROAD[language]
    text = _csv(headers).replace(",junior,", f",{junior},").replace(",senior,", f",{senior},")
    proposed = rm.suggest_values(io.StringIO(text), columns=rm.suggest_columns(io.StringIO(text)))
    assert proposed["role"] == {junior: "junior", senior: "senior"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        people = rm.read_participants(io.StringIO(text), values=proposed,
                                      columns=rm.suggest_columns(io.StringIO(text)))
    assert [p.role for p in people] == [row[6] for row in ROWS]


FORMS_FR = """ID,Heure de début,Heure de fin,Adresse de messagerie,Nom,Je suis,Langues parlées,\
Disponibilités,Fuseau horaire,Mentor souhaité (1er choix),Mentor souhaité (2e choix),\
Année de naissance
1,03/11/2026 09:01:02,03/11/2026 09:05:40,ana@ex.fr,Ana Lima,Mentor (jeune talent),\
Français; Anglais (courant),lundi matin;mercredi après-midi,Europe/Paris,,,1998
2,03/11/2026 09:03:10,03/11/2026 09:08:00,jp@ex.fr,Jean-Pierre Dupré,Mentoré (cadre dirigeant),\
Français,lundi matin;jeudi soir,Europe/Paris,Ana Lima,,1966
3,03/11/2026 09:04:00,03/11/2026 09:09:30,zoe@ex.fr,Zoé Martin,Mentor (jeune talent),\
Français; Espagnol (bilingue),mercredi après-midi,Europe/Paris,,,2000
4,03/11/2026 09:10:00,03/11/2026 09:12:30,hc@ex.fr,Hélène Côté,Mentoré (cadre dirigeant),\
Français; Anglais,mercredi après-midi;lundi matin,Europe/Paris,Zoe Martin,Ana Lima,1970
"""


def test_a_french_microsoft_forms_export_reads_with_what_rmatch_columns_proposes() -> None:
    columns = rm.suggest_columns(io.StringIO(FORMS_FR))
    assert columns == {
        "ID": None, "Heure de début": None, "Heure de fin": None,  # response number, times
        "Adresse de messagerie": "id", "Nom": "name", "Je suis": "role",
        "Langues parlées": "languages", "Disponibilités": "availability",
        "Fuseau horaire": "timezone", "Mentor souhaité (1er choix)": "wishes",
        "Mentor souhaité (2e choix)": "wishes", "Année de naissance": "birth_year"}
    values = rm.suggest_values(io.StringIO(FORMS_FR), columns=columns)
    assert values["role"] == {"Mentor (jeune talent)": "junior",
                              "Mentoré (cadre dirigeant)": "senior"}
    with pytest.warns(rm.InputWarning, match="given as a person's name read as that person's id"):
        people = rm.read_participants(io.StringIO(FORMS_FR), columns=columns, values=values)
    by_id = {p.id: p for p in people}
    assert by_id["hc@ex.fr"].wishes == ["zoe@ex.fr", "ana@ex.fr"]  # 'Zoe Martin' is Zoé
    assert by_id["ana@ex.fr"].availability == {"Mon AM", "Wed PM"}
    assert by_id["zoe@ex.fr"].language_levels == {"es": "native"}


@pytest.mark.parametrize(("questions", "fields"), [
    (["Quand êtes-vous disponible ?", "Combien de mentorés pouvez-vous accompagner ?",
      "Sujets que je peux partager", "Sujets que je souhaite apprendre"],
     ["availability", "capacity", "skills", "goals"]),
    (["Wann haben Sie Zeit?", "Wie viele Mentees können Sie begleiten?",
      "Welche Themen können Sie teilen?", "Welche Themen möchten Sie lernen?"],
     ["availability", "capacity", "skills", "goals"]),
])
def test_a_forms_questions_in_another_language_are_the_fields_they_ask_for(
        questions: list[str], fields: list[str]) -> None:
    answers = ["lundi matin;mercredi après-midi", "2", "IA générative", "Stratégie"]
    text = "id,role," + ",".join(f'"{q}"' for q in questions) + "\n" + \
        "a@x.fr,junior," + ",".join(f'"{a}"' for a in answers) + "\n"
    suggested = rm.suggest_columns(io.StringIO(text))
    assert [suggested[q] for q in questions] == fields
    [person] = rm.read_participants(io.StringIO(text), columns=suggested)
    assert person.availability == {"Mon AM", "Wed PM"}
    assert person.capacity == 2
