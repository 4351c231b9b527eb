"""Who may do what. Roles and the permission checks every write goes through, whatever the UI shows.

Roles: viewer (reads); akimat (edits the bottlenecks and action items of its own region); operator
(uploads its own data, updates its own bottlenecks); atameken (uploads the business survey); regulator and ministry (all data); admin (users).

Accounts live in a JSON file outside git (data/users.json or $DIALOGUE_USERS) with argon2id password
hashes, managed with `python -m dialogue users …`; an organisation login (OIDC) maps its e-mail to an
account of the same file. Nothing here imports Streamlit.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ROLES = ("viewer", "akimat", "operator", "atameken", "regulator", "ministry", "admin")
ALL_DATA_ROLES = ("regulator", "ministry", "admin")
# Which role may upload which dataset (operators only rows of their own operator code).
UPLOADERS = {
    "speed_tests": ("operator", *ALL_DATA_ROLES),
    "coverage": ("operator", *ALL_DATA_ROLES),
    "complaints": ALL_DATA_ROLES,
    "rollout": ("operator", *ALL_DATA_ROLES),
    "bottlenecks": ("operator", "akimat", *ALL_DATA_ROLES),
    "permits": ("operator", "akimat", *ALL_DATA_ROLES),
    "survey": ("atameken", *ALL_DATA_ROLES),
    "speed_tiles": ALL_DATA_ROLES,
    "events": ("operator", *ALL_DATA_ROLES),
}
# Who enters mass events on the Events page (akimat and Atameken read them): the ministry, the regulator and
# admins change any event; an operator changes the events it entered itself.
EVENT_EDITORS = ("operator", *ALL_DATA_ROLES)


@dataclass(frozen=True)
class User:
    username: str
    role: str
    region_code: str | None = None     # akimat users: their region
    operator_code: str | None = None   # operator users: their operator
    display_name: str | None = None
    demo: bool = False                 # a demo account: offered on demo data only, never in the users file


class PermissionDenied(Exception):
    """A write the user's role does not allow (the message says why, for the UI and the log)."""


# ---- demo accounts: one per role, to try the app on demo data ---------------------------------------

DEMO_PREFIX = "demo-"
# Offered without a password on a warehouse that holds nothing but demo data, and on no other: they live in
# no users file. The akimat is Turkistan region's (the demo's story of land plots holding fibre back, and its
# regional dialogue); the operator is Operator A.
DEMO_ACCOUNTS = {
    "regulator": User("demo-regulator", "regulator", demo=True),
    "akimat": User("demo-akimat", "akimat", region_code="KZ-61", demo=True),
    "operator": User("demo-operator", "operator", operator_code="op_a", demo=True),
    "atameken": User("demo-atameken", "atameken", demo=True),
}


def demo_accounts_offered(con) -> bool:
    """Whether the warehouse of this connection (or cursor) holds nothing but demo data: the same test the
    `demo` command applies before rebuilding (dialogue.backup)."""
    from dialogue import backup  # storage, imported only where demo accounts are asked for
    return backup.contents_of(con).demo_data_only


def demo_user(key: str, con) -> User | None:
    """The demo account of a role ('regulator', 'akimat', 'operator', 'atameken') if the warehouse of con holds
    nothing but demo data, else None."""
    user = DEMO_ACCOUNTS.get(key)
    return user if user is not None and demo_accounts_offered(con) else None


def can_upload(user: User | None, dataset: str) -> bool:
    """Whether the user may upload this dataset at all (row-level checks come with the file)."""
    return user is not None and user.role in UPLOADERS.get(dataset, ())


def can_edit_record(user: User | None, region_code: str | None, operator_code: str | None = None) -> bool:
    """Whether the user may change a bottleneck or action item of this region / operator."""
    if user is None:
        return False
    if user.role in ALL_DATA_ROLES:
        return True
    if user.role == "akimat":
        return user.region_code is not None and user.region_code == region_code
    if user.role == "operator":
        return user.operator_code is not None and user.operator_code == operator_code
    return False


def can_enter_events(user: User | None) -> bool:
    """Whether the user may enter mass events in the register."""
    return user is not None and user.role in EVENT_EDITORS


def can_edit_event(user: User | None, entered_by: str | None) -> bool:
    """Whether the user may change, cancel or delete an event entered (or loaded) by entered_by."""
    if user is None:
        return False
    if user.role in ALL_DATA_ROLES:
        return True
    return user.role == "operator" and entered_by is not None and entered_by == user.username


def require_edit(user: User | None, region_code: str | None, operator_code: str | None = None) -> None:
    """Raise PermissionDenied unless can_edit_record."""
    if not can_edit_record(user, region_code, operator_code):
        who = "anonymous" if user is None else f"{user.username} ({user.role})"
        raise PermissionDenied(f"{who} may not change records of region {region_code} / operator {operator_code}")


# ---- the users file: argon2-hashed passwords, kept outside git --------------------------------------

USERS_ENV = "DIALOGUE_USERS"
DEFAULT_USERS = Path(__file__).resolve().parent.parent / "data" / "users.json"
PUBLIC_READ_ENV = "DIALOGUE_PUBLIC_READ"
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")
_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    # Verified when the name is unknown, so a wrong name costs as long as a wrong password.
    return _HASHER.hash("not a password of anyone")


def users_path(explicit: str | os.PathLike | None = None) -> Path:
    """The users file: explicit, else $DIALOGUE_USERS, else data/users.json (git-ignored)."""
    return Path(explicit or os.environ.get(USERS_ENV) or DEFAULT_USERS)


def public_read() -> bool:
    """Whether read-only views open without sign-in: yes unless DIALOGUE_PUBLIC_READ=0."""
    return os.environ.get(PUBLIC_READ_ENV, "1").strip() != "0"


def load_users(path: str | os.PathLike | None = None) -> dict[str, dict]:
    """Every account of the users file by username (an absent file means no accounts)."""
    p = users_path(path)
    if not p.is_file():
        return {}
    data = json.loads(p.read_text(encoding="utf-8"))
    return {e["username"]: e for e in data.get("users", [])}


def save_users(entries: dict[str, dict], path: str | os.PathLike | None = None) -> None:
    """Write the users file atomically, readable by its owner only."""
    p = users_path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"users": [entries[k] for k in sorted(entries)]}, ensure_ascii=False, indent=1)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=".users.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(body + "\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def hash_password(password: str) -> str:
    """An argon2id hash of a password that meets the minimum length."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password must have at least {MIN_PASSWORD} characters")
    return _HASHER.hash(password)


def normalise_username(name: str) -> str:
    """Usernames are case-insensitive: stored and compared in lower case."""
    return (name or "").strip().lower()


def validate_account(username: str, role: str, region_code: str | None, operator_code: str | None,
                     known_regions, known_operators, oidc_email: str | None = None) -> None:
    """Raise ValueError unless the account is well-formed: known role, and the region/operator it needs."""
    if not _USERNAME.match(username):
        raise ValueError(f"invalid username {username!r}: 2-64 of a-z 0-9 . _ @ -, starting with a letter or digit")
    if username.startswith(DEMO_PREFIX):
        raise ValueError(f"usernames starting with {DEMO_PREFIX!r} are kept for the demo accounts")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if role == "akimat":
        if not region_code:
            raise ValueError("an akimat user needs --region (e.g. KZ-23)")
        if region_code not in set(known_regions):
            raise ValueError(f"unknown region {region_code!r}")
    elif region_code:
        raise ValueError("only akimat users belong to a region")
    if role == "operator":
        if not operator_code:
            raise ValueError("an operator user needs --operator (its operator code)")
        if operator_code not in set(known_operators):
            raise ValueError(f"unknown operator {operator_code!r}")
    elif operator_code:
        raise ValueError("only operator users belong to an operator")
    if oidc_email is not None and not _EMAIL.match(oidc_email):
        raise ValueError(f"invalid e-mail {oidc_email!r}")


def add_user(username: str, role: str, password: str | None, *, region_code: str | None = None,
             operator_code: str | None = None, display_name: str | None = None, oidc_email: str | None = None,
             known_regions=(), known_operators=(), path: str | os.PathLike | None = None) -> dict:
    """Create an account (password hashed; None for an organisation-login-only account); return its entry."""
    username = normalise_username(username)
    oidc_email = oidc_email.strip().lower() if oidc_email else None
    validate_account(username, role, region_code, operator_code, known_regions, known_operators, oidc_email)
    if password is None and oidc_email is None:
        raise ValueError("an account needs a password or an organisation e-mail (--oidc-email)")
    entries = load_users(path)
    if username in entries:
        raise ValueError(f"user {username!r} already exists")
    if oidc_email and any(e.get("oidc_email") == oidc_email for e in entries.values()):
        raise ValueError(f"another user already has the e-mail {oidc_email!r}")
    entry = {"username": username, "role": role, "region_code": region_code, "operator_code": operator_code,
             "display_name": display_name or None, "oidc_email": oidc_email,
             "password_hash": hash_password(password) if password is not None else None,
             "created_at": datetime.now().isoformat(timespec="seconds")}
    entries[username] = entry
    save_users(entries, path)
    return entry


def remove_user(username: str, path: str | os.PathLike | None = None) -> None:
    """Delete an account (its sessions lose their rights on their next click)."""
    entries = load_users(path)
    if entries.pop(normalise_username(username), None) is None:
        raise ValueError(f"no user {username!r}")
    save_users(entries, path)


def set_password(username: str, password: str, path: str | os.PathLike | None = None) -> None:
    """Replace an account's password."""
    entries = load_users(path)
    entry = entries.get(normalise_username(username))
    if entry is None:
        raise ValueError(f"no user {username!r}")
    entry["password_hash"] = hash_password(password)
    save_users(entries, path)


