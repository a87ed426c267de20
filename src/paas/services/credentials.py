"""Account credentials (API keys, tokens) encrypted at rest, write-only.

Design: a ``CredentialVault`` wraps ``cryptography``'s MultiFernet: the first configured key
encrypts, every key decrypts, and ``rotate`` re-encrypts under the first. Keys come from
``PAAS_CREDENTIAL_KEYS``; in development without it, a key file in the data dir (mode 0600)
is created once. Nothing ever returns a decrypted credential to a door: the only reader is
code that talks to a platform on the user's behalf. A stored canary lets start-up prove the
keys are right and fail loudly when they are not.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.orm import Session

from paas.config import Settings
from paas.core.errors import PaasError
from paas.store import accounts as store_accounts
from paas.store.schema import AppMeta

CANARY = "paas-credential-canary"
CANARY_KEY = "credential_canary"
KEY_FILE = "credential.keys"


class CredentialKeyError(PaasError):
    """The configured keys cannot read what is stored (wrong or missing key)."""

    code = "credential_key_error"


@dataclass(frozen=True)
class CredentialVault:
    keys: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise CredentialKeyError("no credential key configured")
        try:
            self._fernet()
        except ValueError:
            raise CredentialKeyError("a credential key is not a valid Fernet key (32 url-safe base64 bytes)") from None

    def _fernet(self) -> MultiFernet:
        return MultiFernet([Fernet(key.encode()) for key in self.keys])

    def encrypt(self, plain: str) -> str:
        return self._fernet().encrypt(plain.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet().decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise CredentialKeyError("stored credentials cannot be decrypted with the configured keys") from None

    def rotate(self, token: str) -> str:
        try:
            return self._fernet().rotate(token.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise CredentialKeyError("stored credentials cannot be decrypted with the configured keys") from None

    def canary(self) -> str:
        return self.encrypt(CANARY)

    def check_canary(self, stored: str) -> None:
        if self.decrypt(stored) != CANARY:
            raise CredentialKeyError("the credential canary does not match")


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def key_file(settings: Settings) -> Path:
    return settings.data_dir / KEY_FILE


def vault_from_settings(settings: Settings) -> CredentialVault:
    """The vault for these settings; in development a key file is created on first use.

    The key file is read again whenever it changes (its size and modification time are checked
    on each call, the parsed vault cached per version), so a running server encrypts with the key
    ``paas keys rotate`` just added, never with one it has since dropped."""
    if settings.credential_keys is not None:
        keys = tuple(key.strip() for key in settings.credential_keys.get_secret_value().split(",") if key.strip())
        return _vault(keys)
    if settings.env != "development":
        raise CredentialKeyError("PAAS_CREDENTIAL_KEYS must be set outside development")
    path = key_file(settings)
    if not path.exists():
        write_key_file(path, (new_key(),), exclusive=True)
    version = path.stat()
    return _file_vault(str(path), version.st_mtime_ns, version.st_size)


@lru_cache(maxsize=16)
def _file_vault(path: str, mtime_ns: int, size: int) -> CredentialVault:
    keys = tuple(line.strip() for line in Path(path).read_text(encoding="ascii").splitlines() if line.strip())
    return _vault(keys)


@lru_cache(maxsize=16)
def _vault(keys: tuple[str, ...]) -> CredentialVault:
    """One vault per key list: a request asks for the vault each time, and checking keys costs."""
    return CredentialVault(keys)


def write_key_file(path: Path, keys: tuple[str, ...], *, exclusive: bool = False) -> None:
    """Write the key file (mode 0600) whole: a temporary file moved into place, so a process
    reading it never sees half of it. ``exclusive``: only if no file exists yet (two processes
    starting at once agree on one first key)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data dir: private (the umask may widen)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write("\n".join(keys) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    if exclusive:
        try:
            os.link(temporary, path)  # fails if another process created it first: theirs wins
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links: the plain move, unless one appeared meanwhile
            if not path.exists():
                os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        return
    os.replace(temporary, path)


def rotate_key_file(settings: Settings, run: Callable[[Callable[[Session], int]], int]) -> tuple[int, Path]:
    """Rotate the development key file with servers running; (credentials re-encrypted, the file).

    1. the new key goes first, every old key stays: every process encrypts with the new key from
       its next use on, and still reads everything;
    2. every stored credential (and the canary) is re-encrypted under the new key (``run``: one
       retried write transaction);
    3. the file keeps the new key and the one before it: a write that was in flight with the
       previous key stays readable, and the next rotation re-encrypts it before that key goes.
    """
    path = key_file(settings)
    old = vault_from_settings(settings).keys
    fresh = new_key()
    write_key_file(path, (fresh, *old))
    count = run(lambda session: rotate_keys(session, vault_from_settings(settings)))
    write_key_file(path, (fresh, old[0]))
    return count, path


def remember_canary(session: Session, vault: CredentialVault) -> None:
    """Store the canary the first time a credential is encrypted, so start-up can check the keys."""
    if session.get(AppMeta, CANARY_KEY) is None:
        session.add(AppMeta(key=CANARY_KEY, value=vault.canary()))
        session.flush()


def check_keys(session: Session, vault_factory: Callable[[], CredentialVault]) -> None:
    """Fail loudly when stored credentials exist and the configured keys cannot read them."""
    stored = session.get(AppMeta, CANARY_KEY)
    if stored is not None:
        vault_factory().check_canary(stored.value)


def rotate_keys(session: Session, vault: CredentialVault) -> int:
    """Re-encrypt every stored credential (and the canary) under the vault's first key."""
    count = 0
    for account in store_accounts.with_credentials(session):
        account.credentials_encrypted = vault.rotate(account.credentials_encrypted or "")
        count += 1
    canary = session.get(AppMeta, CANARY_KEY)
    if canary is not None:
        canary.value = vault.rotate(canary.value)
    elif count:
        session.add(AppMeta(key=CANARY_KEY, value=vault.canary()))
    session.flush()
    return count
