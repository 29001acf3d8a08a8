"""Axes, fiches actions and themes drafted from an article: the seed articles against
their hand-written datasets, and one short text per way of writing a plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from domain.errors import InputError
from loaders.datasets import Vocabularies
from loaders.drafts import actions
from loaders.drafts.facts import AxisFact, FicheFact, ThemeFact
from loaders.drafts.reading import Reading
from tests.conftest import SEED_ARTICLES
from tests.unit.draft_by_hand import creusot_montceau, reading_of, saint_flour

SEEDS = Path(__file__).parents[2] / "domain" / "data" / "partnerships"


def _drafted(reading: Reading) -> Reading:
    actions.extract(reading)
    return reading


def _ctg(text: str, knowledge: Any) -> Reading:
    return _drafted(reading_of(text, knowledge, contracts=[("ctg", "La CTG", "CTG")]))


def test_saint_flour_has_the_three_axes_and_ten_fiches_of_its_dataset(
    draft_knowledge: Any,
) -> None:
    reading = _drafted(
        saint_flour(SEED_ARTICLES["saint-flour-ctg-2017"].read_text(), draft_knowledge)
    )
    seed = yaml.safe_load((SEEDS / "saint-flour-ctg-2017.yaml").read_text(encoding="utf-8"))
    ctg = next(c for c in seed["contracts"] if c["key"] == "ctg-saint-flour-2017")
    # the article uses a typographic apostrophe where the dataset has a straight one
    expected_axes = [(a["number"], a["title"]) for a in ctg["axes"]]
    expected_fiches = [
        (a["number"], f["number"], f["title"], set(f["themes"]))
        for a in ctg["axes"]
        for f in a["actions"]
    ]

    axes = reading.of_type(AxisFact)
    fiches = reading.of_type(FicheFact)
    by_id = {axis.id: axis for axis in axes}
    assert [(a.number, a.title.replace("’", "'")) for a in axes] == expected_axes
    assert [
        (by_id[f.axis].number, f.number, f.title.replace("’", "'"), set(f.themes))
        for f in fiches
        if f.axis is not None
    ] == expected_fiches
    # the plan is the CTG's (« la CTG englobe dix fiches actions »), not the CCS's
    assert {a.contract for a in axes} | {f.contract for f in fiches} == {"contract-1"}
    assert fiches[1].evidence.quote == (
        "Fiche action 7 : « Assurer un accueil inconditionnel en Maisons des Services Aux "
        "Publics (MSAP) »"
    )
    assert axes[0].evidence.quote == "Pour l’axe 1 : « Réduire les précarités et les isolements »"
    # « Les 10 « fiches actions » », « trois axes », « dix fiches actions »: all found
    assert reading.gaps == []


def test_saint_flour_themes_its_cej_by_name_and_its_ctg_not_at_all(draft_knowledge: Any) -> None:
    reading = _drafted(
        saint_flour(SEED_ARTICLES["saint-flour-ctg-2017"].read_text(), draft_knowledge)
    )
    themes = reading.of_type(ThemeFact)
    # the CEJ's themes come from its name, as the dataset has them; « Vice-président en
    # charge de la jeunesse » and the commission « Action sociale-santé » are no themes
    assert [(t.contract, t.theme) for t in themes] == [
        ("contract-3", "enfance"),
        ("contract-3", "jeunesse"),
    ]
    assert all(t.inferred and "by its very name" in t.inferred for t in themes)
    assert themes[0].evidence.quote == "Contrat enfance jeunesse (CEJ)"


def test_creusot_montceau_lists_no_plan(draft_knowledge: Any) -> None:
    text = SEED_ARTICLES["creusot-montceau-ctg-2021"].read_text()
    reading = _drafted(creusot_montceau(text, draft_knowledge))
    # its « – partager une vision globale … » bullets are aims of any CTG, not a plan
    assert reading.of_type(AxisFact) == []
    assert reading.of_type(FicheFact) == []
    # the communes' « compétence « enfance – jeunesse » » is no theme of a CTG
    assert reading.of_type(ThemeFact) == []
    assert reading.gaps == []


def test_axis_headings_in_every_form(draft_knowledge: Any) -> None:
    reading = _ctg(
        "La CTG de la commune.\n"
        "Axe 2 – Développer les services aux familles\n"
        "Orientation 3 : « Favoriser l'inclusion numérique »\n"
        "Axe stratégique IV. Agir pour le logement des jeunes\n"
        "Volet 2 du contrat de ville, signé en 2019.\n",
        draft_knowledge,
    )
    # the last line is a sentence about a « volet », not a heading
    assert [(a.number, a.title, a.contract) for a in reading.of_type(AxisFact)] == [
        (2, "Développer les services aux familles", "contract-1"),
        (3, "Favoriser l'inclusion numérique", "contract-1"),
        (4, "Agir pour le logement des jeunes", "contract-1"),
    ]


def test_fiches_belong_to_the_last_axis_above_and_take_their_titles_themes(
    draft_knowledge: Any,
) -> None:
    reading = _ctg(
        "La CTG en détail.\n"
        "Axe 1 : Petite enfance\n"
        "- Fiche action n°1 : Ouvrir une crèche.\n"
        "- Action 2 : « Créer un RELAIS PETITE ENFANCE »\n"
        "Axe 2 : Jeunesse\n"
        "• Fiche-action 3 – Soutenir la parentalite et les familles\n",
        draft_knowledge,
    )
    axes = reading.of_type(AxisFact)
    fiches = reading.of_type(FicheFact)
    assert [(f.number, f.title, f.axis, f.themes) for f in fiches] == [
        (1, "Ouvrir une crèche", axes[0].id, ("petite-enfance",)),
        (2, "Créer un RELAIS PETITE ENFANCE", axes[0].id, ("petite-enfance",)),
        (3, "Soutenir la parentalite et les familles", axes[1].id, ("parentalite",)),
    ]


def test_numbered_lists_are_axes_or_fiches_as_their_introduction_says(
    draft_knowledge: Any,
) -> None:
    reading = _ctg(
        "La CTG s'articule autour de deux axes :\n"
        "I. Améliorer l'accueil des jeunes enfants\n"
        "II. Accompagner les parents\n"
        "Les actions retenues :\n"
        "1. Ouvrir un lieu d'accueil enfants-parents\n"
        "2. Créer une aire d'accueil des gens du voyage\n"
        "Le calendrier :\n"
        "1. Diagnostic en 2021\n",
        draft_knowledge,
    )
    assert [(a.number, a.title) for a in reading.of_type(AxisFact)] == [
        (1, "Améliorer l'accueil des jeunes enfants"),
        (2, "Accompagner les parents"),
    ]
    # a list whose introduction names neither axes nor actions is neither
    assert [(f.number, f.themes) for f in reading.of_type(FicheFact)] == [
        (1, ("parentalite",)),
        (2, ("gens-du-voyage",)),
    ]


def test_unnumbered_items_of_a_list_a_count_announces(draft_knowledge: Any) -> None:
    inline = _ctg(
        "La CTG se décline en quatre axes : la petite enfance, l'enfance-jeunesse, la "
        "parentalité et l'animation de la vie sociale. Elle est signée.",
        draft_knowledge,
    )
    assert [(a.number, a.title) for a in inline.of_type(AxisFact)] == [
        (None, "la petite enfance"),
        (None, "l'enfance-jeunesse"),
        (None, "la parentalité"),
        (None, "l'animation de la vie sociale"),
    ]
    bullets = _ctg(
        "La CTG retient 3 fiches actions :\n- Favoriser l'accès aux droits ;\n"
        "– Soutenir les parents ;\n\n• « Ouvrir une crèche »\nLa suite.",
        draft_knowledge,
    )
    assert [(f.title, f.themes) for f in bullets.of_type(FicheFact)] == [
        ("Favoriser l'accès aux droits", ("acces-aux-droits",)),
        ("Soutenir les parents", ("parentalite",)),
        ("Ouvrir une crèche", ("petite-enfance",)),
    ]
    assert bullets.of_type(FicheFact)[2].evidence.quote == "« Ouvrir une crèche »"


def test_bullets_under_a_line_that_names_them(draft_knowledge: Any) -> None:
    reading = _ctg(
        "La CTG en actes.\nLes actions\n- Développer la professionnalisation des assistants "
        "maternels\n- « Animer le réseau »\n\nEn particulier :\n- la Caf mobilise des moyens.\n",
        draft_knowledge,
    )
    # « En particulier : » says nothing of what its bullets are: they are left alone
    assert [(f.number, f.title, f.themes) for f in reading.of_type(FicheFact)] == [
        (None, "Développer la professionnalisation des assistants maternels", ("petite-enfance",)),
        (None, "Animer le réseau", ()),
    ]


def test_a_list_that_may_be_one_title_is_left_to_the_reviewer(draft_knowledge: Any) -> None:
    # two axes, or one axis « coordonner et valoriser les initiatives »? Not guessed.
    reading = _ctg(
        "La CTG compte deux axes : coordonner et valoriser les initiatives.", draft_knowledge
    )
    assert reading.of_type(AxisFact) == []
    assert reading.gaps[0].startswith("The article announces 2 axes (« deux axes »")


def test_a_count_the_lists_do_not_match_is_a_gap(draft_knowledge: Any) -> None:
    reading = _ctg(
        "La CTG englobe cinq fiches actions :\n• Fiche action 1 : « Aider à la mobilité »\n",
        draft_knowledge,
    )
    assert reading.gaps == [
        "The article announces 5 fiches actions (« cinq fiches actions », at character 15) "
        "but its lists give 1: add the missing ones by hand or correct the count."
    ]


def test_a_plan_belongs_to_the_ctg_named_last_above_it(draft_knowledge: Any) -> None:
    text = "La CTG nord est signée.\nLa CTG sud aussi. Celle du sud compte :\nAxe 1 : Vie sociale\n"
    two = reading_of(
        text,
        draft_knowledge,
        contracts=[("ctg", "CTG nord", "CTG nord"), ("ctg", "CTG sud", "CTG sud")],
    )
    assert _drafted(two).of_type(AxisFact)[0].contract == "contract-2"
    # no CTG in the article: the axis is there, its contract left to the reviewer
    alone = _drafted(reading_of("Axe 1 : Vie sociale\n", draft_knowledge))
    assert [(a.title, a.contract) for a in alone.of_type(AxisFact)] == [("Vie sociale", None)]


def test_themes_the_article_attaches_to_a_contract(draft_knowledge: Any) -> None:
    reading = _ctg(
        "La CTG porte sur la petite enfance, la jeunesse et la parentalité. "
        "Signée par Paul Durand, adjoint à la jeunesse, la CTG fixe aussi la santé des "
        "habitants comme enjeu, à côté de la petite enfance.",
        draft_knowledge,
    )
    themes = reading.of_type(ThemeFact)
    assert [(t.theme, t.evidence.quote, len(t.also)) for t in themes] == [
        ("petite-enfance", "petite enfance", 1),
        ("jeunesse", "jeunesse", 0),
        ("parentalite", "parentalité", 0),
        ("sante", "santé", 0),
    ]
    assert {t.contract for t in themes} == {"contract-1"}
    assert all(t.inferred is None for t in themes)


def test_a_theme_in_passing_is_not_a_contract_theme(draft_knowledge: Any) -> None:
    reading = _ctg(
        "La CTG sera suivie par un comité de pilotage. La CTG a été signée en mairie, "
        "avec la commission « Jeunesse et sports ».",
        draft_knowledge,
    )
    assert reading.of_type(ThemeFact) == []


def test_every_theme_has_keywords_and_broader_themes_are_known() -> None:
    vocabularies = Vocabularies.load()
    keywords = vocabularies.theme_keywords()
    assert all(keywords[code] for code in vocabularies.themes)
    assert vocabularies.theme_implies()["habitat-jeunes"] == ("jeunesse",)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("keywords: crèche", "theme 'petite-enfance': `keywords` must be a list"),
        ("keywords: [crèche], implies: [enfants]", "`implies` names unknown theme(s) 'enfants'"),
    ],
)
def test_a_broken_theme_vocabulary_says_where_and_what(
    tmp_path: Path, line: str, message: str
) -> None:
    source = Path(__file__).parents[2] / "domain" / "data" / "vocabularies"
    for name in ("themes.yaml", "contract-kinds.yaml"):
        (tmp_path / name).write_text((source / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "themes.yaml").write_text(
        f"themes:\n  - {{code: petite-enfance, fr: Petite enfance, en: Early childhood, {line}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        Vocabularies.load(tmp_path)
    assert str(tmp_path / "themes.yaml") in str(raised.value)
    assert message in str(raised.value)
