"""Check the source URLs: polite guarded requests (HEAD, then GET when needed), retried while
transient, each result journaled as it comes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from ..batch import Converter, read_head
from ..contrib.check import find_files
from ..convert.decode import decode
from ..convert.errors import ArchiveError, Problem
from ..convert.header import looks_archived, parse_header
from ..convert.pipeline import Article
from ..convert.publishers import PublisherTable
from ..convert.urls import host_of, repair_url
from ..web import FetchConfig, FetchError, HostLimiter, fetch, make_client
from .classify import CHANGED, Observation, Verdict, classify, probe_url, recheck_with_probe
from .status import Journal, Record, advance, due, write
from .text import archived_paragraphs

_TRANSIENT = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Source:
    """A source URL, its publisher, and its newest archived capture."""

    url: str
    publisher: str
    path: Path
    archived: datetime


@dataclass(frozen=True)
class CheckConfig:
    """How politely and patiently to check."""

    fetch: FetchConfig = field(default_factory=FetchConfig)
    workers: int = 4  # requests in flight, over all hosts
    per_host: int = 1  # requests in flight to one host
    delay: float = 2.0  # seconds between two requests to one host
    retries: int = 2  # further tries of a transient failure (429, 5xx, timeout) in one run
    backoff: float = 10.0  # seconds before a retry the server set no Retry-After for
    max_wait: float = 120.0  # a longer Retry-After is not waited for: unknown, asked next run


def _header(path: Path) -> tuple[str, datetime]:
    head = read_head(path)
    if "\ufffd" in head:  # not UTF-8: decode the whole file as the converter would
        head = decode(path.read_bytes(), str(path))[0]
    header = parse_header(head, str(path))
    return repair_url(header.url), header.archived


def find_sources(
    paths: Iterable[str | Path], publishers: PublisherTable | None = None
) -> tuple[list[Source], list[Problem]]:
    """Every source URL of the archived files under ``paths``, with its newest capture."""
    publishers = publishers or PublisherTable()
    newest: dict[str, Source] = {}
    problems: list[Problem] = []
    for path in find_files(paths):
        if not path.exists() or not looks_archived(read_head(path)):
            continue
        try:
            url, archived = _header(path)
        except ArchiveError as exc:
            problems.append(exc.problem)
            continue
        source = Source(url, publishers.for_host(host_of(url)).name, path, archived)
        if url not in newest or newest[url].archived < archived:
            newest[url] = source
    return sorted(newest.values(), key=lambda s: s.url), problems


class Checker:
    """Checks URLs through one guarded client and a per-host limiter."""

    def __init__(self, config: CheckConfig, sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self.limiter = HostLimiter(config.per_host, config.delay, sleep=sleep)
        self.client: httpx.Client = make_client(config.fetch)

    def close(self) -> None:
        self.client.close()

    def observe(self, url: str, method: str) -> Observation:
        """One request, retried while the failure is transient and the wait is bearable."""
        config = self.config
        for attempt in range(config.retries + 1):
            retry_after: float | None = None
            with self.limiter.slot(url):
                try:
                    got = fetch(url, method=method, config=config.fetch, client=self.client)
                    html = None if method == "HEAD" else (got.text() if got.ok else "")
                except FetchError as exc:
                    observation = Observation(url, error=exc.reason, message=str(exc))
                    transient, retry_after = exc.transient, exc.retry_after
                else:
                    observation = Observation(url, got.status, got.final_url, got.redirects, html)
                    transient, retry_after = got.status in _TRANSIENT, got.retry_after
            if not transient or attempt == config.retries:
                return observation
            wait = config.backoff * (attempt + 1) if retry_after is None else retry_after
            self.limiter.defer(url, wait)
            if wait > config.max_wait:
                return observation
        raise AssertionError("unreachable")

    def check(self, url: str, paragraphs: list[str]) -> Verdict:
        """HEAD, then GET when the HEAD cannot settle it (a 2xx needs the text); a page with
        another text is compared with what an address that cannot exist gets (soft 404)."""
        verdict = classify(self.observe(url, "HEAD"), paragraphs)
        if not verdict.needs_body:
            return verdict
        page = self.observe(url, "GET")
        verdict = classify(page, paragraphs)
        if verdict.result != CHANGED or page.html is None:
            return verdict
        return recheck_with_probe(verdict, page.html, self.observe(probe_url(url), "GET"))


@dataclass
class Run:
    """What one check run did."""

    checked: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    interrupted: bool = False


def _paragraphs(sources: list[Source], converter: Converter) -> dict[str, list[str] | Problem]:
    results = converter.convert_many([s.path for s in sources])
    texts: dict[str, list[str] | Problem] = {}
    for source in sources:
        result = results[str(source.path)]
        if isinstance(result, Article):
            texts[source.url] = archived_paragraphs(result.markdown)
        else:
            texts[source.url] = result
    return texts


def run_checks(
    sources: list[Source],
    records: dict[str, Record],
    status_path: str | Path,
    *,
    limit: int | None = None,
    confirm_after: timedelta = timedelta(days=3),
    config: CheckConfig | None = None,
    converter: Converter | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Callable[[int, int, Record], None] | None = None,
) -> Run:
    """Check the ``limit`` least recently checked sources; ``records`` is updated in place, each
    result is journaled at once and the status file rewritten at the end (also on Ctrl-C)."""
    config = config or CheckConfig()
    by_url = {s.url: s for s in sources}
    chosen = [by_url[u] for u in due(by_url, records, limit)]
    write(status_path, records.values())  # fold a killed run's journal in before appending
    texts = _paragraphs(chosen, converter or Converter())
    run = Run(problems=[t for t in texts.values() if isinstance(t, Problem)])
    todo = [s for s in chosen if not isinstance(texts[s.url], Problem)]
    journal = Journal(status_path)
    checker = Checker(config)
    pool = ThreadPoolExecutor(max_workers=max(1, config.workers))
    try:
        pending: dict[Future[Verdict], Source] = {
            pool.submit(checker.check, s.url, texts[s.url]): s  # type: ignore[arg-type]
            for s in todo
        }
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                source = pending.pop(future)
                record = advance(
                    records.get(source.url), source.url, future.result(), now(), confirm_after
                )
                journal.append(record)
                records[source.url] = record
                run.checked.append(record)
                if progress:
                    progress(len(run.checked), len(todo), record)
    except KeyboardInterrupt:
        run.interrupted = True
        for future in pending:
            future.cancel()
    finally:
        pool.shutdown(wait=not run.interrupted, cancel_futures=True)
        journal.close()
        checker.close()
        write(status_path, records.values())
    return run
