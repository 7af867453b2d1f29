"""The playground in a real headless Chromium: fill the form, press Stream, watch chunks."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypedDict

import pytest

pytest.importorskip("starlette", reason="lcel.server needs the server extra")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
expect = sync_api.expect

from lcel import RunnableGenerator, RunnableLambda  # noqa: E402
from lcel.server import add_routes, create_app  # noqa: E402

CHROMIUM = next(
    (p for p in ("/usr/bin/chromium", shutil.which("chromium") or "",
                 shutil.which("chromium-browser") or "") if p and shutil.os.path.exists(p)),
    None,
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium browser (apt-get install chromium) to run the page in"
)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class Question(TypedDict):
    topic: str
    count: int


@pytest.fixture
def browser_page() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(20_000)
            yield page
        finally:
            browser.close()


def test_stream_shows_chunks_in_order_as_they_arrive(
    served: Callable[[Any], Any], browser_page: Any
) -> None:
    gate = threading.Event()

    def tell(q: Question) -> str:
        return q["topic"]

    def words(chunks: Iterator[str]) -> Iterator[str]:
        text = "".join(chunks)
        first, *rest = [f"{text}-{i} " for i in range(1, 4)]
        yield first
        assert gate.wait(30), "the page never showed chunk 1"
        yield from rest

    chain = RunnableLambda(tell) | RunnableGenerator(words)
    app = create_app()
    add_routes(app, chain, "/story")
    page = browser_page
    with served(app) as s:
        try:
            _stream_and_run(s.url, page, gate)
        finally:
            gate.set()  # never leave the server's worker thread waiting


def _stream_and_run(url: str, page: Any, gate: threading.Event) -> None:
    if True:
        page.goto(f"{url}/story/playground/")
        page.wait_for_selector("body[data-ready='1']")
        assert page.locator("#field-topic").count() == 1
        assert page.locator("#field-count").get_attribute("type") == "number"
        page.fill("#field-topic", "owl")
        page.fill("#field-count", "3")
        page.click("#stream")
        page.wait_for_selector("#output .chunk")
        chunks = page.locator("#output .chunk").all_inner_texts()
        assert [t.strip() for t in chunks] == ["owl-1"]  # chunk 2 is not produced yet
        gate.set()
        expect(page.locator("#output .chunk")).to_have_count(3)
        assert [t.strip() for t in page.locator("#output .chunk").all_inner_texts()] == [
            "owl-1", "owl-2", "owl-3"
        ]
        expect(page.locator("#status")).to_have_text("done")
        steps = page.locator("#steps details.step summary").all_inner_texts()
        assert any(s.startswith("tell") for s in steps)
        assert any(s.startswith("words") for s in steps)
        page.click("#steps details.step >> nth=0")  # collapsible: opens on click
        assert page.locator("#steps details.step >> nth=0").get_attribute("open") is not None
        assert "owl" in page.locator("#steps details.step >> nth=0 >> pre").inner_text()

        page.click("#run")
        expect(page.locator("#status")).to_have_text("done")
        assert page.locator("#output").inner_text() == "owl-1 owl-2 owl-3 "

        page.fill("#field-count", "1.5")  # not an integer: the server answers 422
        page.click("#run")
        expect(page.locator("#status")).to_have_class("error")
        assert "422" in page.locator("#status").inner_text()
        assert "count" in page.locator("#status").inner_text()


def test_playground_under_a_config_hash_and_for_a_plain_string_input(
    served: Callable[[Any], Any], browser_page: Any
) -> None:
    from lcel.server._lzstring import compress_to_uri

    def shout(text: str) -> str:
        return text.upper()

    app = create_app({"/shout": RunnableLambda(shout)})
    config_hash = compress_to_uri("{}")
    page = browser_page
    with served(app) as s:
        page.goto(f"{s.url}/shout/c/{config_hash}/playground/")
        page.wait_for_selector("body[data-ready='1']")
        page.fill("#field-input", "quiet")
        page.click("#stream")
        expect(page.locator("#status")).to_have_text("done")
        assert page.locator("#output").inner_text() == "QUIET"
