"""Reading an article file: its main text and what is known of it (title, date, publisher).

``ctg draft`` reads press articles, news pages and council minutes as they are published:

* ``.txt``: UTF-8 (a leading byte-order mark dropped); a text that is not UTF-8 is read
  as Windows-1252 (which covers Latin-1's letters) and the article's notes say so. A
  publication date alone on a line near the top (« samedi 2 octobre 2021 à 06:17 »,
  « Publié le 19/01/2018 ») is taken as the date it was published;
* ``.html`` / ``.htm``: the page's main text, without its navigation, comments and
  footer (trafilatura), one paragraph or list item per line — the fiches actions are
  list items — and the title, date, site name and address of its metadata;
* ``.pdf``: the text layer (pypdf), pages joined by a blank line; a word cut by a hyphen
  at the end of a line is mended when the article spells it whole elsewhere, else the
  hyphen is kept (« Saint-\\nFlour » is « Saint-Flour »), which never invents a word.

The text is normalised once, here (Unicode NFC, line ends as ``\\n``; non-breaking
spaces are kept as they are), and every evidence offset of a draft is counted in the text
returned, which is what ``Draft.text`` holds.

:func:`read_article` reads a file, :func:`read_articles` files and folders (a bad file
does not stop the others), :func:`article_of` bytes from elsewhere (the review page's
upload). Every file that cannot be drafted is refused with one :class:`domain.errors.InputError`
naming it, saying why and what to do: missing, too large (checked from its size before it
is read, default 10 MB), an unsupported kind, empty, binary, not in French, a PDF without
a text layer or that cannot be opened, a page without main text.
"""

from __future__ import annotations

import calendar
import codecs
import contextlib
import datetime as dt
import io
import itertools
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from domain.errors import ArticleError, InputError
from loaders.input_files import SizeLimit, read_whole

if TYPE_CHECKING:
    # imported when an article is read: `ctg` imports this module for every command
    # (its --max-size default), and the fact models take a tenth of a second to build
    from loaders.drafts.facts import ArticleInfo

#: The largest article read (10 MB): a long council minutes PDF is a few MB; beyond that a
#: file is more likely a mistake than an article, and it would be read whole into memory.
DEFAULT_MAX_BYTES = 10_000_000

#: What each extension is read as.
FORMATS: dict[str, Literal["txt", "html", "pdf"]] = {
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}
_KINDS = ", ".join(FORMATS)

SCANNED_PDF = (
    "scanned PDF: it has no text layer; run OCR first, e.g. ocrmypdf, then draft the result"
)


@dataclass(frozen=True)
class Article:
    """An article's main text, every evidence offset counted in it, and its metadata."""

    text: str
    info: ArticleInfo
    #: What the reader had to decide and the user should know (an encoding guessed).
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ArticleFile:
    """One file named on the command line or found in a folder, and what became of it:
    its article, the error that refused it, or why it was skipped (a folder's file that is
    not an article's kind)."""

    path: Path
    article: Article | None = None
    error: InputError | None = None
    skipped: str | None = None


