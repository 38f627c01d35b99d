"""The store's plumbing: the database proxy, the base model, domain errors,
the write-transaction decorator and the audit/access logs.

Every domain operation is a function decorated with :func:`operation`: it runs
in one ``BEGIN IMMEDIATE`` transaction (so concurrent writers queue instead of
failing), checks its rules inside it, writes its audit row with
:func:`audit` and raises :class:`DomainError` with a Danish message when a rule
refuses. Nothing here imports Textual.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import decimal
import functools
import json
from typing import Any, Callable, ContextManager, TypeVar

from peewee import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    CharField,
    DatabaseProxy,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from .i18n import _

db = DatabaseProxy()

F = TypeVar("F", bound=Callable[..., Any])


class DomainError(Exception):
    """A rule refused the operation. ``str(err)`` is a Danish message for the user.

    ``field`` names the input the message belongs to, so a form can show it
    beside the right field.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


def now() -> _dt.datetime:
    """The current local time, to the second (what the audit trail shows)."""
    return _dt.datetime.now().replace(microsecond=0)


_frozen_today: _dt.date | None = None


def today() -> _dt.date:
    """Today's date: the one clock every rule asks (tests may freeze it)."""
    return _frozen_today or _dt.date.today()


def as_date(value, field: str = "date") -> _dt.date:
    """A date from a date, a text as users write it (models.inputs.parse_date) or None (today)."""
    from .inputs import parse_date  # inputs builds on this module

    return parse_date(value, field, default_today=True)


def freeze_today(day: _dt.date | None) -> None:
    """Pin ``today()`` to ``day`` (None releases it). For tests and snapshots."""
    global _frozen_today
    _frozen_today = day


_built_sql: dict[tuple[str, str], str] = {}
# Per query of first_of (name, parameter mark): how its rows become instances — each column's field name,
# python_value and native type (_native_type) when its columns are the model's own, in the model's order;
# else None (peewee's raw()).
_row_fields: dict[tuple[str, str], tuple | None] = {}


def first_of(model: type[Model], name: str, build: Callable[[], Any], *params) -> Any:
    """The first ``model`` row of the query ``build()``, run with ``params``; its SQL is built once per store.

    Issue #17: peewee spends ~0.4 ms turning a wide SELECT into SQL, every time; a hot read (the
    punch's card lookup) builds it once. ``build`` returns the query with stand-ins in the places of
    ``params``, in their order; ``name`` names it in the cache. Rows become model instances as usual:
    when the query selects the model's columns in its order (``Model.select()``), the instance is made
    the way peewee makes it (each column through its field's ``python_value``, nothing dirty) without
    peewee's per-query column resolution (~0.1 ms a read); any other query goes through ``model.raw``.
    """
    sql = built_sql(name, build)
    key = (name, db.obj.param)
    fields = _row_fields.get(key, False)
    if fields is None:
        return next(iter(model.raw(sql, *params)), None)
    cursor = db.execute_sql(sql, params)
    rows = cursor.fetchall()  # to the end: the statement is done, no read left open
    if fields is False:
        own = model._meta.sorted_fields
        same = [d[0] for d in cursor.description] == [f.column_name for f in own]
        fields = _row_fields[key] = tuple((f.name, f.python_value, _native_type(f)) for f in own) if same else None
        if fields is None:
            return next(iter(model.raw(sql, *params)), None)
    if not rows:
        return None
    instance = model.__new__(model)
    instance.__data__ = {field: value if value is None or type(value) is native else convert(value)
                         for (field, convert, native), value in zip(fields, rows[0], strict=True)}
    instance._dirty = set()
    instance.__rel__ = {}
    return instance


def _native_type(field) -> type | None:
    """The type a column of ``field`` comes from the driver in when its ``python_value`` leaves it as it is
    (peewee's own text and integer fields, and keys to them); None: always converted (dates, booleans, …)."""
    while isinstance(field, ForeignKeyField):
        field = field.rel_field
    if type(field) in (CharField, TextField):
        return str
    if type(field) in (IntegerField, AutoField, BigIntegerField, BigAutoField):
        return int
    return None


def built_sql(name: str, build: Callable[[], Any]) -> str:
    """The SQL of the query ``build()`` in the open store's dialect, built once (see :func:`first_of`)."""
    key = (name, db.obj.param)
    sql = _built_sql.get(key)
    if sql is None:
        sql = _built_sql[key] = build().sql()[0]
    return sql


def in_transaction() -> bool:
    return db.transaction_depth() > 0


# Writers queue here before BEGIN IMMEDIATE. SQLite's busy handler retries a
# locked database after sleeping 1, 2, 5, 10, 15, 20, 25 … 100 ms, so under load a
# writer can lose the race again and again (seconds at p99 with 20 writers); the
# store installs a gate (models.store: an OS file lock) that wakes the next
# writer the moment the last one commits. Without a store: no gate.
_write_gate: Callable[[], ContextManager] = contextlib.nullcontext


def set_write_gate(factory: Callable[[], ContextManager] | None) -> None:
    """Install the context every outermost write transaction runs inside (None: none)."""
    global _write_gate
    _write_gate = factory or contextlib.nullcontext


BUSY_MESSAGE = "Databasen er optaget lige nu; prøv igen om lidt."
READ_ONLY_MESSAGE = "Databasen kan ikke skrives (filen eller mappen er skrivebeskyttet); intet er gemt."
DISK_FULL_MESSAGE = "Disken er fuld; intet er gemt. Skaf plads, og prøv igen."


