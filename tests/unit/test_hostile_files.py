"""Hostile or broken dataset files: each gets one problem, a line that says what and what
to do, quickly and in bounded memory, quoting nothing of a file that is not a dataset;
and a file that changes while or after it is read is refused, nothing written.

The same files go through ``ctg validate`` and ``ctg load partnerships`` as processes,
with their time and peak memory, in tests/reliability/test_hostile_files.py.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import cli.load
import loaders.input_files
from domain.errors import ConfigurationError, InputError, ReferenceDataError
from graph.settings import Neo4jConnection
from loaders.datasets import DatasetError, Registry, TerritoryIndex, read_datasets
from loaders.input_files import DATASET_MAX_BYTES_SETTING, dataset_size_limit
from loaders.pipeline import check_files_unchanged, read_partnerships
from loaders.reference import read_reference
from loaders.yaml_lines import YamlSyntaxError, load_with_lines
from tests.conftest import EXAMPLE_DATASET, REFERENCE_EXTRACT

REFERENCE = read_reference(REFERENCE_EXTRACT, ["15", "71"])
TERRITORIES = TerritoryIndex.from_reference(REFERENCE)
EXAMPLE_TEXT = EXAMPLE_DATASET.read_text(encoding="utf-8")
#: A secret-looking text that a refusal must never print.
SECRET = "root:$6$s3cr3tHASH:20228:0:99999:7:::"


def only_problem(*paths: Path) -> str:
    """The one problem ``read_datasets`` finds in ``paths``, as printed."""
    with pytest.raises(DatasetError) as caught:
        read_datasets(list(paths), TERRITORIES)
    assert "nothing was written" in str(caught.value)
    assert len(caught.value.problems) == 1, caught.value.problems
    (problem,) = caught.value.problems
    printed = str(problem)
    assert "\n" not in printed
    return printed


def alias_bomb(levels: int = 9) -> str:
    """The billion laughs: each level is a list of nine aliases of the one before."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        name, previous = chr(ord("a") + i), chr(ord("a") + i - 1)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "format: ctg-graph/dataset@1\n" + "\n".join(lines) + "\n"


def nested(depth: int, style: str) -> str:
    if style == "flow":
        return "format: ctg-graph/dataset@1\ndataset: " + "[" * depth + "]" * depth + "\n"
    if style == "block list":
        return "- " * depth + "x\n"
    return "".join(" " * i + "a:\n" for i in range(depth)) + " " * depth + "x\n"


# -- what YAML a dataset may hold ------------------------------------------------------


@pytest.mark.parametrize("levels", [3, 9])
def test_an_alias_bomb_stops_at_the_alias_that_overflows(tmp_path: Path, levels: int) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(levels), encoding="utf-8")
    if levels == 3:  # 729 "lol"s: a harmless repetition, read as YAML
        data, _ = load_with_lines(path.read_text(encoding="utf-8"))
        assert len(data["c"]) == 9
        return
    printed = only_problem(path)
    assert "the aliases of this file repeat more than 1,000,000 characters" in printed
    assert "write the values out" in printed
    assert printed.startswith(f"{path}:")


def test_the_billion_laughs_in_a_flow_mapping_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    text = "{a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"
    for i in range(1, 10):
        text += f", {chr(97 + i)}: &{chr(97 + i)} [{', '.join([f'*{chr(96 + i)}'] * 10)}]"
    path.write_text(text + "}\n", encoding="utf-8")
    assert "repeat more than" in only_problem(path)


def test_an_alias_inside_what_it_repeats_is_refused() -> None:
    with pytest.raises(YamlSyntaxError, match=r"alias \*a is inside what it repeats") as caught:
        load_with_lines("a: &a\n  b: *a\n")
    assert caught.value.line == 2


def test_an_alias_of_a_text_or_a_mapping_repeats_it() -> None:
    data, lines = load_with_lines("why: &w because\nx: &m {a: 1}\ny: *m\nz: *w\n")
    assert data == {"why": "because", "x": {"a": 1}, "y": {"a": 1}, "z": "because"}
    assert lines[("y",)] == 3


@pytest.mark.parametrize("depth", [65, 500, 20_000, 50_000])
@pytest.mark.parametrize("style", ["flow", "block list", "block mapping"])
def test_deep_nesting_is_refused_at_its_first_level_too_deep(
    tmp_path: Path, depth: int, style: str
) -> None:
    if style == "block mapping" and depth > 500:
        depth = 2_000  # indented by its depth: 20 000 levels would be 200 MB of spaces
    path = tmp_path / "deep.yaml"
    path.write_text(nested(depth, style), encoding="utf-8")
    printed = only_problem(path)
    assert "nested more than 64 levels deep" in printed
    line = 2 if style == "flow" else 1 if style == "block list" else 65
    assert printed.startswith(f"{path}:{line}: ")


