"""Drafting: the people an article names, their posts, and who signed which contract.

On both seed articles, what the seed datasets hold (domain/data/partnerships/*.yaml);
then one short text per wording the extractor reads. Partners and territories are built
by hand (tests/unit/draft_readings.py); the contracts come from the contracts extractor,
which runs before this one.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.vocabulary import PartnerKind
from loaders.drafts import contracts, people
from loaders.drafts.facts import ContractFact, PartnerFact, PersonFact, SignatoryFact
from loaders.drafts.reading import Reading
from tests.conftest import SEED_ARTICLES
from tests.unit.draft_readings import (
    CREUSOT_PARTNERS,
    CREUSOT_TERRITORIES,
    SAINT_FLOUR_PARTNERS,
    SAINT_FLOUR_TERRITORIES,
    Partner,
    reading_of,
)


def _read(knowledge: Any, text: str, **kwargs: Any) -> Reading:
    reading = reading_of(knowledge, text, **kwargs)
    contracts.extract(reading)
    people.extract(reading)
    return reading


def _people(reading: Reading) -> dict[str, PersonFact]:
    return {p.name: p for p in reading.of_type(PersonFact)}


def _partner_names(reading: Reading) -> dict[str, str]:
    return {p.id: p.name for p in reading.of_type(PartnerFact)}


def _posts(reading: Reading) -> dict[str, tuple[str | None, str | None]]:
    names = _partner_names(reading)
    return {
        p.name: (p.post, names[p.organisation] if p.organisation else None)
        for p in reading.of_type(PersonFact)
    }


def _signatories(reading: Reading) -> set[tuple[str, str, str | None]]:
    """(contract name, partner name, person name) of every signatory."""
    partners = _partner_names(reading)
    persons = {p.id: p.name for p in reading.of_type(PersonFact)}
    names = {c.id: c.name for c in reading.of_type(ContractFact)}
    return {
        (names[s.contract], partners[s.partner], persons[s.person] if s.person else None)
        for s in reading.of_type(SignatoryFact)
    }


@pytest.fixture(scope="module")
def saint_flour(draft_knowledge: Any) -> Reading:
    text = SEED_ARTICLES["saint-flour-ctg-2017"].read_text(encoding="utf-8")
    return _read(
        draft_knowledge, text, territories=SAINT_FLOUR_TERRITORIES, partners=SAINT_FLOUR_PARTNERS
    )


def test_saint_flour_people_with_their_posts_and_organisations(saint_flour: Reading) -> None:
    assert _posts(saint_flour) == {
        # « Présidente de la Caf du Cantal », then « Présidente du Conseil d'administration de
        # la Caf du Cantal »: one person, the fuller wording.
        "Bernadette Ginez": ("Présidente du Conseil d'administration", "Caf du Cantal"),
        "Pascal Pons": ("Directeur", "Caf du Cantal"),
        "Pierre Jarlier": ("Président", "Saint-Flour Communauté"),
        "Gérard Delpy": ("Vice-président en charge de la jeunesse", "Saint-Flour Communauté"),
    }
    found = _people(saint_flour)
    # « Bernadette GINEZ » three times (once « Bernadette Ginez »): one person, all kept.
    ginez = found["Bernadette Ginez"]
    assert ginez.evidence.quote == "Bernadette GINEZ"
    assert sorted(e.quote for e in ginez.also) == ["Bernadette GINEZ", "Bernadette Ginez"]
    # The article names no organisation for Gérard Delpy's post: it is inferred and says so.
    assert found["Gérard Delpy"].inferred is not None
    assert "Pierre Jarlier" in found["Gérard Delpy"].inferred
    assert found["Pierre Jarlier"].inferred is None


def test_saint_flour_four_signatories_through_their_people(saint_flour: Reading) -> None:
    ctg = "CTG Saint-Flour Communauté"
    assert _signatories(saint_flour) == {
        (ctg, "Caf du Cantal", "Bernadette Ginez"),
        (ctg, "Caf du Cantal", "Pascal Pons"),
        (ctg, "Saint-Flour Communauté", "Pierre Jarlier"),
        (ctg, "Saint-Flour Communauté", "Gérard Delpy"),
    }
    for signatory in saint_flour.of_type(SignatoryFact):
        assert "ont signé conjointement avec" in signatory.evidence.quote


def test_creusot_parties_named_between_the_caf_and_the_others(draft_knowledge: Any) -> None:
    text = SEED_ARTICLES["creusot-montceau-ctg-2021"].read_text(encoding="utf-8")
    reading = _read(
        draft_knowledge, text, territories=CREUSOT_TERRITORIES, partners=CREUSOT_PARTNERS
    )
    assert reading.of_type(PersonFact) == []  # the référents are not named
    found = _signatories(reading)
    caf, cu = "Caf de Saône-et-Loire", "communauté urbaine"
    # « Conventions territoriales globales entre la Caf de Saône-et-Loire et la communauté
    # urbaine »; « des CEJ existant entre la Caf et les communes : 13 CEJ … »
    for basin in ("CTG bassin nord", "CTG bassin sud"):
        assert {(basin, caf, None), (basin, cu, None)} <= found
    cej_parties = {(c, p) for c, p, _ in found if c.startswith("CEJ ")}
    assert len(cej_parties) == 13
    assert {p for _, p in cej_parties} == {caf}


MANCHE = (
    Partner("Caf de la Manche", PartnerKind.CAF),
    Partner("Caisse d'allocations familiales de la Manche", PartnerKind.CAF, quote="Caisse"),
)


def test_respectivement_gives_each_person_a_post_in_order(draft_knowledge: Any) -> None:
    text = (
        "Jean DUPONT et Marie MARTIN, respectivement président et directrice de la Caf de la "
        "Manche, ont signé la convention territoriale globale."
    )
    reading = _read(draft_knowledge, text, partners=MANCHE[:1])
    assert _posts(reading) == {
        "Jean Dupont": ("Président", "Caf de la Manche"),
        "Marie Martin": ("Directrice", "Caf de la Manche"),
    }
    assert {p for _, _, p in _signatories(reading)} == {"Jean Dupont", "Marie Martin"}


def test_represented_by_gives_the_organisation_represented(draft_knowledge: Any) -> None:
    text = (
        "Convention territoriale globale\n"
        "Entre : la Caisse d'allocations familiales de la Manche, représentée par son "
        "Président, M. Frédéric SOULIER ; et la Communauté de communes de la Baie, "
        "représentée par sa Présidente, Mme Anne LEROY.\n"
        "Il a été convenu ce qui suit."
    )
    partners = (
        Partner("Caf de la Manche", PartnerKind.CAF, quote="Caisse d'allocations familiales"),
        Partner("Communauté de communes de la Baie", PartnerKind.EPCI),
    )
    reading = _read(draft_knowledge, text, partners=partners)
    assert _posts(reading) == {
        "Frédéric Soulier": ("Président", "Caf de la Manche"),
        "Anne Leroy": ("Présidente", "Communauté de communes de la Baie"),
    }
    # The contract takes the name of the article's local authority.
    ctg = "CTG Communauté de communes de la Baie"
    assert _signatories(reading) == {
        (ctg, "Caf de la Manche", "Frédéric Soulier"),
        (ctg, "Communauté de communes de la Baie", "Anne Leroy"),
    }


def test_aux_cotes_de_son_directeur_is_the_speakers_organisation(draft_knowledge: Any) -> None:
    text = (
        "« Nous sommes fiers », a déclaré Marie MARTIN, présidente de la Caf de la Manche, "
        "aux côtés de son directeur Paul DURAND."
    )
    reading = _read(draft_knowledge, text, partners=MANCHE[:1])
    assert _posts(reading)["Paul Durand"] == ("Directeur", "Caf de la Manche")


def test_capitalised_acronyms_and_places_are_no_people(draft_knowledge: Any) -> None:
    text = "La CTG de la Caf de la Manche est signée à Saint-Lô. Une CAF locale y participe."
    reading = _read(draft_knowledge, text, partners=MANCHE[:1])
    assert reading.of_type(PersonFact) == []


def test_post_in_brackets_or_with_its_article_and_three_word_names(draft_knowledge: Any) -> None:
    text = (
        "Pascal PIGOT (Président de Mond'Arverne Communauté) était là. Harry Claude Morel, "
        "président de la Caf de la Manche, accueillait Frédéric Turblin, le directeur de la "
        "caisse d'allocation familiale (CAF)."
    )
    partners = (
        Partner("Mond'Arverne Communauté", PartnerKind.EPCI),
        Partner("Caf de la Manche", PartnerKind.CAF),
    )
    reading = _read(draft_knowledge, text, partners=partners)
    assert _posts(reading) == {
        "Pascal Pigot": ("Président", "Mond'Arverne Communauté"),
        "Harry Claude Morel": ("Président", "Caf de la Manche"),
        "Frédéric Turblin": ("Directeur", "Caf de la Manche"),
    }


def test_represented_by_the_president_of_its_board(draft_knowledge: Any) -> None:
    text = (
        "Entre : la Caf de la Corrèze, représentée par le Président de son Conseil "
        "d'administration, M. Christophe DELPEYROUX, et par sa Directrice, Mme Anne-Hélène "
        "RUFF ; Ci-après dénommée « la Caf »."
    )
    reading = _read(
        draft_knowledge, text, partners=(Partner("Caf de la Corrèze", PartnerKind.CAF),)
    )
    assert _posts(reading) == {
        "Christophe Delpeyroux": ("Président de son Conseil d'administration", "Caf de la Corrèze"),
        "Anne-Hélène Ruff": ("Directrice", "Caf de la Corrèze"),
    }


def test_signed_by_one_partner_with_another(draft_knowledge: Any) -> None:
    text = (
        "C'est le cas de la Convention territoriale globale (CTG) signée par la communauté de "
        "communes de la Houve avec la Caisse d'allocations familiales de Moselle, le 12 janvier."
    )
    partners = (
        Partner("CC de la Houve", PartnerKind.EPCI, quote="communauté de communes de la Houve"),
        Partner("Caf de la Moselle", PartnerKind.CAF, quote="Caisse d'allocations familiales"),
    )
    reading = _read(draft_knowledge, text, partners=partners)
    ctg = reading.of_type(ContractFact)[0].name
    assert _signatories(reading) == {
        (ctg, "CC de la Houve", None),
        (ctg, "Caf de la Moselle", None),
    }


def test_parties_list_across_wrapped_lines_and_items(draft_knowledge: Any) -> None:
    """A convention's « Entre : » list: a name cut by a line break after « M. », « M »
    without its full stop, « et par le directeur par intérim », items after blank lines,
    each party's « Ci-après dénommée » inside the list; all parties sign."""
    text = (
        "CONVENTION TERRITORIALE GLOBALE\n"
        "Entre :\n"
        "- La Caf du Gers, représentée par le président de son Conseil d'administration, M.\n"
        "Paul DURAND, et par le directeur par intérim, M Martin ; Ci-après dénommée « la "
        "Caf » ;\n \n"
        "- La Commune d'Auch, représentée par son Maire, Mme Claire\nLEROY ; Ci-après "
        "dénommée « la Commune » ;\n \n"
        "Il est convenu ce qui suit."
    )
    partners = (
        Partner("Caf du Gers", PartnerKind.CAF),
        Partner("Auch", PartnerKind.COMMUNE, quote="Commune d'Auch"),
    )
    reading = _read(draft_knowledge, text, partners=partners)
    assert _posts(reading) == {
        "Paul Durand": ("Président de son Conseil d'administration", "Caf du Gers"),
        "Martin": ("Directeur par intérim", "Caf du Gers"),
        "Claire Leroy": ("Maire", "Auch"),
    }
    assert {(partner, person) for _, partner, person in _signatories(reading)} == {
        ("Caf du Gers", "Paul Durand"),
        ("Auch", "Claire Leroy"),
    }


