"""Reading articles for ``ctg draft``: each kind of file gives the text a reader sees and
what is known of the source; each bad file is refused with a message that names it, says
what is wrong and what to do."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF
from PIL import Image

from domain.errors import ArticleError, InputError, InputFileError
from loaders.drafts.articles import (
    SCANNED_PDF,
    article_of,
    dateline,
    read_article,
    read_articles,
)
from tests.conftest import SEED_ARTICLES

#: A news page as a CMS writes it: navigation, the article, readers' comments, a footer.
NEWS_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>La Caf du Cantal signe sa première CTG - Saint-Flour Communauté</title>
<meta property="og:site_name" content="Saint-Flour Communauté">
<meta property="og:url" content="https://www.saint-flour-communaute.fr/actualites/ctg">
<meta property="article:published_time" content="2018-01-22">
</head><body>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/agenda">Agenda des sorties</a></li>
<li><a href="/contact">Nous contacter</a></li></ul></nav>
<article>
<h1>La Caf du Cantal signe sa première CTG</h1>
<p>La Caf du Cantal a signé ce vendredi 19 janvier sa première Convention territoriale
globale (CTG) avec Saint-Flour Communauté. Un accord-cadre pluriannuel de 4 ans
(2017-2020) qui constitue la première pierre angulaire du Contrat de cohésion sociale.</p>
<p>Les 10 « fiches actions » du Contrat de cohésion sociale concernées par la CTG :</p>
<ul><li>Fiche action n°1 : Favoriser l'accès aux droits</li>
<li>Fiche action n°2 : Développer l'offre d'accueil de la petite enfance</li></ul>
<p>La démarche sera suivie par un comité de pilotage constitué des deux commissions
intercommunales « Service à la population » et « Action sociale-santé ».</p>
</article>
<section class="comments" id="comments"><h3>Commentaires</h3>
<div class="comment"><p>Super nouvelle pour nos enfants, bravo à toute l'équipe !</p></div>
</section>
<footer><p>© 2018 Saint-Flour Communauté — Mentions légales — Plan du site</p></footer>
</body></html>
"""

#: French prose long enough for the language check, in one line.
FRENCH = (
    "La Caf du Cantal a signé avec Saint-Flour Communauté sa première convention "
    "territoriale globale, qui vise à renforcer la cohérence des actions en direction des "
    "habitants et des familles du territoire pour les quatre années à venir."
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def refusal(path: Path, **options: int) -> str:
    """The message ``path`` is refused with."""
    with pytest.raises(InputError) as raised:
        read_article(path, **options)
    message = str(raised.value)
    assert message.startswith(f"{path}: "), message
    return message


# --- .txt ------------------------------------------------------------------------------


def test_a_seed_article_is_its_text_and_its_dateline_is_the_publication_date() -> None:
    path = SEED_ARTICLES["creusot-montceau-ctg-2021"]
    article = read_article(path)
    assert article.text == path.read_text(encoding="utf-8")
    assert article.info.format == "txt"
    assert article.info.file == "article.txt"
    assert article.info.published == dt.date(2021, 10, 2)  # « samedi 2 octobre 2021 à 06:17 »
    assert article.notes == ()


def test_a_date_inside_a_sentence_is_not_the_publication_date() -> None:
    # « ce vendredi 19 janvier », « adopté le 18 décembre 2017 »: dates of the contract
    assert read_article(SEED_ARTICLES["saint-flour-ctg-2017"]).info.published is None


@pytest.mark.parametrize(
    ("top", "published"),
    [
        ("samedi 2 octobre 2021 à 06:17", dt.date(2021, 10, 2)),
        ("Publié le 1er mars 2019", dt.date(2019, 3, 1)),
        ("Mis à jour le 3 février 2020, 10h12", dt.date(2020, 2, 3)),
        ("Publié le 19/01/2018 à 10h12", dt.date(2018, 1, 19)),
        ("vendredi 19/01/2018", dt.date(2018, 1, 19)),
        ("19/13/2018", None),
        ("lundi 2 octobre 2021", None),  # 2 October 2021 was a Saturday: a misprint
        ("31 février 2020", None),
        ("Le 2 octobre 2021, la Caf a signé.", None),  # a sentence, not a dateline
    ],
)
def test_a_dateline_is_a_line_holding_a_date_and_nothing_else(
    top: str, published: dt.date | None
) -> None:
    assert dateline(f"Le Journal\n\n{top}\n\n{FRENCH}") == published


def test_a_date_far_below_the_top_is_not_a_dateline() -> None:
    lines = "\n".join(f"Ligne {n} du texte." for n in range(10))
    assert dateline(f"{lines}\n2 octobre 2021\n") is None


def test_line_ends_and_accents_are_normalised_and_non_breaking_spaces_kept(
    tmp_path: Path,
) -> None:
    decomposed = "E\u0301cuisses"  # « É » as E + combining acute accent
    text = f"{FRENCH}\r\nMontant\u00a0: 40\u202f000\u00a0€ pour {decomposed}.\r\n"
    article = read_article(write(tmp_path, "a.txt", text))
    assert article.text == f"{FRENCH}\nMontant\u00a0: 40\u202f000\u00a0€ pour Écuisses.\n"


def test_a_byte_order_mark_is_not_part_of_the_text(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + FRENCH.encode()))
    assert article.text == FRENCH
    assert article.notes == ()


