"""``find_secrets``: the briefing's secret finder, built on detect-secrets (Yelp).

The core redacts with its own rules (``paas.core.briefing.redact``: connection strings,
password/token assignments, the common key shapes). This finder adds the key shapes
detect-secrets keeps up to date (Azure storage keys, Twilio, Discord, Telegram, Mailchimp,
Square, Artifactory, IBM Cloud...); the core replaces each value it reports wherever it occurs.

How it calls detect-secrets: each plugin's own ``analyze_string``, on plugin instances made
once. Not ``scan_line`` under ``transient_settings``: that swaps a process-wide settings
singleton (two briefings built at once in the server's thread pool would see each other's
plugin list), clears caches on every line, and in ad hoc mode runs the entropy plugins on every
word (28 s and 120,000 findings, nearly all words, on the 1.9 MB dev corpus). Plugins are never
asked to ``verify`` (no network).

Plugins left out, and why (``DISABLED``): the entropy plugins flag git SHAs and ordinary words;
the keyword plugin flags placeholders (``your_actual_openai_api_key_here``) and the core's
assignment rule already covers ``password = ...`` with placeholder and code checks; basic auth
and private keys are the core's own rules, done better (only the password of a URL goes, the
user and host stay; a whole PEM block goes, not just its header line); public IPs are anchors a
successor needs, not secrets. A plugin a newer detect-secrets adds is not run until someone
adds it to ``ENABLED`` (a test lists the ones with no decision).

Bounded: only lines holding a run of 20+ key characters are scanned (every enabled plugin
needs one), cut into windows of ``WINDOW`` characters so no plugin regex sees a long line, and
at most ``MAX_SCAN`` characters in all. A briefing's texts are ~10k characters; past the cap
the core's own rules still cover everything. Git SHAs (7-40 hex digits) are never reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

ENABLED = (
    "AWSKeyDetector", "ArtifactoryDetector", "AzureStorageKeyDetector", "CloudantDetector",
    "DiscordBotTokenDetector", "GitHubTokenDetector", "GitLabTokenDetector", "IbmCloudIamDetector",
    "IbmCosHmacDetector", "JwtTokenDetector", "MailchimpDetector", "NpmDetector", "OpenAIDetector",
    "PypiTokenDetector", "SendGridDetector", "SlackDetector", "SoftlayerDetector", "SquareOAuthDetector",
    "StripeDetector", "TelegramBotTokenDetector", "TwilioKeyDetector",
)
DISABLED = (
    "Base64HighEntropyString", "HexHighEntropyString", "KeywordDetector", "BasicAuthDetector",
    "PrivateKeyDetector", "IPPublicDetector",
)
WINDOW = 2000  # characters a plugin sees at once (overlapping by OVERLAP): keeps every regex's work local
OVERLAP = 300  # longer than any key an enabled plugin reports (PyPI tokens are the longest, ~220)
MAX_SCAN = 256_000  # candidate characters scanned per call, at most (~0.5 s)
_CANDIDATE_RE = re.compile(r"[A-Za-z0-9_+/=-]{20,}")
_SHA_RE = re.compile(r"[0-9a-f]{7,40}")
_EDGES = " \t\r\n\"'"  # some plugins' matches include the quote or space around the key
_NEEDS = {"NpmDetector": "_authToken", "AzureStorageKeyDetector": "AccountKey="}  # a cheap gate before the regex
_GENERIC_WORDS = frozenset({"Key", "Keys", "Token", "Tokens", "Credentials", "Secret", "Access", "Bot"})
_KINDS = {
    "JSON Web Token": "JWT", "NPM tokens": "npm token", "OpenAI Token": "OpenAI API key",
    "Stripe Access Key": "Stripe key", "Azure Storage Account access key": "Azure storage key",
    "Mailchimp Access Key": "Mailchimp key", "AWS Access Key": "AWS access key",
}


def find_secrets(text: str) -> list[tuple[str, str]]:
    """``(value, kind)`` of every secret detect-secrets' enabled plugins see in ``text``."""
    found: dict[str, str] = {}
    scanned = _candidates(text)
    if not scanned:
        return []
    for plugin in _plugins():
        need = _NEEDS.get(type(plugin).__name__)
        if need is not None and need not in scanned:
            continue
        for raw in plugin.analyze_string(scanned):
            value = str(raw).strip(_EDGES).lstrip("=:").removeprefix("AccountKey=")  # "=" at the end is padding
            if len(value) >= 8 and not _SHA_RE.fullmatch(value):
                found.setdefault(value, kind_of(str(plugin.secret_type)))
    return list(found.items())


def kind_of(secret_type: str) -> str:
    """detect-secrets' type name in the briefing's words: "Twilio API Key" -> "Twilio API key"."""
    if secret_type in _KINDS:
        return _KINDS[secret_type]
    return " ".join(word.lower() if word in _GENERIC_WORDS else word for word in secret_type.split())


def _candidates(text: str) -> str:
    """The lines worth scanning, in windows of ``WINDOW`` characters, at most ``MAX_SCAN`` in all."""
    parts: list[str] = []
    size = 0
    for line in _candidate_lines(text):
        for start in range(0, max(len(line) - OVERLAP, 1), WINDOW - OVERLAP):
            window = line[start:start + WINDOW]
            parts.append(window)
            size += len(window) + 1
            if size >= MAX_SCAN:
                return "\n".join(parts)
    return "\n".join(parts)


def _candidate_lines(text: str) -> Iterator[str]:
    end = -1
    for match in _CANDIDATE_RE.finditer(text):
        if match.start() <= end:
            continue  # this line is in already
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        end = len(text) if end < 0 else end
        yield text[start:end]


@cache
def _plugins() -> tuple[Any, ...]:
    """One instance of each enabled plugin (imported on first use: detect-secrets pulls in requests)."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    plugins: list[Any] = list(get_mapping_from_secret_type_to_class().values())
    by_name = {plugin.__name__: plugin for plugin in plugins}
    return tuple(by_name[name]() for name in ENABLED if name in by_name)


def plugin_names() -> set[str]:
    """Every plugin this detect-secrets version ships (for the test that wants a decision on each)."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    plugins: list[Any] = list(get_mapping_from_secret_type_to_class().values())
    return {plugin.__name__ for plugin in plugins}
