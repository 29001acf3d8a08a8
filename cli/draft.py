"""``ctg draft ARTICLE…``: articles (.txt, .html, .pdf, or folders of them) into draft
datasets to review, never touching the graph.

For each article it writes two files in the output folder (default: the current one):
``<stem>.draft.yaml``, a dataset of the project's format holding every fact found with its
quoted evidence, and ``<stem>.draft.json``, the draft itself (text, facts, gaps) that the
explorer's review page opens. Each is written to a temporary file then renamed, so a file
is never half-written, and an existing one is kept unless ``--force`` says otherwise.

Exit codes (docs/drafting.md): 0 every article drafted; 1 none could be (nothing
written); 3 some were drafted and written, others could not be; 2 a usage error.
Messages go to standard error; ``--json`` prints a summary of every file on standard
output. No Neo4j connection is ever opened: drafting reads only the files, the French
model and the installed territorial reference.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.output import console
from domain.errors import InputError
from domain.names import fold
from loaders.drafts.articles import DEFAULT_MAX_BYTES, Article, ArticleFile, read_articles

if TYPE_CHECKING:
    from loaders.drafts.facts import Draft
    from loaders.drafts.knowledge import Knowledge

#: Every article drafted; none could be (nothing written); some drafted, some not. 2 is
#: the usage error of the command line itself.
ALL_DRAFTED, NONE_DRAFTED, SOME_DRAFTED = 0, 1, 3

#: How each fact type is counted in the line printed per article (one, several), in this
#: order.
_NAMES = {
    "territory": ("territory", "territories"),
    "partner": ("partner", "partners"),
    "person": ("person", "people"),
    "contract": ("contract", "contracts"),
    "date": ("date", "dates"),
    "signatory": ("signatory", "signatories"),
    "axis": ("axis", "axes"),
    "fiche": ("fiche action", "fiches actions"),
    "theme": ("theme", "themes"),
    "amount": ("amount", "amounts"),
    "lineage": ("lineage link", "lineage links"),
}


@dataclass
class Outcome:
    """What became of one file, as ``--json`` prints it."""

    file: str
    status: str  # drafted | failed | skipped
    message: str | None = None
    written: list[str] = field(default_factory=list)
    facts: dict[str, int] = field(default_factory=dict)
    gaps: int = 0


def draft(
    articles: Annotated[
        list[Path],
        typer.Argument(
            metavar="ARTICLE",
            show_default=False,
            help="Articles to draft: .txt, .html, .htm or .pdf files, or folders of them "
            "(their other files are skipped).",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="The folder to write <stem>.draft.yaml and <stem>.draft.json in "
            "(created if missing).",
        ),
    ] = Path("."),
    force: Annotated[
        bool,
        typer.Option("--force", help="Overwrite drafts already in the output folder."),
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print a JSON summary of every file on standard output (messages stay on "
            "standard error).",
        ),
    ] = False,
    max_size: Annotated[
        int,
        typer.Option(
            "--max-size",
            metavar="BYTES",
            min=1,
            help="The largest article file read, in bytes, checked before reading it.",
        ),
    ] = DEFAULT_MAX_BYTES,
) -> None:
    """Draft a dataset from each article, every fact with the words that say it, to review
    before it is loaded. Never writes to the graph."""
    _check_output(output)
    outcomes: dict[int, Outcome] = {}  # by the file's rank, for --json to keep their order
    ready: list[tuple[int, Path, Article, Path, Path]] = []
    claimed: dict[Path, Path] = {}
    for rank, found in enumerate(read_articles(articles, max_bytes=max_size)):
        outcome = _refused(found, output, force, claimed)
        if outcome is not None:
            outcomes[rank] = outcome
            continue
        assert found.article is not None
        for note in found.article.notes:
            _say(f"{found.path}: {note}")
        yaml_path, json_path = _targets(found.path, output)
        ready.append((rank, found.path, found.article, yaml_path, json_path))
    if ready:
        # imported here: the extractors and the model are the slowest imports of ctg
        from loaders.drafts.knowledge import Knowledge

        loading = "Loading the French model and the territories of France…"
        if not console.is_terminal:
            _say(loading)  # a log shows why the next line comes seconds later
        with console.status(loading):
            knowledge = Knowledge.load()
        for rank, path, article, yaml_path, json_path in ready:
            outcomes[rank] = _draft_one(path, article, knowledge, yaml_path, json_path, force)
    in_order = [outcomes[rank] for rank in sorted(outcomes)]
    if as_json:
        # plain text, not Rich: it would wrap a long path inside a JSON string
        summary = json.dumps([vars(outcome) for outcome in in_order], ensure_ascii=False, indent=2)
        sys.stdout.write(summary + "\n")
    raise typer.Exit(_summarise(in_order))


def _say(message: str) -> None:
    """One line on standard error, never wrapped: it names files to copy and paste."""
    console.print(message, highlight=False, soft_wrap=True)


def _check_output(output: Path) -> None:
    """A file where the output folder should be is said before anything is read; the
    folder itself is created when the first draft is written, so a run that drafts
    nothing leaves nothing behind."""
    if output.exists() and not output.is_dir():
        raise InputError(
            f"--output {output}: not a folder; name a folder to write the drafts in (it is "
            "created if missing)"
        )


def _refused(
    found: ArticleFile, output: Path, force: bool, claimed: dict[Path, Path]
) -> Outcome | None:
    """The outcome of a file that is not drafted (skipped, unreadable, its draft already
    there or claimed by another article of this run), printed; None for one to draft."""
    if found.skipped is not None:
        _say(f"{found.path}: {found.skipped}")
        return Outcome(str(found.path), "skipped", found.skipped)
    if found.error is not None:
        return _failed(found.path, str(found.error))
    yaml_path, json_path = _targets(found.path, output)
    earlier = claimed.get(yaml_path)
    if earlier is not None:
        return _failed(
            found.path,
            f"{found.path}: its draft would be {yaml_path}, like that of {earlier}; draft one "
            "of them separately with another --output, or rename it",
        )
    claimed[yaml_path] = found.path
    if not force:
        existing = [target for target in (yaml_path, json_path) if target.exists()]
        if existing:
            return _failed(found.path, _exists_message(found.path, existing))
    return None


def _exists_message(path: Path, existing: Sequence[Path]) -> str:
    names = " and ".join(str(target) for target in existing)
    return (
        f"{path}: not drafted, {names} already exist{'s' if len(existing) == 1 else ''}; "
        "pass --force to overwrite, or --output another folder"
    )


def _failed(path: Path, message: str) -> Outcome:
    _say(message)
    return Outcome(str(path), "failed", message)


def _draft_one(
    path: Path,
    article: Article,
    knowledge: Knowledge,
    yaml_path: Path,
    json_path: Path,
    force: bool,
) -> Outcome:
    """Draft one article and write its two files, or say why not."""
    from loaders.drafts import dataset
    from loaders.drafts.draft import draft_text

    found = draft_text(article.text, article.info, knowledge)
    if not found.of_type("contract") and not found.of_type("partner"):
        return _failed(
            path,
            f"{path}: nothing to draft: the article names no contract and no partner that "
            "ctg knows (a CTG, a CEJ, a Caf, an EPCI…); nothing was written",
        )
    try:
        yaml_text = dataset.to_yaml(found, name=dataset_name(path))
        written = _write_both(
            ((yaml_path, yaml_text), (json_path, found.model_dump_json(indent=2) + "\n")), force
        )
    except InputError as error:
        return _failed(path, f"{path}: {error}" if str(path) not in str(error) else str(error))
    counts = _counts(found)
    _say(f"{path}: {_describe(counts)}; {_gaps(found)} → {' and '.join(map(str, written))}")
    return Outcome(
        str(path), "drafted", written=[str(w) for w in written], facts=counts, gaps=len(found.gaps)
    )


def _counts(found: Draft) -> dict[str, int]:
    counted = Counter[str](fact.type for fact in found.facts)
    return {kind: counted[kind] for kind in _NAMES if counted[kind]}


def _describe(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{number} {_NAMES[kind][number != 1]}" for kind, number in counts.items())
    return f"{total} fact{'s' if total != 1 else ''} ({parts})"


def _gaps(found: Draft) -> str:
    number = len(found.gaps)
    return f"{number} gap{'s' if number != 1 else ''} to fill" if number else "no gap"


def _summarise(outcomes: Sequence[Outcome]) -> int:
    drafted = sum(1 for outcome in outcomes if outcome.status == "drafted")
    failed = sum(1 for outcome in outcomes if outcome.status == "failed")
    if not failed:
        if drafted:
            _say(f"Drafted {_articles(drafted)}. {_review(drafted)}")
            return ALL_DRAFTED
        _say("No article to draft: every file was skipped.")
        return NONE_DRAFTED
    if not drafted:
        _say(
            f"No article could be drafted ({_files(failed)} refused, said above); "
            "nothing was written."
        )
        return NONE_DRAFTED
    _say(
        f"Drafted {_articles(drafted)}, written above; {_files(failed)} could not be "
        "(said above). " + _review(drafted)
    )
    return SOME_DRAFTED


def _review(drafted: int) -> str:
    drafts, them = ("the draft", "it") if drafted == 1 else ("the drafts", "them")
    return f"Review {drafts}, then check {them} with `ctg validate` before loading."


def _files(number: int) -> str:
    return f"{number} file{'s' if number != 1 else ''}"


def _articles(number: int) -> str:
    return f"{number} article{'s' if number != 1 else ''}"


def _targets(path: Path, output: Path) -> tuple[Path, Path]:
    return output / f"{path.stem}.draft.yaml", output / f"{path.stem}.draft.json"


def dataset_name(path: Path) -> str:
    """The dataset key of an article's draft: its file name as a slug.

    >>> dataset_name(Path("articles/CTG Saint-Flour (2018).txt"))
    'ctg-saint-flour-2018'
    >>> dataset_name(Path("ÉTÉ.pdf"))
    'ete'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", fold(path.stem)).strip("-")[:120].strip("-")
    return slug or "draft"


