"""The shared fetching layer: the SSRF rule, redirects, caps, timeouts, decoding, politeness."""

from __future__ import annotations

import pickle
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from http_support import LocalServer, Reply, self_signed
from newsarchive.web import (
    FetchConfig,
    FetchError,
    HostLimiter,
    check_address,
    checked_addresses,
    conditional_headers,
    decode_html,
    fetch,
    guard_url,
    make_client,
    parse_retry_after,
)
from newsarchive.web.headers import package_version

# Real article text (RFI, from the shared corpus) plus characters GB2312 lacks (镕, 𠮷).
ARTICLE = (
    "<p>（法新社利马12日电）日本一名游客因2019冠状病毒疾病（COVID-19）疫情受困秘鲁数月，"
    "秘鲁特别为他开放古印加帝国遗迹马丘比丘（Machu Picchu）。</p>"
    "<p>日本游客片山（Jesse Katayama）在Instagram上发文写说：「自封锁以来，地球上第一个到马丘比丘的人是我。」"
    "同时附上在马丘比丘拍的照片。</p>"
    "<p>他告诉秘鲁媒体，他原本计划3月只在秘鲁待几天，目的是参观马丘比丘，未料受疫情影响不得进入，"
    "如今终于获准在本月10日进入马丘比丘。朱镕基、𠮷野家。</p>"
)


def page(body: str, meta: str = "") -> str:
    head = f'<meta charset="{meta}">' if meta else ""
    return f"<!doctype html><html><head>{head}<title>t</title></head><body>{body}</body></html>"


@pytest.fixture
def server(site: LocalServer) -> LocalServer:
    return site


FAST = FetchConfig(connect_timeout=2, read_timeout=2, deadline=5)


# -- the SSRF rule (pure) ---------------------------------------------------------------------

REFUSED = {
    "127.0.0.1": "loopback",
    "127.8.9.10": "loopback",
    "10.1.2.3": "private",
    "172.16.0.1": "private",
    "192.168.1.1": "private",
    "169.254.1.1": "link-local",
    "100.64.0.1": "carrier-grade NAT",
    "0.0.0.0": "unspecified",
    "224.0.0.1": "multicast",
    "240.0.0.1": "reserved",
    "192.0.2.1": "",  # documentation range: not public
    "::1": "loopback",
    "::": "unspecified",
    "fe80::1": "link-local",
    "fc00::1": "private",
    "ff02::1": "multicast",
    "::ffff:127.0.0.1": "loopback",
    "::ffff:10.0.0.1": "private",
    "64:ff9b::a00:1": "private",  # NAT64 form of 10.0.0.1
    "2002:7f00:1::": "loopback",  # 6to4 form of 127.0.0.1
    "169.254.169.254": "metadata",
    "fd00:ec2::254": "metadata",
    "::ffff:169.254.169.254": "metadata",
}


@pytest.mark.parametrize("address", sorted(REFUSED))
def test_non_public_addresses_are_refused(address):
    why = check_address(address)
    assert why and REFUSED[address] in why


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    assert check_address(address) is None


def test_allow_private_lets_private_through_but_never_metadata():
    assert check_address("127.0.0.1", allow_private=True) is None
    assert check_address("10.0.0.1", allow_private=True) is None
    for metadata in ("169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254"):
        assert "metadata" in check_address(metadata, allow_private=True)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/a", "bad-url"),
        ("file:///etc/passwd", "bad-url"),
        ("javascript:alert(1)", "bad-url"),
        ("http:///nohost", "bad-url"),
        ("http://[::1/", "bad-url"),
        ("http://a b.example/", "bad-url"),
        ("http://exa%mple.com/", "bad-url"),
        ("http://127.0.0.1/", "private-address"),
        ("http://localhost:8000/", "private-address"),
        ("http://a.localhost/", "private-address"),
        ("http://[::ffff:127.0.0.1]/", "private-address"),
        ("http://169.254.169.254/latest/meta-data/", "private-address"),
        ("http://metadata.google.internal/computeMetadata/v1/", "private-address"),
    ],
)
def test_guard_url_refuses_before_any_dns(url, reason):
    with pytest.raises(FetchError) as caught:
        guard_url(url)
    assert caught.value.reason == reason