def test_a_windows_1252_text_is_decoded_and_the_user_told(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, "ancien.txt", f"{FRENCH} – « été »".encode("cp1252")))
    assert article.text == f"{FRENCH} – « été »"
    assert len(article.notes) == 1
    assert "not UTF-8: read as Windows-1252" in article.notes[0]
    assert "save the file as UTF-8" in article.notes[0]


# --- .html -----------------------------------------------------------------------------


def test_a_page_gives_its_main_text_without_navigation_comments_or_footer(
    tmp_path: Path,
) -> None:
    article = read_article(write(tmp_path, "page.html", NEWS_PAGE))
    text = article.text
    assert "La Caf du Cantal a signé ce vendredi 19 janvier" in text
    for left_out in ("Agenda des sorties", "Nous contacter", "Super nouvelle", "Mentions légales"):
        assert left_out not in text
    # the fiches actions stay one per line, next to each other
    assert (
        "- Fiche action n°1 : Favoriser l'accès aux droits\n"
        "- Fiche action n°2 : Développer l'offre d'accueil de la petite enfance\n"
    ) in text
    info = article.info
    assert info.format == "html"
    assert info.title == "La Caf du Cantal signe sa première CTG"
    assert info.published == dt.date(2018, 1, 22)
    assert info.publisher == "Saint-Flour Communauté"
    assert info.url == "https://www.saint-flour-communaute.fr/actualites/ctg"


def test_a_page_without_a_date_in_its_markup_has_no_publication_date(tmp_path: Path) -> None:
    page = NEWS_PAGE.replace('<meta property="article:published_time" content="2018-01-22">', "")
    article = read_article(write(tmp_path, "page.html", page))
    assert article.info.published is None  # not 2018-01-01 from the footer's « © 2018 »
    assert article.info.title == "La Caf du Cantal signe sa première CTG"


def test_an_htm_page_in_latin_1_is_read_too(tmp_path: Path) -> None:
    page = NEWS_PAGE.replace('charset="utf-8"', 'charset="iso-8859-1"').replace("€", "EUR")
    article = read_article(write(tmp_path, "page.htm", page.encode("latin-1", errors="replace")))
    assert "première Convention territoriale" in article.text


def test_a_page_without_main_text_says_to_save_its_text(tmp_path: Path) -> None:
    page = "<html><body><nav><a href='/'>Accueil</a></nav><script>load()</script></body></html>"
    message = refusal(write(tmp_path, "vide.html", page))
    assert "no main text found in the page" in message
    assert "save its text as .txt" in message


# --- .pdf ------------------------------------------------------------------------------


def pdf_with_text(path: Path, *pages: str, title: str | None = None) -> Path:
    document = FPDF()
    if title is not None:
        document.set_title(title)
    document.set_font("helvetica", size=12)
    for page in pages:
        document.add_page()
        document.multi_cell(0, 8, page)
    document.output(str(path))
    return path