def _write_both(files: Sequence[tuple[Path, str]], force: bool) -> list[Path]:
    """Write every file atomically (a temporary file in the same folder, then a rename);
    without ``force``, a file that appeared meanwhile is kept and none of ``files`` is."""
    done: list[Path] = []
    try:
        with contextlib.ExitStack() as cleanup:
            temporaries = [
                (target, cleanup.enter_context(_temporary(target, text))) for target, text in files
            ]
            for target, temporary in temporaries:
                if force:
                    os.replace(temporary, target)
                else:
                    # a hard link fails if the target exists: there is no moment at which
                    # a file another process wrote meanwhile could be overwritten
                    os.link(temporary, target)
                done.append(target)
    except FileExistsError as error:
        _remove(done)
        raise InputError(
            f"not drafted, {error.filename2 or error.filename} appeared meanwhile; pass "
            "--force to overwrite, or --output another folder"
        ) from None
    except OSError as error:
        _remove(done)
        raise InputError(
            f"the draft cannot be written in {files[0][0].parent} ({error.strerror or error}); "
            "nothing of it was kept: free some space or name another --output"
        ) from None
    return done


def _remove(paths: Sequence[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def _temporary(target: Path, text: str) -> Iterator[Path]:
    """``text`` in a temporary file beside ``target`` (readable like any file the user
    writes), removed on the way out: by then it has been renamed or linked onto it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        os.fchmod(handle, _file_mode())
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def _file_mode() -> int:
    """What a new file's mode is under the user's umask (mkstemp would make it 0600)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask
