"""`paas keys new|rotate`: the credential encryption keys."""

from __future__ import annotations

import sys

import typer

from paas.cli import door

keys_app = typer.Typer(help="Credential encryption keys.", no_args_is_help=True)


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every stored credential under a new key (key file) or the first PAAS_CREDENTIAL_KEYS key."""
    from paas.services import credentials

    settings = door.settings_or_fail()
    if settings.credential_keys is None:
        with door.read_and_run() as (_, run):
            count, path = credentials.rotate_key_file(settings, run)
        door.say(f"re-encrypted {count} credential(s) under a new key in {path} (the previous key is kept "
                 "for writes in flight; the next rotation retires it)")
        return
    with door.unit_of_work() as session:
        count = credentials.rotate_keys(session, credentials.vault_from_settings(settings))
    door.say(f"re-encrypted {count} credential(s) under the first key of PAAS_CREDENTIAL_KEYS; "
             "older keys can now be removed")


@keys_app.command("new")
def keys_new() -> None:
    """Print a fresh key to put first in PAAS_CREDENTIAL_KEYS before `paas keys rotate`."""
    from paas.services import credentials

    sys.stdout.write(credentials.new_key() + "\n")