def test_a_pdf_gives_its_pages_and_mends_words_cut_at_line_ends(tmp_path: Path) -> None:
    path = pdf_with_text(
        tmp_path / "deliberation.pdf",
        "Le conseil approuve la convention territoriale globale avec nos parte-\n"
        "naires et les partenaires de la Caf, signée à Saint-\nFlour par le vice-\nprésident.",
        "Article 2 : le président est chargé de l'exécution de la présente délibération.",
        title="Délibération du conseil communautaire",
    )
    article = read_article(path)
    assert article.info.format == "pdf"
    assert article.info.title == "Délibération du conseil communautaire"
    text = article.text
    assert "avec nos partenaires et les partenaires de la Caf" in text  # spelt whole elsewhere
    assert "signée à Saint-Flour par le vice-président." in text  # hyphens kept
    assert "délibération.\n\nArticle 2" not in text
    assert "vice-président.\n\nArticle 2 : le président" in text  # pages apart


def test_a_pdf_title_that_is_a_file_name_is_no_title(tmp_path: Path) -> None:
    path = pdf_with_text(tmp_path / "d.pdf", FRENCH, title="Microsoft Word - CTG_2022.docx")
    assert read_article(path).info.title is None


def test_a_pdf_without_a_text_layer_says_to_run_ocr(tmp_path: Path) -> None:
    scan = tmp_path / "scan.png"
    Image.new("RGB", (200, 280), "white").save(scan)
    document = FPDF()
    document.add_page()
    document.image(str(scan), x=10, y=10, w=190)
    document.output(str(tmp_path / "scan.pdf"))
    assert refusal(tmp_path / "scan.pdf") == f"{tmp_path / 'scan.pdf'}: {SCANNED_PDF}"
    assert "run OCR first, e.g. ocrmypdf" in SCANNED_PDF


def test_a_corrupt_pdf_says_it_cannot_be_opened(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    whole = pdf_with_text(tmp_path / "whole.pdf", FRENCH).read_bytes()
    message = refusal(write(tmp_path, "coupe.pdf", whole[: len(whole) // 3]))
    assert "a PDF that cannot be opened" in message
    assert "check that the download is complete" in message
    assert capfd.readouterr().err == ""  # pypdf's repair warnings are not printed


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["absent.txt", "absent"])
def test_a_missing_file_says_to_check_the_path(tmp_path: Path, name: str) -> None:
    message = refusal(tmp_path / name)
    assert "no such file or folder; check the path" in message


def test_a_link_to_nothing_says_so(tmp_path: Path) -> None:
    (tmp_path / "lien.txt").symlink_to(tmp_path / "parti.txt")
    assert "a symbolic link to a file that does not exist" in refusal(tmp_path / "lien.txt")


@pytest.mark.parametrize("content", ["", "\n \n\t\n"])
def test_an_empty_file_has_nothing_to_draft(tmp_path: Path, content: str) -> None:
    message = refusal(write(tmp_path, "vide.txt", content))
    assert "the file is empty; there is nothing to draft from it" in message


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), FRENCH.encode() + b"\x00\x00"],
)
def test_a_binary_file_is_not_a_text(tmp_path: Path, content: bytes) -> None:
    message = refusal(write(tmp_path, "image.txt", content))
    assert "a binary file, not a text" in message
    assert "pass the article as UTF-8 text (.txt), a web page (.html) or a PDF" in message


def test_a_file_over_the_limit_is_refused_from_its_size_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "enorme.txt"
    with big.open("wb") as stream:
        stream.truncate(50_000_000)  # sparse: 50 MB on paper, nothing on disk
    opened: list[object] = []
    real_open = os.open

    def spy(*args: Any, **kwargs: Any) -> int:
        opened.append(args)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    message = refusal(big)
    assert "50,000,000 bytes, over the limit of 10,000,000 bytes" in message
    assert "raise the limit with --max-size" in message
    assert opened == []  # refused from its size alone
    small = write(tmp_path, "petit.txt", FRENCH)
    assert "over the limit of 100 bytes" in refusal(small, max_bytes=100)


def test_an_unsupported_kind_of_file_names_the_kinds_read(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "article.docx", b"PK\x03\x04"))
    assert "an unsupported kind of file (.docx)" in message
    assert ".txt, .html, .htm, .pdf" in message