def test_aliases_cannot_nest_deeper_than_the_limit_either() -> None:
    levels = ["l0: &l0 " + "[" * 40 + "x" + "]" * 40]
    levels += [f"l{i}: &l{i} " + "[" * 30 + f"*l{i - 1}" + "]" * 30 for i in range(1, 3)]
    with pytest.raises(YamlSyntaxError, match="nested more than 64 levels") as caught:
        load_with_lines("\n".join(levels) + "\n")
    assert caught.value.line == 2


def test_a_second_document_and_merge_keys_are_refused() -> None:
    with pytest.raises(YamlSyntaxError, match="a second YAML document") as caught:
        load_with_lines("a: 1\n---\nb: 2\n")
    assert caught.value.line == 2
    with pytest.raises(YamlSyntaxError, match=r"merge keys \(<<\)"):
        load_with_lines("a: {x: 1}\nb:\n  <<: {y: 2}\n")


# -- files that are not what they claim ------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "large.yaml"
    path.write_text(EXAMPLE_TEXT + "# padding\n" * 200, encoding="utf-8")
    size = path.stat().st_size
    monkeypatch.setenv(DATASET_MAX_BYTES_SETTING, str(size - 1))
    printed = only_problem(path)
    assert f"{size:,} bytes, over the limit of {size - 1:,} bytes" in printed
    assert "split the dataset into several files" in printed
    assert f"raise {DATASET_MAX_BYTES_SETTING}" in printed
    monkeypatch.setenv(DATASET_MAX_BYTES_SETTING, str(size))
    assert read_datasets([path], TERRITORIES)


def test_the_default_size_limit_is_20_mb_and_a_wrong_setting_says_so() -> None:
    assert dataset_size_limit({}).max_bytes == 20_000_000
    assert dataset_size_limit({DATASET_MAX_BYTES_SETTING: "50_000_000"}).max_bytes == 50_000_000
    with pytest.raises(ConfigurationError, match=r"CTG_DATASET_MAX_BYTES='20MB' is not a size"):
        dataset_size_limit({DATASET_MAX_BYTES_SETTING: "20MB"})


def test_a_named_pipe_is_refused_without_being_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")  # opening it for reading would block forever
    printed = only_problem(tmp_path)
    assert printed == (
        f"{tmp_path / 'pipe.yaml'}: (file): a named pipe (FIFO), not a regular file, so it "
        "is not read; pass plain files (or folders holding them)"
    )


def test_a_device_is_refused(tmp_path: Path) -> None:
    assert "a device, not a regular file" in only_problem(Path("/dev/zero"))


@pytest.mark.parametrize("target", ["/dev/zero", "/etc/shadow", "/etc/passwd"])
def test_a_link_out_of_the_dataset_folder_is_refused(tmp_path: Path, target: str) -> None:
    link = tmp_path / "datasets" / "linked.yaml"
    link.parent.mkdir()
    link.symlink_to(target)
    for given in (link.parent, link):  # found in a folder, or named on the command line
        printed = only_problem(given)
        assert f"a symbolic link to {target}, outside the folder" in printed
        assert "copy the file into the folder" in printed


def test_a_link_inside_the_dataset_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "example.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real" / "example.yaml")
    (tmp_path / "folder-link").symlink_to(tmp_path / "real")  # not followed: read once
    (dataset,) = read_datasets([tmp_path / "link.yaml"], TERRITORIES)
    assert dataset.files == (tmp_path / "link.yaml",)
    with pytest.raises(DatasetError, match="already defined"):  # the same file twice
        read_datasets([tmp_path], TERRITORIES)


