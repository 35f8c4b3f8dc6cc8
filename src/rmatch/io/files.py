"""Writing output files so that nothing is half-written or written over an input.

Every file rmatch writes goes through :func:`write_atomic`: the text goes to a
temporary file in the same folder, which then replaces the target in one
step (``os.replace``). An interrupted run leaves either the old file or the
new one, never a truncated mix. A new file gets the mode the umask gives
(0644 under the usual 022); a replaced one keeps its own.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from rmatch.errors import InputError

__all__ = ["refuse_inputs", "write_atomic", "writing", "writing_bytes"]


_UMASK_LOCK = threading.Lock()


def _mode_for(target: Path) -> int:
    """Give the mode a new file gets from ``open()`` (0o666 less the umask), or the old one's.

    The temporary file is created 0600 (``mkstemp``); without this, every output
    would stay private whatever the umask, and a colleague on a shared drive could
    not open it.
    """
    with contextlib.suppress(OSError):
        return stat.S_IMODE(target.stat().st_mode)
    with _UMASK_LOCK:  # reading the umask means setting it: keep other threads out
        umask = os.umask(0o022)
        os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def _temporary(path: str | os.PathLike[str]) -> Iterator[tuple[int, str]]:
    target = Path(path)
    handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                   dir=target.parent)
    try:
        os.chmod(tmp, _mode_for(target))
        yield handle, tmp
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def writing(path: str | os.PathLike[str]) -> Iterator[IO[str]]:
    """Open a temporary text file beside ``path``; on success it replaces ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with writing(out) as fh:
    ...     _ = fh.write("done")
    >>> out.read_text()
    'done'
    """
    with _temporary(path) as (handle, _), os.fdopen(handle, "w", encoding="utf-8",
                                                    newline="") as fh:
        yield fh


@contextlib.contextmanager
def writing_bytes(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Like :func:`writing`, in binary mode.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "a.bin"
    >>> with writing_bytes(out) as fh:
    ...     _ = fh.write(b"1")
    >>> out.read_bytes()
    b'1'
    """
    with _temporary(path) as (handle, _), os.fdopen(handle, "wb") as fh:
        yield fh


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write text (UTF-8) to ``path`` in one step.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> write_atomic(out, "x"); out.read_text()
    'x'
    """
    with writing(path) as fh:
        fh.write(text)


def refuse_inputs(outputs: Iterable[str | os.PathLike[str] | None],
                  inputs: Iterable[str | os.PathLike[str] | None]) -> None:
    """Raise :class:`InputError` when an output would replace an input (links included).

    Examples
    --------
    >>> refuse_inputs(["roster.csv"], ["./roster.csv"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rmatch.errors.InputError: roster.csv: refusing to write over an input file; choose ...
    """
    seen = {Path(p).resolve(): str(p) for p in inputs if p is not None}
    for out in outputs:
        if out is not None and Path(out).resolve() in seen:
            raise InputError(f"{out}: refusing to write over an input file; choose another "
                             "output name")
