"""Territories and partners drafted from articles: the codes a careful reader would write.

The seed articles are checked against the hand-written seed datasets
(``domain/data/partnerships/*.yaml``): every territory their partners govern or serve,
as the article states it (not those inferred from the reference), is found with its
code, and no other code is. Small texts check each usual wording, the ambiguous names
that must keep their candidates, and the gazetteer alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from domain import resources
from domain.vocabulary import PartnerKind
from loaders.drafts import territories
from loaders.drafts.facts import ArticleInfo, PartnerFact, TerritoryFact
from loaders.drafts.gazetteer import Context, Gazetteer
from loaders.drafts.knowledge import Knowledge
from loaders.drafts.reading import Reading
from tests.conftest import SEED_ARTICLES

pytestmark = pytest.mark.usefixtures("draft_knowledge")


def read(text: str, knowledge: Knowledge) -> Reading:
    """The territories extractor alone on ``text``."""
    reading = Reading(
        text=text, article=ArticleInfo(), doc=knowledge.nlp(text), knowledge=knowledge
    )
    territories.extract(reading)
    return reading


def codes(reading: Reading) -> set[tuple[str | None, str | None]]:
    return {(t.kind, t.code) for t in reading.of_type(TerritoryFact)}


def partner(reading: Reading, kind: PartnerKind) -> list[PartnerFact]:
    return [p for p in reading.of_type(PartnerFact) if p.kind is kind]


def served(reading: Reading, fact: PartnerFact) -> tuple[str | None, str | None] | None:
    by_id = {t.id: t for t in reading.of_type(TerritoryFact)}
    territory = by_id.get(fact.territory) if fact.territory else None
    return (territory.kind, territory.code) if territory else None


def stated_territories(dataset: str) -> set[tuple[str, str]]:
    """The territories the seed dataset's partners govern or serve, as the article states
    them (the partners known only from the reference are inferred, and left out)."""
    path = resources.SEED_DATASETS / f"{dataset}.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    found: set[tuple[str, str]] = set()
    for entry in data["partners"]:
        if entry.get("certainty") == "inferred":
            continue
        for link in entry.get("governs", []) + entry.get("serves", []):
            ((kind, code),) = link["territory"].items()
            found.add((kind, code))
    return found


# --- the seed articles ------------------------------------------------------------------


def test_saint_flour_territories_and_partners_match_the_seed_dataset(
    draft_knowledge: Knowledge,
) -> None:
    reading = read(
        SEED_ARTICLES["saint-flour-ctg-2017"].read_text(encoding="utf-8"), draft_knowledge
    )

    assert codes(reading) == stated_territories("saint-flour-ctg-2017")
    assert codes(reading) == {("epci", "200066660"), ("commune", "15187"), ("departement", "15")}
    (caf,) = partner(reading, PartnerKind.CAF)
    assert (caf.name, served(reading, caf)) == ("Caf du Cantal", ("departement", "15"))
    assert len(caf.also) >= 10  # every « Caf du Cantal » of the article, in one fact
    (epci,) = partner(reading, PartnerKind.EPCI)
    assert (epci.name, served(reading, epci)) == ("Saint-Flour Communauté", ("epci", "200066660"))
    assert "intercommunalité" in {e.quote for e in epci.also}
    (ville,) = partner(reading, PartnerKind.COMMUNE)
    assert (ville.evidence.quote, served(reading, ville)) == (
        "Ville de Saint-Flour",
        ("commune", "15187"),
    )
    (cnaf,) = partner(reading, PartnerKind.CNAF)
    assert {e.quote for e in cnaf.also} == {"caisse nationale des allocations familiales"}
    # the people of the article are not places (« Pascal PONS » is no commune of Pons)
    assert len(reading.of_type(PartnerFact)) == 4


def test_creusot_montceau_territories_and_partners_match_the_seed_dataset(
    draft_knowledge: Knowledge,
) -> None:
    text = SEED_ARTICLES["creusot-montceau-ctg-2021"].read_text(encoding="utf-8")
    reading = read(text, draft_knowledge)

    cej_communes = {
        "71040", "71132", "71187", "71212", "71059", "71153", "71282",
        "71306", "71310", "71346", "71486", "71499", "71540",
    }  # fmt: skip
    assert codes(reading) == stated_territories("creusot-montceau-ctg-2021")
    assert codes(reading) == {("departement", "71"), ("epci", "247100290")} | {
        ("commune", code) for code in cej_communes
    }
    by_code = {t.code: t for t in reading.of_type(TerritoryFact)}
    assert by_code["71187"].name == "Ecuisses"  # as written, unaccented
    assert by_code["71306"].name == "Montceau"
    # Le Creusot: « villes du Creusot », « ville du Creusot », « Le Creusot » in the list
    assert len(by_code["71153"].also) == 2
    (caf,) = partner(reading, PartnerKind.CAF)
    assert served(reading, caf) == ("departement", "71")
    assert {"Caf", "CAF"} <= {e.quote for e in caf.also}
    (epci,) = partner(reading, PartnerKind.EPCI)
    assert served(reading, epci) == ("epci", "247100290")
    assert epci.evidence.quote == "communauté urbaine Creusot Montceau"
    assert "communauté urbaine" in {e.quote for e in epci.also}
    # the two towns that designate référentes act; the listed communes are territories
    assert {served(reading, p) for p in partner(reading, PartnerKind.COMMUNE)} == {
        ("commune", "71153"),
        ("commune", "71306"),
    }
    assert [p.name for p in partner(reading, PartnerKind.CONSULTANCY)] == ["Cabinet conseil"]


# --- each usual wording -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [
        ("La Caf signe avec Saint-Flour Communauté.", "epci", "200066660"),
        ("La communauté de communes de Saint-Flour signe.", "epci", "200066660"),
        ("La CC de Saint-Flour signe.", "epci", "200066660"),
        ("La communauté d'agglomération du Grand Cahors signe.", "epci", "200023737"),
        ("La CU Creusot Montceau signe.", "epci", "247100290"),
        ("La CU Creusot-Montceau signe.", "epci", "247100290"),
        ("La communauté urbaine Le Creusot Montceau-les-Mines signe.", "epci", "247100290"),
        ("Colmar Agglomération signe.", "epci", "246800726"),
        ("La Communauté d’Agglomération du Bassin de Brive signe.", "epci", "200043172"),
        (
            "La communauté de communes de la Houve et du Pays Boulageois signe.",
            "epci",
            "200067650",
        ),
        ("La ville du Creusot désigne une référente.", "commune", "71153"),
        ("La commune de Dampniat signe.", "commune", "19068"),
        ("C'est la première CTG du Cantal.", "departement", "15"),
        ("Première CTG dans le Cantal.", "departement", "15"),
        ("Une démarche en Bourgogne-Franche-Comté.", "region", "27"),
    ],
)
def test_each_usual_wording_names_its_territory(
    draft_knowledge: Knowledge, text: str, kind: str, code: str
) -> None:
    assert (kind, code) in codes(read(text, draft_knowledge))


@pytest.mark.parametrize(
    ("text", "departement"),
    [
        ("La Caf du Cantal signe.", "15"),
        ("La CAF 71 signe.", "71"),
        ("La Caisse d'allocations familiales de la Corrèze signe.", "19"),
        ("La Caf de Saône-et-Loire signe.", "71"),
        ("La Caf de Corse-du-Sud signe.", "2A"),
        ("La Caf de la Réunion signe.", "974"),
    ],
)
def test_the_caf_of_a_departement(draft_knowledge: Knowledge, text: str, departement: str) -> None:
    reading = read(text, draft_knowledge)
    (caf,) = partner(reading, PartnerKind.CAF)
    assert served(reading, caf) == ("departement", departement)
    # « de la Corrèze » is the département, not the commune of Corrèze
    assert codes(reading) == {("departement", departement)}


def test_la_caf_alone_is_the_caf_already_named(draft_knowledge: Knowledge) -> None:
    reading = read("La Caf du Cantal signe. La Caf finance la mission.", draft_knowledge)
    (caf,) = partner(reading, PartnerKind.CAF)
    assert [e.quote for e in caf.also] == ["Caf"]


def test_la_caf_alone_without_a_named_caf_is_no_partner(draft_knowledge: Knowledge) -> None:
    assert partner(read("La Caf finance la mission.", draft_knowledge), PartnerKind.CAF) == []


@pytest.mark.parametrize(
    ("text", "kind", "name"),
    [
        ("La MSA cofinance.", PartnerKind.MSA, "MSA"),
        ("La CPAM est associée.", PartnerKind.CPAM, "CPAM"),
        ("La CARSAT est associée.", PartnerKind.OTHER, "Carsat"),
        ("Le Département cofinance.", PartnerKind.CONSEIL_DEPARTEMENTAL, "Conseil départemental"),
        (
            "Le Conseil départemental signe.",
            PartnerKind.CONSEIL_DEPARTEMENTAL,
            "Conseil départemental",
        ),
        ("L'État signe aussi.", PartnerKind.ETAT, "État"),
        ("La préfecture signe aussi.", PartnerKind.ETAT, "État"),
        ("La Cnaf a créé la CTG.", PartnerKind.CNAF, "Cnaf"),
        (
            "L'association « Les Petits Loups » gère la crèche.",
            PartnerKind.ASSOCIATION,
            "Les Petits Loups",
        ),
    ],
)
def test_other_partners(
    draft_knowledge: Knowledge, text: str, kind: PartnerKind, name: str
) -> None:
    reading = read(text, draft_knowledge)
    assert [(p.kind, p.name) for p in reading.of_type(PartnerFact)] == [(kind, name)]
    (found,) = reading.of_type(PartnerFact)
    assert text[found.evidence.start : found.evidence.end] == found.evidence.quote


def test_a_mayor_s_cabinet_is_no_consultancy(draft_knowledge: Knowledge) -> None:
    assert read("Le cabinet du maire a reçu la délégation.", draft_knowledge).facts == []


def test_plural_towns_are_each_a_partner(draft_knowledge: Knowledge) -> None:
    reading = read(
        "La Caf de Saône-et-Loire mobilise les villes du Creusot et de Montceau.", draft_knowledge
    )
    towns = partner(reading, PartnerKind.COMMUNE)
    assert [(p.name, p.evidence.quote) for p in towns] == [
        ("Le Creusot", "villes du Creusot"),
        ("Montceau-les-Mines", "Montceau"),
    ]


def test_a_name_of_several_communes_keeps_its_candidates_without_context(
    draft_knowledge: Knowledge,
) -> None:
    reading = read("Des contrats ont été signés à Saint-Vallier et à Torcy.", draft_knowledge)
    facts = {t.name: t for t in reading.of_type(TerritoryFact)}
    assert facts["Saint-Vallier"].code is None
    assert {"71486", "26333", "16357", "88437"} <= {
        c.code for c in facts["Saint-Vallier"].candidates
    }
    assert facts["Torcy"].code is None
    assert {"71540", "77468"} <= {c.code for c in facts["Torcy"].candidates}


def test_the_caf_s_departement_resolves_a_name_of_several_communes(
    draft_knowledge: Knowledge,
) -> None:
    reading = read(
        "La Caf de Saône-et-Loire a signé des CEJ à Saint-Vallier, Torcy et Montceau.",
        draft_knowledge,
    )
    assert codes(reading) == {
        ("departement", "71"),
        ("commune", "71486"),
        ("commune", "71540"),
        ("commune", "71306"),
    }


def test_a_short_form_needs_its_context(draft_knowledge: Knowledge) -> None:
    (montceau,) = read("Un CEJ a été signé à Montceau.", draft_knowledge).of_type(TerritoryFact)
    assert montceau.code is None
    assert {"71306", "21427"} <= {c.code for c in montceau.candidates}


def test_a_typo_in_a_listed_commune_is_matched_in_context(draft_knowledge: Knowledge) -> None:
    reading = read("La Caf de Saône-et-Loire a signé à Blanzy et Ecuises.", draft_knowledge)
    assert ("commune", "71187") in codes(reading)


def test_capitalised_words_are_not_places(draft_knowledge: Knowledge) -> None:
    text = (
        "Pascal PONS, Directeur, a signé. Famille et Service sont des mots. "
        "Le Conseil communautaire a adopté le PLUI.H valant Scot."
    )
    assert codes(read(text, draft_knowledge)) == set()


# --- the gazetteer alone ----------------------------------------------------------------


@pytest.fixture
def gazetteer(draft_knowledge: Knowledge) -> Gazetteer:
    return draft_knowledge.gazetteer


@pytest.mark.parametrize(
    ("name", "kind", "code"),
    [
        ("Saint-Flour Communauté", "epci", "200066660"),
        ("CC de Saint-Flour", "epci", "200066660"),
        ("communauté de communes de Saint-Flour", "epci", "200066660"),
        ("CU Creusot Montceau", "epci", "247100290"),
        ("Bordeaux Métropole", "epci", "243300316"),
        ("Ecuisses", "commune", "71187"),
        ("ECUISSES", "commune", "71187"),
        ("St-Flour", "commune", "15187"),
        ("du Creusot", "commune", "71153"),
        ("Cantal", "departement", "15"),
        ("Saone et Loire", "departement", "71"),
        ("Auvergne-Rhône-Alpes", "region", "84"),
    ],
)
def test_gazetteer_finds_official_names_and_usual_forms(
    gazetteer: Gazetteer, name: str, kind: str, code: str
) -> None:
    best = gazetteer.resolve(gazetteer.find(name), Context())
    assert best is not None
    assert (best.kind, best.code) == (kind, code)


def test_gazetteer_full_names_beat_short_forms(gazetteer: Gazetteer) -> None:
    # « Paris » is Paris, not Paris-l'Hôpital of Saône-et-Loire, even in that context
    paris = gazetteer.resolve(
        gazetteer.find("Paris", kinds=("commune",)), Context(departements=frozenset({"71"}))
    )
    assert paris is not None
    assert paris.code == "75056"


def test_gazetteer_epci_membership_comes_before_the_departement(gazetteer: Gazetteer) -> None:
    found = gazetteer.find("Le Breuil", kinds=("commune",))
    assert gazetteer.resolve(found, Context()) is None
    chosen = gazetteer.resolve(found, Context(epcis=frozenset({"247100290"})))
    assert chosen is not None
    assert chosen.code == "71059"


def test_gazetteer_fuzzy_matches_typos_and_not_other_words(gazetteer: Gazetteer) -> None:
    assert [c.code for c in gazetteer.fuzzy("Montceau-les-Mins", ("commune",))][:1] == ["71306"]
    assert gazetteer.fuzzy("Famille", ("commune",)) == []
    assert gazetteer.find("Ecuises") == []


def test_gazetteer_departement_codes(gazetteer: Gazetteer) -> None:
    assert [gazetteer.departement(c).name for c in ("15", "2a", "974")] == [  # type: ignore[union-attr]
        "Cantal",
        "Corse-du-Sud",
        "La Réunion",
    ]
    assert gazetteer.departement("99") is None


def test_seed_articles_exist() -> None:
    assert all(Path(path).is_file() for path in SEED_ARTICLES.values())


def test_wordings_of_a_convention_s_parties(draft_knowledge: Knowledge) -> None:
    """« Caisse des Allocations Familiales de … », « Conseil Départemental de … » (their
    département), the Carsat and the MSA in full, a SIVOM named once and then alone."""
    text = (
        "Entre : la Caisse des Allocations Familiales du Gers ; la Caisse d'Assurance "
        "Retraite et de la Santé au Travail ; la Mutualité Sociale Agricole Midi-Pyrénées ; "
        "le Conseil Départemental du Gers ; le SIVOM de Lombez. Ci-après « le SIVOM »."
    )
    reading = read(text, draft_knowledge)
    (caf,) = partner(reading, PartnerKind.CAF)
    assert (caf.name, served(reading, caf)) == ("Caf du Gers", ("departement", "32"))
    (council,) = partner(reading, PartnerKind.CONSEIL_DEPARTEMENTAL)
    assert served(reading, council) == ("departement", "32")
    assert [p.name for p in partner(reading, PartnerKind.MSA)] == ["MSA"]
    others = partner(reading, PartnerKind.OTHER)
    assert sorted(p.name for p in others) == ["Carsat", "SIVOM de Lombez"]
    (sivom,) = [p for p in others if p.name.startswith("SIVOM")]
    assert [e.quote for e in sivom.also] == ["SIVOM"]


def test_a_caf_named_alone_is_that_of_the_one_departement(draft_knowledge: Knowledge) -> None:
    """« la CAF » without its département, in an article all in the Gers: the Caf du
    Gers, marked inferred; in an article naming two départements, no Caf is guessed."""
    one = read("La CAF et la ville d'Auch, dans le Gers, signent la CTG.", draft_knowledge)
    (caf,) = partner(one, PartnerKind.CAF)
    assert served(one, caf) == ("departement", "32")
    assert caf.inferred is not None
    assert "Gers" in caf.inferred
    two = read("La CAF signe dans le Gers et dans le Cantal.", draft_knowledge)
    assert partner(two, PartnerKind.CAF) == []


def test_a_communaute_the_reference_does_not_know_is_a_partner_without_code(
    draft_knowledge: Knowledge,
) -> None:
    """« la Communauté de Communes du Vieux Bocage » (merged, or misspelt past the fuzzy
    lookup): a partner by its name, with no territory rather than a wrong one."""
    reading = read(
        "Entre la Caf du Gers et la Communauté de Communes du Vieux Bocage.", draft_knowledge
    )
    (epci,) = partner(reading, PartnerKind.EPCI)
    assert (epci.name, epci.territory) == ("Communauté de Communes du Vieux Bocage", None)
    assert ("epci", None) not in codes(reading)