def test_guard_url_passes_public_names_and_gives_the_port():
    assert guard_url("https://www.rfi.fr/cn/") == ("www.rfi.fr", 443)
    assert guard_url("http://Example.COM.:8080/x") == ("example.com", 8080)
    with pytest.raises(FetchError, match="metadata"):
        guard_url("http://169.254.169.254/", allow_private=True)


def test_every_resolved_address_is_checked():
    def resolve(host, port):
        return ["93.184.216.34", "10.0.0.5"]  # one public, one private

    with pytest.raises(FetchError) as caught:
        checked_addresses("news.example", 443, resolve=resolve)
    assert caught.value.reason == "private-address"
    assert "10.0.0.5" in str(caught.value) and "a private address" in str(caught.value)
    assert checked_addresses("n.example", 80, resolve=lambda h, p: ["8.8.8.8"]) == ["8.8.8.8"]


def test_a_name_that_does_not_resolve_is_a_dns_failure():
    def resolve(host, port):
        raise OSError("Name or service not known")

    with pytest.raises(FetchError) as caught:
        checked_addresses("nowhere.invalid", 80, resolve=resolve)
    assert caught.value.reason == "dns" and caught.value.transient


# -- headers (pure) ---------------------------------------------------------------------------


def test_retry_after_in_seconds_or_as_an_http_date():
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True), now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_conditional_headers():
    assert conditional_headers('"abc"', "Wed, 21 Oct 2015 07:28:00 GMT") == {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Wed, 21 Oct 2015 07:28:00 GMT",
    }
    assert conditional_headers(None, None) == {}


# -- decoding ---------------------------------------------------------------------------------


def test_a_gb18030_page_declared_gb2312_in_its_meta_decodes_whole():
    data = page(ARTICLE, meta="gb2312").encode("gb18030")
    text, encoding = decode_html(data, "text/html")
    assert ARTICLE in text and encoding == "gb18030"


def test_the_http_charset_comes_before_the_meta():
    data = page(ARTICLE, meta="utf-8").encode("gb18030")
    assert decode_html(data, "text/html; charset=GBK")[0] == page(ARTICLE, meta="utf-8")


def test_utf8_bytes_are_utf8_whatever_the_server_says():
    data = page(ARTICLE).encode()
    assert decode_html(data, "text/html; charset=ISO-8859-1") == (page(ARTICLE), "utf-8")
    assert decode_html("café".encode("cp1252"), "text/html; charset=iso-8859-1") == (
        "café",
        "cp1252",
    )


def test_a_wrong_declaration_falls_back_to_detection():
    data = page(ARTICLE).encode("gb18030")
    text, encoding = decode_html(data, "text/html; charset=utf-8")
    assert ARTICLE in text and encoding == "gb18030"
    assert decode_html(page(ARTICLE).encode(), None) == (page(ARTICLE), "utf-8")


def test_undecodable_bytes_are_a_fetch_error():
    with pytest.raises(FetchError) as caught:
        decode_html(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 8, "image/png", "http://x/")
    assert caught.value.reason == "undecodable"


# -- fetching from a local server -------------------------------------------------------------


def test_get_returns_status_body_headers_and_an_honest_user_agent(server):
    server.routes["a"] = Reply(body=b"<p>hello</p>", headers={"X-Test": "1"})
    got = fetch(f"{server.url}/a", config=FAST)
    assert (got.status, got.body, got.final_url, got.redirects) == (
        200,
        b"<p>hello</p>",
        f"{server.url}/a",
        [],
    )
    assert got.headers["x-test"] == "1" and got.content_type == "text/html"
    assert got.charset == "utf-8" and got.text() == "<p>hello</p>" and got.elapsed > 0
    agent = server.requests[0].headers["user-agent"]
    assert agent.startswith(f"newsarchive/{package_version()} (+https://")
    assert package_version() != "0+unknown"


def test_the_archive_names_itself_in_the_user_agent(server, monkeypatch):
    monkeypatch.setenv("NEWSARCHIVE_PROJECT_URL", "https://github.com/someone/their-archive")
    fetch(f"{server.url}/a", config=FAST)
    agent = server.requests[0].headers["user-agent"]
    assert (
        agent
        == f"newsarchive/{package_version()} (+https://github.com/someone/their-archive; news archiver)"
    )


