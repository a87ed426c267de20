"""Polishing a briefing with an OpenAI-compatible chat endpoint, kept only when it passes review.

Off unless the settings name an endpoint (``polish_url``, ``polish_model``) and the caller asks
(``paas compress --polish``, ``"polish": true``). One POST to ``{polish_url}/chat/completions``
(temperature 0), made with the standard library and outside any database transaction. Whatever
goes wrong -- no answer in time, an HTTP error, an answer that is not JSON, or a polished text
that fails ``core.briefing.polish.review_polish`` (a heading moved, an anchor lost or made up,
over budget) -- the plain briefing is kept and ``stats["polish"]`` says why: polishing never
fails a request and never loses a fact. The API key is sent as a bearer header and never
appears in an outcome, an error or a log line. The doors' whole flow (build in a read
transaction, polish if asked, save in a short write one) is ``services.briefing.brief_and_save``.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from paas.config import Settings
from paas.core.briefing import Briefing
from paas.core.briefing.polish import apply_polish, clean_answer, polish_request, review_polish
from paas.core.errors import InvalidInput
from paas.services.tokenizer import count_tokens

MAX_ANSWER_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Polisher:
    """A model to ask: ``ask(messages)`` returns its answer or raises ``PolishFailed``."""

    model: str
    ask: Callable[[list[dict[str, str]]], str]


class PolishFailed(Exception):
    """The endpoint gave no usable answer (the message says why, without secrets)."""


def chat_polisher(url: str, model: str, *, api_key: str | None = None, timeout: float = 60.0) -> Polisher:
    """A polisher that asks ``model`` at the OpenAI-compatible API under ``url``."""
    endpoint = url.rstrip("/") + "/chat/completions"
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"

    def ask(messages: list[dict[str, str]]) -> str:
        payload = json.dumps({"model": model, "messages": messages, "temperature": 0}).encode()
        request = urllib.request.Request(endpoint, data=payload, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only, checked)
                raw = response.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as error:
            raise PolishFailed(f"the polishing endpoint answered HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", None) or error.__class__.__name__
            raise PolishFailed(f"the polishing endpoint could not be reached ({reason})") from None
        if len(raw) > MAX_ANSWER_BYTES:
            raise PolishFailed("the polishing endpoint's answer is over 1 MiB")
        try:
            content = json.loads(raw)["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise PolishFailed("the polishing endpoint's answer has no choices[0].message.content") from None
        if not isinstance(content, str):
            raise PolishFailed("the polishing endpoint's answer is not text")
        return content

    return Polisher(model=model, ask=ask)


def polisher_from_settings(settings: Settings) -> Polisher:
    """The configured polisher; asking with none configured is bad input."""
    if not settings.polish_url:
        raise InvalidInput("polishing is off on this server: set PAAS_POLISH_URL and PAAS_POLISH_MODEL",
                           {"field": "polish"})
    key = settings.polish_api_key.get_secret_value() if settings.polish_api_key else None
    return chat_polisher(settings.polish_url, settings.polish_model, api_key=key,
                         timeout=settings.polish_timeout_seconds)


def polish_briefing(briefing: Briefing, *, sources: str, polisher: Polisher) -> Briefing:
    """``briefing`` with its body polished if the answer passes review; else as it was, saying why."""
    request = polish_request(briefing)
    outcome: dict[str, Any] = {"model": polisher.model, "accepted": False}
    if not request.body.strip():
        return _kept(briefing, outcome, ["the briefing has no body to polish"])
    started = time.perf_counter()
    try:
        answer = polisher.ask(request.messages)
    except PolishFailed as error:
        return _kept(briefing, outcome, [str(error)])
    outcome["seconds"] = round(time.perf_counter() - started, 3)
    body = clean_answer(answer)
    # What the plain briefing states is already checked against the transcript (and the previous
    # briefing it carries over from), so it counts as a source too.
    problems = review_polish(briefing, body, sources, previous_briefing=briefing.markdown,
                             count_tokens=count_tokens)
    if problems:
        return _kept(briefing, outcome, problems)
    return apply_polish(briefing, body, count_tokens, {**outcome, "accepted": True,
                                                       "tokens_plain": briefing.stats["tokens_after"]})


def _kept(briefing: Briefing, outcome: dict[str, Any], problems: list[str]) -> Briefing:
    return replace(briefing, stats={**briefing.stats, "polish": {**outcome, "problems": problems}})