def test_a_broken_link_says_so(tmp_path: Path) -> None:
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    assert "a symbolic link to a file that does not exist" in only_problem(tmp_path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (bytes(range(256)) * 4, "not UTF-8 text (byte 128), so not a dataset"),
        (b"\x00" * 4096, "character U+0000 is not allowed in YAML"),
        (f"{SECRET}\nbin:*:20228:0:99999:7:::\n".encode(), "not a dataset file: it has no"),
        (f"{SECRET} [unclosed\n".encode(), "not valid YAML"),
        (f"{SECRET}\n{SECRET}\n".encode(), "not a dataset file: not valid YAML"),
        (f"format: other\n{SECRET}\n".encode(), "format: Input should be"),
    ],
    ids=["binary", "zeros", "shadow-like", "broken", "duplicate line", "other format"],
)
def test_a_file_that_is_not_a_dataset_is_never_quoted(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "not-a-dataset.yaml"
    path.write_bytes(content)
    printed = only_problem(path)
    assert expected in printed
    assert "s3cr3t" not in printed
    assert "20228" not in printed
    assert "bin:" not in printed


def test_a_long_unknown_key_is_quoted_as_a_short_excerpt(tmp_path: Path) -> None:
    path = tmp_path / "long-key.yaml"
    path.write_text(EXAMPLE_TEXT + "x" * 1000 + ": 1\n", encoding="utf-8")
    printed = only_problem(path)
    assert "unknown field" in printed
    assert "x" * 39 + "…" in printed
    assert "x" * 41 not in printed


# -- a file that changes while or after it is read -------------------------------------


@pytest.fixture
def writer_during_read(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path, str], None]:
    """Make the next read of a file append ``more`` to it once half of it is read, as a
    program writing it at that moment would."""
    read_all = loaders.input_files._read_all  # pyright: ignore[reportPrivateUsage]
    pending: dict[str, Any] = {}

    def writing(path: Path, more: str) -> None:
        pending["path"], pending["more"] = path, more

    def reading(fd: int, max_bytes: int) -> bytes:
        half = os.read(fd, os.fstat(fd).st_size // 2)
        if pending:
            with open(pending.pop("path"), "a", encoding="utf-8") as handle:
                handle.write(pending.pop("more"))
        return half + read_all(fd, max_bytes - len(half))

    monkeypatch.setattr(loaders.input_files, "_read_all", reading)
    return writing


def test_a_file_written_while_it_is_read_is_refused(
    tmp_path: Path, writer_during_read: Callable[[Path, str], None]
) -> None:
    path = tmp_path / "example.yaml"
    path.write_text(EXAMPLE_TEXT, encoding="utf-8")
    writer_during_read(path, "# one more line\n")
    printed = only_problem(path)
    assert "changed while it was read" in printed
    assert "Wait until whatever writes it has finished" in printed
    assert read_datasets([path], TERRITORIES)  # once it is quiet, it is read


def test_a_file_changed_after_validation_refuses_the_load_before_any_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The probe's truncated file: validated whole, rewritten before the write."""
    path = tmp_path / "example.yaml"
    path.write_text(EXAMPLE_TEXT, encoding="utf-8")
    read = read_partnerships

    def read_then_rewrite(paths: list[Path], reference: Any, **_: Any) -> Any:
        partnerships = read(paths, REFERENCE)
        path.write_text(EXAMPLE_TEXT[: len(EXAMPLE_TEXT) // 2], encoding="utf-8")
        return partnerships

    writes: list[object] = []
    monkeypatch.setattr(cli.load, "read_reference", lambda data_dir: REFERENCE)
    monkeypatch.setattr(cli.load, "read_partnerships", read_then_rewrite)
    monkeypatch.setattr(cli.load, "open_driver", lambda connection: contextlib.nullcontext())
    monkeypatch.setattr(cli.load, "graph_registry", lambda connection: Registry())
    monkeypatch.setattr(cli.load, "load_partnerships", lambda *args, **kw: writes.append(args))
    connection = Neo4jConnection("bolt://127.0.0.1:1", "neo4j", "x", "neo4j", local=False)
    with pytest.raises(InputError) as caught:
        cli.load.run_partnership_load(connection, [tmp_path])
    assert writes == []
    message = str(caught.value)
    assert "1 file(s) changed after they were validated" in message
    assert "nothing was written" in message
    assert f"{path} ({len(EXAMPLE_TEXT.encode()):,} bytes when validated" in message


def test_an_unchanged_or_only_touched_file_passes_the_check(tmp_path: Path) -> None:
    path = tmp_path / "example.yaml"
    path.write_text(EXAMPLE_TEXT, encoding="utf-8")
    partnerships = read_partnerships([path], REFERENCE)
    (stamp,) = partnerships.datasets[0].stamps
    assert stamp.size == len(EXAMPLE_TEXT.encode())
    assert len(stamp.sha256) == 64
    check_files_unchanged(partnerships)
    os.utime(path, ns=(stamp.mtime_ns + 10**9, stamp.mtime_ns + 10**9))
    check_files_unchanged(partnerships)  # same bytes: what was validated is there
    path.unlink()
    with pytest.raises(InputError, match="the file does not exist"):
        check_files_unchanged(partnerships)


# -- the territorial reference ---------------------------------------------------------


def test_a_reference_file_that_is_a_pipe_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("regions.json", "departements.json", "communes.json"):
        (data / name).write_bytes((REFERENCE_EXTRACT / name).read_bytes())
    os.mkfifo(data / "epci.json")
    with pytest.raises(ReferenceDataError, match=r"epci\.json: a named pipe \(FIFO\)"):
        read_reference(data, vintage=2026)
