"""The Prevention of Future Deaths corpus: CSV rows → one typed report each → Markdown to ingest."""

from __future__ import annotations

import csv
import hashlib
import re
import sys
from pathlib import Path

import pytest

from assistant.library.ingest import prepare
from assistant.quality import pfd
from assistant.settings import Settings

from .support import PFD, require_shared

HEADINGS = ["Investigation and inquest", "Circumstances of the death", "Matters of concern"]


@pytest.fixture(scope="module")
def real_reports() -> dict[str, pfd.PfdReport]:
    require_shared(PFD)
    return {report.id: report for report in pfd.load(PFD)}


def csv_ids(folder: Path) -> list[str]:
    """The id column of every row of every file, whichever pipeline named it."""
    csv.field_size_limit(sys.maxsize)
    ids = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            ids += [row.get("id", row.get("ID", "")) for row in csv.DictReader(handle)]
    return ids


def ingest_one(path: Path):
    return prepare(path, hashlib.sha256(path.read_bytes()).hexdigest(), Settings())


# -- the real corpus ----------------------------------------------------------------------------


def test_real_corpus_yields_each_report_once(real_reports):
    rows = csv_ids(PFD)
    ids = {i for i in rows if re.fullmatch(r"\d{4}-\d{4}", i)}
    assert len(rows) > len(real_reports) > 850  # reports in several files were merged
    # every coroner's reference is there; two are each used by two different reports
    assert {r.id[:9] for r in real_reports.values() if re.match(r"\d{4}-\d{4}", r.id)} == ids
    assert {"2015-0389-erich-speilmann", "2015-0389-john-roberts"} <= set(real_reports)
    # rows without an id ("" or "N/A: Not found") are matched across files by URL
    gallagher = real_reports["thomas-gallagher"]
    assert len(gallagher.source_files) == 3 and gallagher.date is not None


def test_real_report_in_two_files_is_one_report_with_both_files_themes(real_reports):
    aules = real_reports["2023-0313"]
    assert aules.source_files == ("child_suicide_tagged.csv", "dataset_for_annotation.csv")
    assert aules.source_file == "child_suicide_tagged.csv"
    assert aules.date.isoformat() == "2023-08-30" and aules.area == "East London"
    assert aules.sections["investigation"].startswith("On 3 August 2022 I commenced an investigation")
    assert {"as_delays_waiting", "sr_funding", "sp_specialist_services"} <= aules.themes
    assert not {"ahce_internet", "sp_discharge", "comm_between_services"} & aules.themes


def test_real_themes_are_the_true_flag_columns_only(real_reports):
    bowen = real_reports["2025-0592"]
    assert {"brake_system", "vehicle_technology"} <= bowen.themes
    assert "smart_motorways" not in bowen.themes
    everything = set().union(*(r.themes for r in real_reports.values()))
    assert not everything & {"age", "sex", "pedestrian", "positive_cases", "spans_positive_cases", "id"}
    assert "Unnamed: 0" not in everything and "" not in everything


def test_one_report_about_several_deaths_is_one_document_naming_them_all(real_reports):
    sidat = real_reports["2019-0370"]
    assert len(sidat.urls) == 3
    assert pfd.deceased(sidat) == "Hajra Sidat, Liyakat Sidat and Salma Sidat"
    assert pfd.deceased(real_reports["2016-0146"]).count("O'Connor") == 1  # spelt as the report does


def test_written_report_reads_back_with_its_metadata(real_reports, tmp_path):
    path = pfd.write_markdown(real_reports["2023-0313"], tmp_path)
    assert path == tmp_path / "pfd-2023-0313.md"
    document, text, passages = ingest_one(path)
    assert document.title == "Prevention of Future Deaths report: Allison Aules"
    assert document.subject == "Allison Aules"
    assert document.review_type == "Prevention of Future Deaths report"
    assert document.published == "2023-08-30" and document.partnership == "East London"
    assert document.name == "Allison Aules, PFD report 2023-0313, East London, August 2023"
    assert document.age_groups == ("young-child",)  # "Allison was 12 years old"
    assert passages and "Allison Aules was referred to the mental health team" in text


def test_written_report_passages_are_named_by_its_sections(real_reports, tmp_path):
    _, _, passages = ingest_one(pfd.write_markdown(real_reports["2023-0313"], tmp_path))
    assert set(HEADINGS) <= {p.section for p in passages}
    concerns = [p for p in passages if p.section == "Matters of concern"]
    assert "CAMHS" in " ".join(p.text for p in concerns)


# -- a small corpus made here --------------------------------------------------------------------

NEW_COLUMNS = ["", "url", "id", "date", "coroner", "area", "receiver", "investigation",
               "circumstances", "concerns", "family_input", "road_layout", "sex"]  # fmt: skip
OLD_COLUMNS = ["", "Unnamed: 0", "URL", "ID", "Date", "CoronerName", "Area", "Receiver",
               "InvestigationAndInquest", "CircumstancesOfDeath", "MattersOfConcern", "sent_nhs"]  # fmt: skip
BASE = "https://www.judiciary.uk/prevention-of-future-death-reports/"


def write_csv(path: Path, columns: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "pfd"
    folder.mkdir()
    write_csv(folder / "a_old.csv", OLD_COLUMNS, [
        ["0", "7", f"{BASE}amy-o-neill-prevention-of-future-deaths-report/", "2023-0001", "2023-01-05",
         "A. Coroner", "Kent", "NHS England", "On 1 May I opened an inquest into Amy O'Neill.",
         "Amy O'Neill died at home.\nShe was 15.", "First concern.\n\nSecond concern.", "True"],
        ["1", "8", f"{BASE}ben-cole/", "N/A: Not found", "2016-02-02", "B. Coroner", "Leeds", "",
         "Ben Cole's inquest.", "", "A concern about Ben.", "False"],
    ])  # fmt: skip
    write_csv(folder / "b_new.csv", NEW_COLUMNS, [
        ["0", f"{BASE}amy-o-neill-prevention-of-future-deaths-report/", "2023-0001", "2023-01-05", "",
         "Kent", "NHS England", "A later extraction.", "Other text.", "Other concern.", "1", "0", "Female"],
        ["1", f"{BASE}ben-cole/", "", "2016-02-02", "B. Coroner", "Leeds", "Council", "Ben Cole.", "", "y",
         "0", "0", "Male"],
        ["2", f"{BASE}cara-dunn/", "2019-0100", "2019-03-03", "C", "York", "", "Cara Dunn, Dan Dunn.",
         "", "z", "0", "1", ""],
        ["3", f"{BASE}dan-dunn/", "2019-0100", "2019-03-03", "C", "York", "", "Cara Dunn, Dan Dunn.",
         "", "z", "0", "1", ""],
        ["4", f"{BASE}eve-fox/", "2019-0100", "2019-07-07", "E", "Hull", "", "Eve Fox's inquest.", "", "w",
         "", "", ""],
    ])  # fmt: skip
    return folder


def test_small_corpus_merges_rows_of_one_report(small_corpus):
    reports = {r.id: r for r in pfd.load(small_corpus)}
    assert sorted(reports) == ["2019-0100-cara-dunn", "2019-0100-eve-fox", "2023-0001", "ben-cole"]
    amy = reports["2023-0001"]
    assert amy.source_files == ("a_old.csv", "b_new.csv")
    assert amy.coroner == "A. Coroner" and amy.date.isoformat() == "2023-01-05"
    assert amy.sections == {
        "investigation": "On 1 May I opened an inquest into Amy O'Neill.",
        "circumstances": "Amy O'Neill died at home.\nShe was 15.",
        "concerns": "First concern.\n\nSecond concern.",
    }
    assert amy.themes == {"sent_nhs", "family_input"}  # "True" and "1"; "sex" is no theme
    ben = reports["ben-cole"]  # no id in either file: matched by URL
    assert ben.source_files == ("a_old.csv", "b_new.csv") and ben.receiver == "Council"
    assert ben.themes == frozenset()
    dunn = reports["2019-0100-cara-dunn"]  # one report, two deaths, one page each
    assert dunn.urls == (f"{BASE}cara-dunn/", f"{BASE}dan-dunn/") and dunn.themes == {"road_layout"}
    assert reports["2019-0100-eve-fox"].area == "Hull"  # same id, another date and page: another report


def test_small_corpus_writes_markdown_the_reader_accepts(small_corpus, tmp_path):
    reports = {r.id: r for r in pfd.load(small_corpus)}
    path = pfd.write_markdown(reports["2023-0001"], tmp_path)
    markdown = path.read_text(encoding="utf-8")
    assert path.name == "pfd-2023-0001.md"
    assert "## Matters of concern\n\nFirst concern.\n\nSecond concern.\n" in markdown
    document, _, passages = ingest_one(path)
    assert document.title == "Prevention of Future Deaths report: Amy O'Neill"
    assert document.published == "2023-01-05" and passages
    dunn = ingest_one(pfd.write_markdown(reports["2019-0100-cara-dunn"], tmp_path))[0]
    assert dunn.subject == "Cara Dunn and Dan Dunn"
    ben = pfd.write_markdown(reports["ben-cole"], tmp_path).read_text(encoding="utf-8")
    assert "## Circumstances of the death" not in ben  # an empty section is left out


def test_name_comes_from_the_url_only_when_the_report_uses_it():
    def report(url: str, text: str) -> pfd.PfdReport:
        sections = {"investigation": text, "circumstances": "", "concerns": ""}
        return pfd.PfdReport("2020-0001", None, "", "", "", url, sections, frozenset(), "x.csv")

    assert pfd.deceased(
        report(f"{BASE}allison-aules-prevention-of-future-deaths-report/", "Allison Aules")
    ) == ("Allison Aules")
    assert pfd.deceased(report(f"{BASE}robin-mcewan/", "ROBIN MCEWAN ('Mr McEwan')")) == "Robin McEwan"
    both = report(f"{BASE}paul-morris-and-alison-morris-prevention-future-deaths-report/", "Paul Morris")
    assert pfd.deceased(both) == "Paul Morris And Alison Morris"  # the address's words, "of" or not
    assert pfd.deceased(report(f"{BASE}103676-2/", "the death of Doreen Turner")) == ""
    assert pfd.load(Path("/nonexistent")) is not None and list(pfd.load(Path("/nonexistent"))) == []