def user_from_entry(entry: dict) -> User:
    """The User of a users-file entry (the hash stays behind)."""
    return User(entry["username"], entry["role"], entry.get("region_code"), entry.get("operator_code"),
                entry.get("display_name"))


def find_user(username: str, path: str | os.PathLike | None = None) -> User | None:
    """The account of a username, None if there is none (any more)."""
    entry = load_users(path).get(normalise_username(username))
    return None if entry is None else user_from_entry(entry)


def user_for_email(email: str | None, path: str | os.PathLike | None = None) -> User | None:
    """The account mapped to an organisation-login e-mail ("oidc_email"), None if none is."""
    if not email:
        return None
    email = email.strip().lower()
    entry = next((e for e in load_users(path).values() if e.get("oidc_email") == email), None)
    return None if entry is None else user_from_entry(entry)


def authenticate(username: str, password: str, path: str | os.PathLike | None = None) -> User | None:
    """The user if name and password match, else None (never says which of the two was wrong)."""
    entry = load_users(path).get(normalise_username(username))
    stored = entry.get("password_hash") if entry else None
    try:
        _HASHER.verify(stored or _dummy_hash(), password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return user_from_entry(entry) if stored else None


class Throttle:
    """Repeated sign-in failures in one session wait longer and longer before the next try."""

    FREE_TRIES = 3
    MAX_WAIT = 300.0

    def __init__(self) -> None:
        self.failures = 0
        self.blocked_until = 0.0

    def wait_seconds(self, now: float | None = None) -> float:
        """Seconds to wait before the next try (0: go ahead)."""
        return max(0.0, self.blocked_until - (time.monotonic() if now is None else now))

    def failed(self, now: float | None = None) -> None:
        """Count a failure; from the fourth on, block for 2, 4, 8 … seconds (at most five minutes)."""
        self.failures += 1
        if self.failures > self.FREE_TRIES:
            wait = min(self.MAX_WAIT, 2.0 ** (self.failures - self.FREE_TRIES))
            self.blocked_until = (time.monotonic() if now is None else now) + wait

    def succeeded(self) -> None:
        self.failures, self.blocked_until = 0, 0.0