def storage_refusal(exc: Exception) -> DomainError | None:
    """The one Danish line for a storage fault SQLite reports (busy, read-only, disk full), else None.

    The cause is looked for along the exception's context too: after a full
    disk SQLite has already rolled back, so the ROLLBACK that follows fails
    with "no transaction is active" on top of the real error.
    """
    seen: Exception | None = exc
    while seen is not None:
        text = str(seen).lower()
        if "locked" in text or "busy" in text:
            return DomainError(_(BUSY_MESSAGE))
        if "readonly" in text or "read-only" in text:
            return DomainError(_(READ_ONLY_MESSAGE))
        if "disk is full" in text or "disk full" in text:
            return DomainError(_(DISK_FULL_MESSAGE))
        seen = seen.__context__ if isinstance(seen.__context__, Exception) else None
    return None
# Called as every outermost write transaction starts (None: nothing). The TUI tests install
# one that fails when the write starts on the event loop (screens run operations in workers).
_write_watcher: Callable[[], None] | None = None


def set_write_watcher(watcher: Callable[[], None] | None) -> None:
    """Install a function called as every outermost write transaction starts (None: none)."""
    global _write_watcher
    _write_watcher = watcher


@contextlib.contextmanager
def write_transaction():
    """An IMMEDIATE write transaction behind the write gate; a savepoint when nested.

    Waiting is bounded: the gate and SQLite's busy timeout each give up after
    15 s with :data:`BUSY_MESSAGE` (a writer stopped with ``kill -STOP`` cannot
    hang everybody else); a read-only database or a full disk gives its own line.
    """
    if db.transaction_depth() > 0:
        with db.atomic():
            yield
        return
    from peewee import OperationalError

    if _write_watcher is not None:
        _write_watcher()
    with _write_gate():
        try:
            with db.atomic("IMMEDIATE"):
                yield
        except OperationalError as exc:
            refusal = storage_refusal(exc)
            if refusal is None:
                raise
            raise refusal from None


# Which database errors mean "run the whole transaction again" (the store sets it:
# PostgreSQL's serialization failures and deadlocks; SQLite: none).
def _never(exc: BaseException) -> bool:
    return False


_retryable: Callable[[BaseException], bool] = _never
RETRIES = 3


def set_retryable(predicate: Callable[[BaseException], bool] | None) -> None:
    global _retryable
    _retryable = predicate or _never


def operation(fn: F) -> F:
    """Run ``fn`` as one IMMEDIATE write transaction (a savepoint when nested).

    The outermost operation is run again (at most :data:`RETRIES` more times)
    when the store says its transaction failed in a way that is safe to retry:
    everything it wrote was rolled back, and operations touch only the database.
    A nested operation never retries on its own; its outermost caller does.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        attempt = 0
        while True:
            outermost = db.transaction_depth() == 0
            try:
                with write_transaction():
                    return fn(*args, **kwargs)
            except Exception as exc:
                if not outermost or attempt >= RETRIES or not _retryable(exc):
                    raise
                attempt += 1

    wrapper.__wrapped_operation__ = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def _jsonable(value: Any) -> Any:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, Model):
        return value.get_id()
    return value


def snapshot(instance: Model | None, fields: list[str] | None = None) -> dict | None:
    """A JSON-able dict of a row's columns, for the audit trail's before/after."""
    if instance is None:
        return None
    data = {}
    for name, field in instance._meta.fields.items():
        if fields is not None and name not in fields:
            continue
        key = field.column_name if hasattr(field, "rel_model") else name
        data[key] = _jsonable(instance.__data__.get(name))
    return data


def audit_text(data: dict | None) -> str | None:
    """The audit trail's text of a before/after dict (JSON, Danish letters kept)."""
    return json.dumps(data, ensure_ascii=False, default=_jsonable) if data is not None else None


def audit(actor, operation_name: str, entity: str, entity_id: Any,
          before: dict | None = None, after: dict | None = None) -> None:
    """Write the audit row of a write. Must be called inside the operation's transaction."""
    from .entities import AuditLog

    if not in_transaction():  # pragma: no cover - a programming error
        raise RuntimeError("audit() outside a write transaction")
    AuditLog.create(
        at=now(),
        actor=actor,
        operation=operation_name,
        entity=entity,
        entity_id=str(entity_id) if entity_id is not None else None,
        before=audit_text(before),
        after=audit_text(after),
    )


# The purpose an access row gets when its caller names none: from the kind of read (issue #12).
DEFAULT_PURPOSES = {
    "open_citizen": "borgeropslag",
    "search": "søgning",
    "lookup": "opslag",
    "list": "oversigt",
    "export": "eksport",
    "print": "udskrift",
    "insight": "indsigt",
}


def log_access(actor, action: str, citizen=None, criterion: str | None = None,
               purpose: str | None = None) -> None:
    """Record a read of personal data: who looked at whom, or searched for what, and why.

    The one place reads are logged; every screen and command that shows a
    citizen, searches, exports, prints or answers an insight request goes
    through here. ``purpose`` names where it happened (klipregistrering,
    screening, eksport, indsigt, udskrift, …); without it the action's default.
    """
    from .entities import AccessLog

    with write_transaction():
        AccessLog.create(at=now(), actor=actor, action=action, citizen=citizen,
                         criterion=criterion, purpose=purpose or DEFAULT_PURPOSES.get(action, action))