def test_head_sends_head_and_reads_no_body(server):
    server.routes["a"] = Reply(body=b"x" * 5000)
    got = fetch(f"{server.url}/a", method="HEAD", config=FAST)
    assert (got.status, got.body, got.method) == (200, b"", "HEAD")
    assert server.requests[0].method == "HEAD"


def test_a_404_is_returned_not_raised(server):
    server.routes["gone"] = Reply(404, b"<h1>Not Found</h1>")
    got = fetch(f"{server.url}/gone", config=FAST)
    assert got.status == 404 and not got.ok and got.body == b"<h1>Not Found</h1>"
    with pytest.raises(FetchError, match="HTTP 404 Not Found") as caught:
        got.raise_for_status()
    assert caught.value.reason == "http-404" and not caught.value.transient


def test_429_carries_retry_after(server):
    server.routes["busy"] = Reply(429, b"slow down", headers={"Retry-After": "7"})
    got = fetch(f"{server.url}/busy", config=FAST)
    assert got.status == 429 and got.retry_after == 7.0
    with pytest.raises(FetchError) as caught:
        got.raise_for_status()
    assert caught.value.reason == "http-429" and caught.value.transient
    assert caught.value.retry_after == 7.0


def test_redirects_are_followed_and_the_chain_returned(server):
    server.routes["a"] = Reply(301, headers={"Location": "/b"})
    server.routes["b"] = Reply(302, headers={"Location": f"{server.url}/c#frag"})
    server.routes["c"] = Reply(body=b"end")
    got = fetch(f"{server.url}/a", config=FAST)
    assert got.body == b"end" and got.final_url == f"{server.url}/c"
    assert got.url == f"{server.url}/a"
    assert got.redirects == [f"{server.url}/a", f"{server.url}/b"]


def test_head_follows_redirects_as_head(server):
    server.routes["a"] = Reply(308, headers={"Location": "/b"})
    server.routes["b"] = Reply(body=b"x")
    got = fetch(f"{server.url}/a", method="HEAD", config=FAST)
    assert got.final_url == f"{server.url}/b"
    assert [r.method for r in server.requests] == ["HEAD", "HEAD"]


def test_a_redirect_loop_is_detected(server):
    server.routes["a"] = Reply(302, headers={"Location": "/b"})
    server.routes["b"] = Reply(302, headers={"Location": "/a"})
    with pytest.raises(FetchError, match="redirect loop") as caught:
        fetch(f"{server.url}/a", config=FAST)
    assert caught.value.reason == "redirect-loop"
    assert server.hits == {"a": 1, "b": 1}


def test_redirects_are_bounded(server):
    server.default = lambda key: Reply(302, headers={"Location": f"/{int(key) + 1}"})
    server.routes["3"] = Reply(body=b"third hop")
    config = FetchConfig(max_redirects=3, deadline=5)
    got = fetch(f"{server.url}/0", config=config)
    assert got.body == b"third hop" and len(got.redirects) == 3
    server.routes["3"] = Reply(302, headers={"Location": "/4"})
    server.hits.clear()
    with pytest.raises(FetchError, match="more than 3 redirects") as caught:
        fetch(f"{server.url}/0", config=config)
    assert caught.value.reason == "too-many-redirects"
    assert sum(server.hits.values()) == 4


def test_a_redirect_to_another_scheme_is_refused(server):
    server.routes["a"] = Reply(302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError) as caught:
        fetch(f"{server.url}/a", config=FAST)
    assert caught.value.reason == "bad-redirect"


def test_conditional_get_gives_304_and_the_validators(server):
    stamp = "Wed, 21 Oct 2015 07:28:00 GMT"
    server.routes["feed"] = [
        Reply(body=b"<rss/>", headers={"ETag": '"v1"', "Last-Modified": stamp}),
        Reply(304, headers={"ETag": '"v1"'}),
    ]
    first = fetch(f"{server.url}/feed", config=FAST)
    assert (first.etag, first.last_modified) == ('"v1"', stamp)
    again = fetch(
        f"{server.url}/feed",
        config=FAST,
        headers=conditional_headers(first.etag, first.last_modified),
    )
    assert again.status == 304 and again.not_modified and again.body == b""
    assert again.raise_for_status() is again
    sent = server.requests[1].headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == stamp


def test_a_body_over_the_cap_fails_whether_or_not_its_length_is_declared(server):
    server.routes["big"] = Reply(body=b"x" * 5000)
    server.routes["stream"] = Reply(body=b"x" * 50_000, length=False)
    server.routes["fits"] = Reply(body=b"x" * 1000, length=False)
    config = FetchConfig(max_bytes=2000, deadline=5)
    for key in ("big", "stream"):
        with pytest.raises(FetchError, match="2000-byte cap") as caught:
            fetch(f"{server.url}/{key}", config=config)
        assert caught.value.reason == "too-large"
    assert fetch(f"{server.url}/fits", config=config).body == b"x" * 1000


def test_a_silent_server_times_out(server):
    server.routes["slow"] = Reply(body=b"late", delay=5.0)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(f"{server.url}/slow", config=FetchConfig(read_timeout=0.3, deadline=5))
    assert caught.value.reason == "timeout" and caught.value.transient
    assert time.monotonic() - started < 3.0


def test_a_dripping_body_hits_the_overall_deadline(server):
    server.routes["drip"] = Reply(body=b"x" * 60_000, drip=0.1)
    started = time.monotonic()
    with pytest.raises(FetchError, match="deadline") as caught:
        fetch(f"{server.url}/drip", config=FetchConfig(read_timeout=1, deadline=0.5))
    assert caught.value.reason == "timeout"
    assert time.monotonic() - started < 3.0


def test_a_closed_port_is_a_connect_failure(server):
    with LocalServer() as other:
        closed = other.url
    with pytest.raises(FetchError) as caught:
        fetch(f"{closed}/", config=FAST)
    assert caught.value.reason == "connect"


def test_a_gb18030_page_is_fetched_and_decoded(server):
    data = page(ARTICLE, meta="gb2312").encode("gb18030")
    server.routes["zh"] = Reply(body=data, content_type="text/html")
    assert ARTICLE in fetch(f"{server.url}/zh", config=FAST).text()


# -- the SSRF rule at work --------------------------------------------------------------------


def test_without_the_opt_in_the_local_server_is_refused(server, monkeypatch):
    monkeypatch.delenv("NEWSARCHIVE_ALLOW_PRIVATE")
    server.routes["a"] = Reply(body=b"secret")
    port = server.port
    for url in (
        f"{server.url}/a",
        f"http://localhost:{port}/a",
        f"http://[::ffff:127.0.0.1]:{port}/a",
        f"http://2130706433:{port}/a",  # 127.0.0.1 as one number: caught after DNS
    ):
        with pytest.raises(FetchError) as caught:
            fetch(url, config=FAST)
        assert caught.value.reason == "private-address", url
        assert str(caught.value).startswith(f"{url}: refused, ")
        assert "NEWSARCHIVE_ALLOW_PRIVATE=1" in str(caught.value)
    assert server.hits == {}


def public_server_config(names: dict[str, list[str]]) -> tuple[FetchConfig, list[str]]:
    """DNS from ``names``; the local server's address counts as public, the rule holds for the
    rest. Also returns the list of names looked up."""

    def resolve(host: str, port: int) -> list[str]:
        resolved.append(host)
        return names[host]

    def check(address: str) -> str | None:
        return None if address == "127.0.0.1" else check_address(address)

    resolved: list[str] = []
    config = FetchConfig(resolve=resolve, check=check, connect_timeout=2, read_timeout=2)
    return config, resolved


def test_the_connection_goes_to_the_checked_address_with_the_host_kept(server, monkeypatch):
    monkeypatch.delenv("NEWSARCHIVE_ALLOW_PRIVATE")
    config, resolved = public_server_config({"news.test": ["127.0.0.1"]})
    server.routes["a"] = Reply(body=b"ok")
    got = fetch(f"http://news.test:{server.port}/a", config=config)
    assert got.body == b"ok" and got.final_url == f"http://news.test:{server.port}/a"
    assert server.requests[0].headers["host"] == f"news.test:{server.port}"
    assert resolved == ["news.test"]  # one lookup, the one that was checked