def test_post_of_a_partner_before_the_name_and_met_for_the_signing(
    draft_knowledge: Any,
) -> None:
    """« le président de la Caf du Gers, Paul Durand » (post and partner before the name);
    « étaient réunis … pour la signature de la CTG »: the people met sign for their
    partners; « le maire de Lectoure, X » names no partner found: no post is guessed."""
    text = (
        "Claire LEROY (Présidente de la Communauté de communes de la Lomagne) et le "
        "président de la Caf du Gers, Paul Durand, étaient réunis lundi à Auch pour la "
        "signature de la convention territoriale globale. Le maire de Lectoure, Jean "
        "Moulin, était présent."
    )
    partners = (
        Partner("Communauté de communes de la Lomagne", PartnerKind.EPCI),
        Partner("Caf du Gers", PartnerKind.CAF),
    )
    reading = _read(draft_knowledge, text, partners=partners)
    posts = _posts(reading)
    assert posts["Paul Durand"] == ("Président", "Caf du Gers")
    assert posts["Claire Leroy"] == ("Présidente", "Communauté de communes de la Lomagne")
    assert posts.get("Jean Moulin", (None, None))[1] is None
    assert {(partner, person) for _, partner, person in _signatories(reading)} == {
        ("Caf du Gers", "Paul Durand"),
        ("Communauté de communes de la Lomagne", "Claire Leroy"),
    }


