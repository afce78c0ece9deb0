"""Ingest speed on the PFD reports, next to the speed of the encoder alone on the same passages.

    python benchmarks/ingest_bench.py [--pfd DIR] [--limit N] [--encoders torch,onnx-fp32]
                                      [--repeat N] [--json]

Every report (or the first N) is written as Markdown into a temporary folder and ingested with
the real default model into a temporary library, timing the whole ``ingest`` call (the model is
loaded and warmed up first). Then the encoder alone encodes exactly the passages the library now
holds, in the same process. Overhead is the share of the pipeline's time not spent encoding:
(pipeline - encoder) / pipeline. The aim is under 15% (issue 17). This machine's speed drifts by
5-10% from one minute to the next, so ``--repeat N`` runs the ingest and the encoder alone N
times in turn: the overhead is the median of the turns' own overheads, the speeds the medians.
With several ``--encoders`` each is run in turn on the same reports, and their throughputs are
compared in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, get_args

import numpy as np

from assistant import embedding
from assistant.library import Library, ingest
from assistant.quality import pfd
from assistant.settings import DEFAULT_ENCODER, Encoder, Settings

AIM = 0.15


class _Timed:
    """An embedder that counts the time spent inside ``encode`` and the passages of each call."""

    def __init__(self, inner: embedding.Embedder):
        self.inner, self.name, self.dimension = inner, inner.name, inner.dimension
        self.encoder = inner.encoder
        self.seconds, self.calls = 0.0, []

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        tick = time.perf_counter()
        vectors = self.inner.encode(texts, progress)
        self.seconds += time.perf_counter() - tick
        self.calls.append(len(texts))
        return vectors


def run(
    folder: Path, limit: int | None = None, encoder: Encoder = DEFAULT_ENCODER, repeat: int = 1
) -> dict[str, Any]:
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    reports = list(pfd.load(folder))[:limit]
    if not reports:
        raise SystemExit(f"no PFD reports in {folder}")
    embedder = embedding.load(encoder=encoder)
    sample = [text[:1200] for report in reports[:40] for text in report.sections.values() if text]
    embedder.encode(sample[:64])  # warm up on passage-sized texts: the first batches run slower
    pipeline_runs: list[float] = []
    encoder_runs: list[float] = []
    inside: list[float] = []
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        for report in reports:
            pfd.write_markdown(report, docs)
        for turn in range(repeat):  # in turn, so that a slower minute of the machine slows both
            settings = Settings(index_dir=Path(tmp) / f"index-{turn}", batch_size=embedder.batch_size)
            timed = _Timed(embedder)
            tick = time.perf_counter()
            files = ingest.ingest([docs], settings, timed)
            pipeline_runs.append(time.perf_counter() - tick)
            inside.append(timed.seconds)

            library = Library.open(settings.index_dir)
            texts = [p.text for p in library.passages()]
            library.close()
            tick = time.perf_counter()
            embedder.encode(texts)
            encoder_runs.append(time.perf_counter() - tick)

    pipeline_s, encoder_s = statistics.median(pipeline_runs), statistics.median(encoder_runs)
    middle = min(range(repeat), key=lambda turn: abs(pipeline_runs[turn] - pipeline_s))
    overheads = [(p - e) / p for p, e in zip(pipeline_runs, encoder_runs, strict=True)]  # each turn's own
    failed = [f for f in files if f.failed]
    return {
        "documents": sum(f.status in ("added", "replaced") for f in files),
        "failed": [f"{f.name}: {f.reason}" for f in failed],
        "unchanged": [f"{f.name}: {f.reason}" for f in files if f.status == "unchanged"],  # same bytes
        "passages": len(texts),
        "mean_passage_chars": round(statistics.mean(map(len, texts)), 1) if texts else 0,
        "model": embedder.name,
        "encoder": embedder.encoder,
        "batch_size": embedder.batch_size,
        "repeat": repeat,
        "pipeline_s": round(pipeline_s, 2),  # the median of the runs, as for the encoder alone
        "pipeline_runs_s": [round(t, 2) for t in pipeline_runs],
        "pipeline_passages_per_s": round(len(texts) / pipeline_s, 1),
        "encoder_s": round(encoder_s, 2),
        "encoder_runs_s": [round(t, 2) for t in encoder_runs],
        "encoder_passages_per_s": round(len(texts) / encoder_s, 1),
        "pipeline_encoding_s": round(inside[middle], 2),  # inside encode, in the ingest nearest the median
        "pipeline_other_s": round(
            pipeline_runs[middle] - inside[middle], 2
        ),  # reading, cutting, storing: the same
        "pipeline_encode_calls": len(timed.calls),
        "overhead_pct": round(100 * statistics.median(overheads), 1),  # the median turn's
        "overhead_runs_pct": [round(100 * o, 1) for o in overheads],
        "aim_pct": round(100 * AIM),
        "wall_s": round(time.perf_counter() - started, 1),
        "cpus": os.cpu_count(),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],  # before, after
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pfd", type=Path, default=Settings().pfd_dir, help="folder of the PFD CSV files")
    parser.add_argument("--limit", type=int, default=None, help="ingest only the first N reports")
    parser.add_argument(
        "--repeat", type=int, default=1, help="ingest and encode N times in turn; the median of each counts"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--encoders", default=DEFAULT_ENCODER, help="comma-separated, e.g. torch,onnx-fp32: each in turn"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    encoders = [e.strip() for e in args.encoders.split(",") if e.strip()]
    if unknown := [e for e in encoders if e not in get_args(Encoder)]:
        parser.error(f"unknown encoder {unknown[0]!r}: one of {', '.join(get_args(Encoder))}")
    results = [run(args.pfd, args.limit, encoder, args.repeat) for encoder in encoders]
    if args.json:
        print(json.dumps(results[0] if len(results) == 1 else results))
        return 0
    for result in results:
        _show(result)
    first = results[0]
    for result in results[1:]:
        ratio = result["pipeline_passages_per_s"] / first["pipeline_passages_per_s"]
        print(f"{result['encoder']} ingests {ratio:.2f}x as many passages a second as {first['encoder']}")
    return 0


def _show(result: dict[str, Any]) -> None:
    print(
        f"corpus    {result['documents']} documents, {result['passages']} passages, "
        f"mean {result['mean_passage_chars']:.0f} characters a passage"
        + (f", {len(result['failed'])} files failed" if result["failed"] else "")
        + (f", {len(result['unchanged'])} skipped as duplicates" if result["unchanged"] else "")
    )
    for name in ("pipeline", "encoder"):
        runs = ", ".join(f"{t:.2f}" for t in result[f"{name}_runs_s"])
        rate = result[f"{name}_passages_per_s"]
        print(
            f"{name:<9} {rate:8.1f} passages/s  {result[f'{name}_s']:8.2f} s"
            + (f"  (median of {runs})" if result["repeat"] > 1 else "")
        )
    print(
        f"          of the pipeline: {result['pipeline_encoding_s']:.2f} s inside encode "
        f"({result['pipeline_encode_calls']} calls), {result['pipeline_other_s']:.2f} s other work"
    )
    verdict = "within" if result["overhead_pct"] < result["aim_pct"] else "ABOVE"
    each = ", ".join(f"{o:.1f}%" for o in result["overhead_runs_pct"])
    median = f" (median of {each})" if result["repeat"] > 1 else ""
    print(f"overhead  {result['overhead_pct']:.1f}%{median} ({verdict} the {result['aim_pct']}% aim)")
    print(f"wall      {result['wall_s']:.1f} s, encoder {result['encoder']}, batch {result['batch_size']}")
    before, after = result["load_average"]
    print(f"machine   {result['cpus']} CPUs, load average {before:.1f} before, {after:.1f} after")


if __name__ == "__main__":
    sys.exit(main())