@pytest.mark.parametrize(
    ("location", "names"),
    [
        ("http://intranet.test:{port}/admin", {"intranet.test": ["10.0.0.7"]}),  # after DNS
        ("http://mixed.test:{port}/", {"mixed.test": ["127.0.0.1", "192.168.0.2"]}),
        ("http://169.254.169.254/latest/meta-data/", {}),
        ("http://[::ffff:10.0.0.1]:{port}/", {}),
        ("http://metadata.google.internal/computeMetadata/v1/", {}),
    ],
)
def test_a_redirect_from_a_public_host_to_a_private_one_is_refused(
    server, monkeypatch, location, names
):
    monkeypatch.delenv("NEWSARCHIVE_ALLOW_PRIVATE")
    config, _ = public_server_config({"news.test": ["127.0.0.1"], **names})
    server.routes["a"] = Reply(302, headers={"Location": location.format(port=server.port)})
    with pytest.raises(FetchError) as caught:
        fetch(f"http://news.test:{server.port}/a", config=config)
    assert caught.value.reason == "private-address"
    assert server.hits == {"a": 1}


def test_https_keeps_the_name_for_sni_and_the_certificate(tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSARCHIVE_ALLOW_PRIVATE", raising=False)
    server_tls, trusting = self_signed(str(tmp_path), "news.test")
    with LocalServer(tls=server_tls) as server:
        server.routes["a"] = Reply(body=b"secure")
        config, _ = public_server_config({"news.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
        config = replace(config, verify=trusting)
        got = fetch(f"https://news.test:{server.port}/a", config=config)
        assert (
            got.body == b"secure"
            and server.requests[0].headers["host"] == f"news.test:{server.port}"
        )
        for url, settings in (
            (f"https://other.test:{server.port}/a", config),  # the certificate names news.test
            (f"https://news.test:{server.port}/a", replace(config, verify=True)),  # untrusted
        ):
            with pytest.raises(FetchError) as caught:
                fetch(url, config=settings)
            assert caught.value.reason == "tls", str(caught.value)
        assert len(server.requests) == 1


def test_a_shared_client_keeps_the_rule(server, monkeypatch):
    server.routes["a"] = Reply(body=b"1")
    with make_client(FAST) as client:
        assert fetch(f"{server.url}/a", config=FAST, client=client).body == b"1"
        monkeypatch.delenv("NEWSARCHIVE_ALLOW_PRIVATE")
        with pytest.raises(FetchError) as caught:
            fetch(f"{server.url}/a", config=FAST, client=client)
        assert caught.value.reason == "private-address"


# -- politeness -------------------------------------------------------------------------------


def test_host_limiter_spaces_requests_to_one_host():
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = HostLimiter(per_host=1, delay=2.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        with limiter.slot("https://a.example/x"):
            pass
    with limiter.slot("https://b.example/x"):  # another host does not wait
        pass
    assert slept == [2.0, 2.0]
    limiter.defer("https://a.example/", 30)
    with limiter.slot("https://A.example/y"):
        pass
    assert slept[-1] == 30.0


def test_host_limiter_bounds_concurrency_per_host():
    limiter = HostLimiter(per_host=2, delay=0)
    active: dict[str, int] = {"a": 0, "b": 0}
    peak: dict[str, int] = {"a": 0, "b": 0}
    lock = threading.Lock()

    def work(host: str) -> None:
        with limiter.slot(f"http://{host}.example/"):
            with lock:
                active[host] += 1
                peak[host] = max(peak[host], active[host])
            time.sleep(0.02)
            with lock:
                active[host] -= 1

    threads = [threading.Thread(target=work, args=(h,)) for h in "ab" * 8]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == {"a": 2, "b": 2}


def test_fetch_errors_survive_pickling():
    error = FetchError(
        "http-429", "x: HTTP 429", url="x", status=429, transient=True, retry_after=3
    )
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.reason, str(copy), copy.status, copy.retry_after, copy.transient) == (
        "http-429",
        "x: HTTP 429",
        429,
        3,
        True,
    )