def test_partners_listed_after_signataires_sign_the_contract_before(
    draft_knowledge: Any,
) -> None:
    """« D'autres partenaires sont aussi signataires : la CPAM, la MSA. »: of the
    convention territoriale globale named in the sentence before."""
    text = (
        "La convention territoriale globale lie la Caf du Gers et la Communauté de communes "
        "de la Lomagne. D'autres partenaires sont aussi signataires : la CPAM, la MSA."
    )
    partners = (
        Partner("Caf du Gers", PartnerKind.CAF),
        Partner("Communauté de communes de la Lomagne", PartnerKind.EPCI),
        Partner("CPAM", PartnerKind.CPAM),
        Partner("MSA", PartnerKind.MSA),
    )
    reading = _read(draft_knowledge, text, partners=partners)
    assert {partner for _, partner, _ in _signatories(reading)} == {"CPAM", "MSA"}


def test_between_a_and_b_ends_at_the_comma_after_its_last_party(draft_knowledge: Any) -> None:
    """« entre A (…) et B (…), s'est tenue à la mairie d'Auch »: Auch hosts, it does not
    sign."""
    text = (
        "La signature de la convention territoriale globale entre la CCL (Communauté de "
        "communes de la Lomagne) et la Caf du Gers, s'est tenue à la mairie d'Auch."
    )
    partners = (
        Partner("Communauté de communes de la Lomagne", PartnerKind.EPCI),
        Partner("Caf du Gers", PartnerKind.CAF),
        Partner("Auch", PartnerKind.COMMUNE, quote="Auch"),
    )
    reading = _read(draft_knowledge, text, partners=partners)
    assert {partner for _, partner, _ in _signatories(reading)} == {
        "Communauté de communes de la Lomagne",
        "Caf du Gers",
    }