@pytest.mark.parametrize("copies", [1, 400])  # 400: a long text, judged on slices of it
def test_a_text_in_another_language_says_its_language_cannot_be_read(
    tmp_path: Path, copies: int
) -> None:
    english = (
        "The family allowance fund of Cantal signed its first global territorial agreement "
        "with the community of Saint-Flour on Friday, a four-year framework that covers "
        "early childhood, youth and parenting across the whole area."
    )
    message = refusal(write(tmp_path, "english.txt", f"{english}\n" * copies))
    assert "does not read as French" in message
    assert "its language cannot be read" in message
    assert "draft the French version of the article" in message


def test_a_long_french_text_is_read_as_french(tmp_path: Path) -> None:
    long_text = f"{FRENCH}\n" * 2_000  # 500 kB, judged on slices of it
    assert read_article(write(tmp_path, "long.txt", long_text)).text == long_text


def test_a_folder_is_its_articles_in_order_its_other_files_named_and_skipped(
    tmp_path: Path,
) -> None:
    write(tmp_path, "b.html", NEWS_PAGE)
    write(tmp_path, "a.txt", FRENCH)
    write(tmp_path, "c.docx", b"PK")
    write(tmp_path, "d.txt", "")
    write(tmp_path, ".DS_Store", b"\x00")
    (tmp_path / "sous-dossier").mkdir()
    found = list(read_articles([tmp_path]))
    assert [item.path.name for item in found] == [
        "a.txt",
        "b.html",
        "c.docx",
        "d.txt",
        "sous-dossier",
    ]
    assert [item.article is not None for item in found] == [True, True, False, False, False]
    assert found[2].skipped is not None
    assert "not a .txt, .html, .htm, .pdf file" in found[2].skipped
    assert found[3].error is not None
    assert "the file is empty" in str(found[3].error)
    assert found[4].skipped is not None
    assert "a folder" in found[4].skipped


def test_a_folder_without_articles_is_one_error_naming_what_it_holds(tmp_path: Path) -> None:
    write(tmp_path, "notes.docx", b"PK")
    [found] = read_articles([tmp_path])
    assert isinstance(found.error, ArticleError)
    assert str(found.error) == (
        f"{tmp_path}: a folder with no article in it (no .txt, .html, .htm, .pdf file; it "
        "holds notes.docx); put the articles there, or name the files themselves"
    )


def test_a_named_pipe_is_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "tube.txt"
    os.mkfifo(fifo)
    [found] = read_articles([fifo])
    assert isinstance(found.error, InputFileError)
    assert "a named pipe (FIFO), not a regular file" in str(found.error)


def test_bytes_from_elsewhere_are_read_as_a_file_of_their_name() -> None:
    article = article_of(NEWS_PAGE.encode(), Path("envoi.html"))
    assert article.info.file == "envoi.html"
    assert article.info.title == "La Caf du Cantal signe sa première CTG"
    with pytest.raises(ArticleError, match=r"^envoi\.txt: the file is empty"):
        article_of(b"", Path("envoi.txt"))
    with pytest.raises(ArticleError, match=r"^envoi\.odt: an unsupported kind of file \(\.odt\)"):
        article_of(b"PK", Path("envoi.odt"))


def test_a_text_s_first_line_is_its_title_when_it_reads_as_one(tmp_path: Path) -> None:
    text = f"\n  La commune signe sa convention territoriale globale  \n\n{FRENCH}\n"
    article = read_article(write(tmp_path, "titre.txt", text))
    assert article.info.title == "La commune signe sa convention territoriale globale"


@pytest.mark.parametrize(
    "first_line",
    [
        "Retour",  # a menu word
        "Autres journaux",
        "Site officiel de la ville de Sainte-Alix",  # the site's banner
        "samedi 2 octobre 2021 à 06:17",  # a dateline
        "Sainte-Alix",  # one word: a place, not a title
        "La Caf a signé la convention avec la commune ce lundi devant les élus.",  # a sentence
        "en 1",  # cut text, no capital
        "Une première ligne beaucoup trop longue pour un titre " * 4,  # a paragraph
    ],
)
def test_a_first_line_that_is_no_title_gives_none(tmp_path: Path, first_line: str) -> None:
    article = read_article(write(tmp_path, "a.txt", f"{first_line}\n\n{FRENCH}\n"))
    assert article.info.title is None


def test_a_text_of_one_line_has_no_title(tmp_path: Path) -> None:
    # The one line is the article itself, even without a final full stop.
    article = read_article(write(tmp_path, "a.txt", FRENCH.removesuffix(".")))
    assert article.info.title is None