def read_articles(
    paths: Iterable[Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[ArticleFile]:
    """Each article of ``paths``, in order: a file is read (or refused); a folder gives
    its .txt, .html, .htm and .pdf files sorted by name, its other files skipped (hidden
    ones silently), or one error when it holds no article. Never raises for one file: the
    error is in its `ArticleFile`."""
    for path in paths:
        if path.is_dir():
            yield from _read_folder(path, max_bytes)
        else:
            yield _read_one(path, max_bytes)


def _read_folder(folder: Path, max_bytes: int) -> Iterator[ArticleFile]:
    try:
        children = sorted(child for child in folder.iterdir() if not child.name.startswith("."))
    except OSError as error:
        yield ArticleFile(
            folder,
            error=ArticleError(folder, f"the folder cannot be read ({error.strerror or error})"),
        )
        return
    articles = [c for c in children if c.suffix.lower() in FORMATS and not c.is_dir()]
    if not articles:
        others = ", ".join(child.name for child in children[:5]) or "nothing"
        more = f" and {len(children) - 5} more" if len(children) > 5 else ""
        yield ArticleFile(
            folder,
            error=ArticleError(
                folder,
                f"a folder with no article in it (no {_KINDS} file; it holds {others}{more}); "
                "put the articles there, or name the files themselves",
            ),
        )
        return
    for child in children:
        if child in articles:
            yield _read_one(child, max_bytes)
        else:
            what = (
                "a folder (folders are not searched in depth; name it to draft its articles)"
                if child.is_dir()
                else f"not a {_KINDS} file"
            )
            yield ArticleFile(child, skipped=f"skipped: {what}")


def _read_one(path: Path, max_bytes: int) -> ArticleFile:
    try:
        return ArticleFile(path, article=read_article(path, max_bytes=max_bytes))
    except InputError as error:
        return ArticleFile(path, error=error)


def read_article(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """The article in ``path`` (.txt, .html, .htm, .pdf).

    Raises:
        InputError: it cannot be read, saying what, where and what to do
            (:class:`domain.errors.InputFileError` when refused from its metadata:
            missing, not a regular file, larger than ``max_bytes``;
            :class:`domain.errors.ArticleError` when refused for its content).
    """
    if not path.exists() and not path.is_symlink():
        raise ArticleError(
            path, f"no such file or folder; check the path (articles are {_KINDS} files)"
        )
    _kind(path)
    advice = (
        "an article is far smaller, so check that this is the right file, or raise the "
        f"limit with --max-size (now {max_bytes:,} bytes)"
    )
    return article_of(read_whole(path, SizeLimit(max_bytes, advice)).data, path)


def article_of(data: bytes, name: Path) -> Article:
    """The article in the bytes ``data`` of a file called ``name`` (its extension says
    how to read it): what `read_article` does once the file is read, for bytes that come
    from elsewhere (an upload); the caller bounds their size.

    Raises:
        ArticleError: the bytes cannot be drafted, the message starting with ``name``.
    """
    kind = _kind(name)
    if not data.strip():
        raise ArticleError(name, "the file is empty; there is nothing to draft from it")
    from loaders.drafts.facts import ArticleInfo

    info = ArticleInfo(file=name.name, format=kind)
    notes: tuple[str, ...] = ()
    if kind == "pdf":
        text, title = _read_pdf(name, data)
        info = info.model_copy(update={"title": title})
    elif kind == "html":
        text, info = _read_html(name, data, info)
    else:
        decoded, notes = _decode(name, data)
        text = normalise(decoded)
        info = info.model_copy(update={"published": dateline(text), "title": txt_title(text)})
    text = normalise(text)
    if not text.strip():
        raise ArticleError(name, "the file holds no text; there is nothing to draft from it")
    _check_french(name, text)
    return Article(text=text, info=info, notes=notes)


def _kind(path: Path) -> Literal["txt", "html", "pdf"]:
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ArticleError(
            path,
            f"an unsupported kind of file ({path.suffix or 'no extension'}); ctg draft reads "
            f"{_KINDS} files: save the article as one of them (e.g. its text as .txt)",
        )
    return kind


# --- text ------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """``text`` in Unicode NFC with ``\\n`` line ends; non-breaking spaces kept.

    >>> normalise("Ecuisses\\r\\nE\\u0301cuisses\\u00a0!\\r")
    'Ecuisses\\nÉcuisses\\xa0!\\n'
    """
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def _decode(path: Path, data: bytes) -> tuple[str, tuple[str, ...]]:
    """The text of a .txt file, and a note when its encoding had to be guessed."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), ("read as UTF-16 (its byte-order mark says so)",)
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        try:
            return data.decode("utf-8-sig"), ()
        except UnicodeDecodeError:
            pass
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            if not _looks_binary(text):
                return text, (
                    "not UTF-8: read as Windows-1252 (Latin-1); if accents look wrong in the "
                    "draft, save the file as UTF-8 and draft it again",
                )
    raise ArticleError(
        path,
        "a binary file, not a text (it holds NUL or undecodable bytes); pass the article "
        "as UTF-8 text (.txt), a web page (.html) or a PDF",
    )


def _looks_binary(text: str) -> bool:
    """More than 1 % of control characters (other than tab, line and page breaks)."""
    controls = sum(
        1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f\v"
    )
    return controls > len(text) / 100


#: French words so frequent that French prose is made of them for a fifth to a quarter,
#: and found in no other language near France: « de », « la », « en », « a », « que »,
#: « un » are left out, being Spanish, Italian, Portuguese or English words too.
_FRENCH_WORDS_LIST = (
    "le les l du des au aux et ou dans pour sur avec sans sous cette cet ces ses leur "
    "leurs notre nos votre vos qui dont où il elle ils elles nous vous je pas plus est "
    "sont ont été être sera mais donc car comme aussi entre vers chez depuis pendant "
    "lors après avant tout tous toute toutes une d qu s n c"
)
_FRENCH_FUNCTION_WORDS = frozenset(_FRENCH_WORDS_LIST.split())
#: Below this share of those words a text is not read as French: the seed articles
#: measure 24 and 27 %, the same news in English, Spanish, Portuguese 0 %, in Italian or
#: German 3 to 4 %.
_FRENCH_SHARE = 0.08
#: Too few words to tell a language from: left to the drafting (which finds nothing).
_FEW_WORDS = 20
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def french_share(text: str) -> float:
    """The share of ``text``'s words that are French function words (0 without words).

    >>> round(french_share("La Caf du Cantal signe avec les communes et leur EPCI."), 2)
    0.45
    >>> french_share("The council signed the agreement with the family fund.")
    0.0
    """
    words = [word.lower() for word in _WORD.findall(text)]
    if not words:
        return 0.0
    return sum(1 for word in words if word in _FRENCH_FUNCTION_WORDS) / len(words)


#: A long text's language is judged on slices spread through it: eight of 5,000
#: characters (a few thousand words) tell as well as the whole, which would take seconds
#: for a 10 MB file.
_SLICES, _SLICE = 8, 5_000


def _sample(text: str) -> str:
    """``text``, or slices of it spread from its start to its end when it is long."""
    if len(text) <= _SLICES * _SLICE:
        return text
    step = (len(text) - _SLICE) // (_SLICES - 1)
    return "\n".join(
        text[start : start + _SLICE] for start in range(0, len(text) - _SLICE + 1, step)
    )


def _few_words(text: str) -> bool:
    """Fewer than `_FEW_WORDS` words, counted no further than that."""
    return sum(1 for _ in itertools.islice(_WORD.finditer(text), _FEW_WORDS)) < _FEW_WORDS


def _check_french(path: Path, text: str) -> None:
    if _few_words(text):
        return
    share = french_share(_sample(text))
    if share < _FRENCH_SHARE:
        raise ArticleError(
            path,
            f"the text does not read as French (only {share * 100:.0f} % of its words are French "
            f"words such as « le », « et », « dans », where French prose has 20 % or more), so "
            "its language cannot be read: ctg draft reads French articles; draft the French "
            "version of the article",
        )


# --- publication date of a text --------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("janvier", "janv"),
            ("février", "fevrier", "févr", "fevr"),
            ("mars",),
            ("avril", "avr"),
            ("mai",),
            ("juin",),
            ("juillet", "juil"),
            ("août", "aout"),
            ("septembre", "sept"),
            ("octobre", "oct"),
            ("novembre", "nov"),
            ("décembre", "decembre", "déc", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
#: A line that is a date and nothing more: « samedi 2 octobre 2021 à 06:17 »,
#: « Publié le 19/01/2018 à 10h12 », « Mis à jour le 3 mars 2020, 10h12 ».
_DATELINE = re.compile(
    r"(?:(?:publié|publiée|mis à jour|mise à jour|modifié)\s+le\s+)?"
    rf"(?:(?P<weekday>{'|'.join(_WEEKDAYS)})\s+)?"
    r"(?:(?P<day>1er|\d{1,2})\s+(?P<month>[a-zéû]+)\.?\s+(?P<year>(?:19|20)\d{2})"
    r"|(?P<nday>\d{1,2})/(?P<nmonth>\d{1,2})/(?P<nyear>(?:19|20)\d{2}))"
    r"(?:\s*(?:,|à|-)?\s*\d{1,2}\s*(?:h|:)\s*\d{2}(?:\s*min)?)?\s*[.,]?",
    re.IGNORECASE,
)
#: How far from the top a dateline is looked for: the first lines that hold anything.
_TOP_LINES = 6


#: Lines a saved page starts with that are its site's menu or banner, not a title.
_MENU_LINE = re.compile(
    r"(?:retour|accueil|menu|rechercher|recherche|partager|imprimer|se connecter|connexion"
    r"|s'abonner|abonnez-vous|autres journaux|actualités|actualites|facebook|twitter|youtube"
    r"|instagram|linkedin|fermer|aller au contenu|plan du site|contact|nous contacter)\W*"
    r"|site (?:officiel|internet) .*",
    re.IGNORECASE,
)
#: The longest line taken as a title (a paragraph is longer).
_TITLE_MAX = 160


def txt_title(text: str) -> str | None:
    r"""The title of a plain-text article: its first non-empty line when it reads as one —
    short, of two words or more, starting with a capital, not ending with a full stop, not
    a dateline, not a menu or banner line (« Retour », « Autres journaux »); else None.

    >>> txt_title("\nSignature de la Convention Territoriale Globale\n\nCe 24 janvier …")
    'Signature de la Convention Territoriale Globale'
    >>> txt_title("Autres journaux\n\nLa CTG est signée.") is None
    True
    >>> txt_title("La Caf a signé la CTG avec la commune ce lundi.\nSuite…") is None
    True
    """
    line = next((line.strip() for line in text.split("\n") if line.strip()), "")
    words = line.split()
    if (
        len(words) < 2
        or len(line) > _TITLE_MAX
        or not line[0].isupper()
        or (line.endswith(".") and not line.endswith("..."))
        or line.endswith((",", ";", ":"))
        or _DATELINE.fullmatch(line)
        or _MENU_LINE.fullmatch(line.replace("’", "'"))
        or "\n" not in text.strip()
    ):
        return None
    return " ".join(words)


def dateline(text: str) -> dt.date | None:
    """The publication date of a text: a line near its top holding a French date and
    nothing else (in words or as 19/01/2018; a weekday, « à 06:17 » and « Publié le »
    allowed); None when there is none, when the day does not exist or when the weekday
    says another day.

    >>> dateline("Autres journaux\\n\\nsamedi 2 octobre 2021 à 06:17\\n\\nConseil ...")
    datetime.date(2021, 10, 2)
    >>> dateline("La Caf a signé ce vendredi 19 janvier 2018 sa convention.") is None
    True
    >>> dateline("lundi 2 octobre 2021") is None  # 2 October 2021 was a Saturday
    True
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    for line in lines[:_TOP_LINES]:
        match = _DATELINE.fullmatch(line)
        if match is None:
            continue
        if match["nday"] is not None:
            day, month, year = int(match["nday"]), int(match["nmonth"]), int(match["nyear"])
        else:
            day = 1 if match["day"].lower() == "1er" else int(match["day"])
            month, year = _MONTHS.get(match["month"].lower(), 0), int(match["year"])
        if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
        published = dt.date(year, month, day)
        weekday = match["weekday"]
        if weekday is not None and _WEEKDAYS.index(weekday.lower()) != published.weekday():
            return None
        return published
    return None


# --- web pages -------------------------------------------------------------------------


def _read_html(path: Path, data: bytes, info: ArticleInfo) -> tuple[str, ArticleInfo]:
    """The main text of a page, one paragraph or list item per line, and its metadata."""
    if b"\x00" in data:
        raise ArticleError(
            path,
            "a binary file, not a web page (it holds NUL bytes); pass the page's HTML as "
            "saved by a browser, or its text as .txt",
        )
    import trafilatura

    document = trafilatura.bare_extraction(
        data,
        include_comments=False,
        include_tables=True,
        include_formatting=False,
        include_links=False,
        include_images=False,
        with_metadata=True,
        favor_recall=True,
        # the date of the page's markup only: the extensive search takes « © 2018 » in a
        # footer for a publication date (2018-01-01), which no reader would
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(document, "text", None) if document is not None else None
    # with no article in the page, trafilatura falls back on whatever text it holds
    # (« Accueil », a cookie banner): a few words are not an article's main text
    if not text or _few_words(text):
        raise ArticleError(
            path,
            "no main text found in the page (only navigation or scripts: its text may be "
            "loaded by JavaScript); open it in a browser, save its text as .txt and draft that",
        )
    title = getattr(document, "title", None)
    sitename = getattr(document, "sitename", None) or getattr(document, "hostname", None)
    url = getattr(document, "url", None)
    info = info.model_copy(
        update={
            "title": title or None,
            "published": _iso_date(getattr(document, "date", None)),
            "publisher": sitename or None,
            "url": url or None,
        }
    )
    return _list_items_on_lines(text), info


def _list_items_on_lines(text: str) -> str:
    """One paragraph per line with a blank line between paragraphs, as in a text
    article (a heading is then never read as the start of the next sentence), and the
    list items trafilatura writes as ``- item`` one per line, without blank lines between
    them, so that « Fiche action n°1 : ... » items stay a list."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    joined: list[str] = []
    for before, line in zip([None, *lines], lines, strict=False):
        if before is not None:
            in_list = before.startswith("- ") and line.startswith("- ")
            joined.append("\n" if in_list else "\n\n")
        joined.append(line)
    return "".join(joined) + "\n"


def _iso_date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


# --- PDF -------------------------------------------------------------------------------


def _read_pdf(path: Path, data: bytes) -> tuple[str, str | None]:
    """The text layer of a PDF, pages joined by a blank line, line-end hyphens mended,
    and the title of its metadata when it is one (not the name of the file it was made
    from, as word processors write it)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    corrupt = (
        "a PDF that cannot be opened ({}); check that the download is complete, or open it "
        "and print it to a new PDF, then draft that"
    )
    try:
        with _quiet("pypdf"):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise ArticleError(
                    path,
                    "an encrypted PDF that needs a password; save an unprotected copy and "
                    "draft that",
                )
            pages = [page.extract_text() or "" for page in reader.pages]
            title = _pdf_title(reader.metadata.title if reader.metadata else None)
    except ArticleError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AssertionError) as error:
        raise ArticleError(path, corrupt.format(_first_line(error))) from None
    text = "\n\n".join(page.strip("\n") for page in pages)
    if not text.strip():
        raise ArticleError(path, SCANNED_PDF)
    return mend_hyphens(normalise(text)), title


def _pdf_title(value: object) -> str | None:
    """A metadata title, unless it is a file name (« Microsoft Word - CTG.docx »)."""
    if not isinstance(value, str) or not value.strip():
        return None
    title = " ".join(value.split())
    if re.search(r"\.(docx?|odt|rtf|pdf|indd|pub|txt)$", title, re.IGNORECASE) or re.match(
        r"(microsoft )?(word|powerpoint|excel)\s*-", title, re.IGNORECASE
    ):
        return None
    return normalise(title)


@contextlib.contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """pypdf logs what it repairs in a damaged file ("EOF marker not found") on standard
    error, among ctg's own lines: its warnings are silenced while the PDF is read (a PDF
    it cannot read is refused with its own message)."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        logger.setLevel(level)


def _first_line(error: Exception) -> str:
    words = str(error).strip().splitlines()
    return words[0] if words else type(error).__name__


_CUT = re.compile(r"(?P<left>\w+)-[ \t]*\n[ \t]*(?P<right>\w+)")


def mend_hyphens(text: str) -> str:
    """``text`` with each word cut at a line end by a hyphen put back on one line: whole
    (« parte-\\nnaires » → « partenaires ») when the text spells the whole word elsewhere,
    else with its hyphen (« Saint-\\nFlour » → « Saint-Flour », « vice-\\nprésident »).

    >>> mend_hyphens("nos parte-\\nnaires et nos partenaires")
    'nos partenaires et nos partenaires'
    >>> mend_hyphens("Saint-\\nFlour Communauté, le vice-\\nprésident")
    'Saint-Flour Communauté, le vice-président'
    """
    words = {word.lower() for word in re.findall(r"\w+", text)}

    def mend(match: re.Match[str]) -> str:
        left, right = match["left"], match["right"]
        if right[0].islower() and (left + right).lower() in words:
            return left + right
        return f"{left}-{right}"

    return _CUT.sub(mend, text)
