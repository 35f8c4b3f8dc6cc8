"""The terminal side of the ``rmatch`` command: harmless output, Ctrl-C and the progress line.

Examples
--------
>>> with watching_interrupts():
...     done_solving()  # no Ctrl-C came: nothing to raise
>>> INTERRUPTED.is_set()
False
"""

from __future__ import annotations

import contextlib
import io
import signal
import sys
import threading
from collections.abc import Iterator
from typing import IO

from rmatch.solvers import Progress

__all__ = ["INTERRUPTED", "ProgressBar", "TerminalGuard", "done_solving", "printable",
           "progress_bar", "watching_interrupts"]


# Characters a terminal acts on rather than shows: C0 and C1 controls (ESC
# starts colour, cursor and title sequences), DEL, and the bidirectional
# overrides that make text read in another order than it is stored.
_ACTIVE = {*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F),
           *range(0x2066, 0x206A)} - {0x0A, 0x0D, 0x09}
_SHOWN = {c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}" for c in _ACTIVE}


def printable(text: str) -> str:
    r"""Return text as a terminal would show it harmlessly: control characters as escapes.

    Examples
    --------
    >>> printable("x\x1b[31mRED\x1b]0;title\x07")
    'x\\x1b[31mRED\\x1b]0;title\\x07'
    """
    return text.translate(_SHOWN)


class TerminalGuard(io.TextIOBase):
    r"""A text stream that passes everything through :func:`printable` (newlines and tabs kept).

    ``rmatch`` prints people's ids, headers and attribute names it read from
    files; through this stream none of them can colour, move or retitle the
    terminal. :func:`rmatch.cli.main` puts stdout and stderr behind it.

    Examples
    --------
    >>> buf = io.StringIO()
    >>> _ = TerminalGuard(buf).write("id \x1b[2J\n")
    >>> buf.getvalue()
    'id \\x1b[2J\n'
    """

    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        """Write the text, control characters shown as escapes."""
        self.stream.write(printable(text))
        return len(text)

    def flush(self) -> None:
        """Flush the stream underneath."""
        self.stream.flush()

    def isatty(self) -> bool:
        """Whether the stream underneath is a terminal (False once it is closed)."""
        try:
            return self.stream.isatty()
        except ValueError:  # a library that kept this stream asks at exit
            return False

    @property
    def closed(self) -> bool:
        """Whether the stream underneath is closed."""
        return bool(self.stream.closed)

    def fileno(self) -> int:
        """Return the file descriptor of the stream underneath."""
        return self.stream.fileno()


INTERRUPTED = threading.Event()
"""Set when Ctrl-C reached the command (see :func:`watching_interrupts`)."""


@contextlib.contextmanager
def watching_interrupts() -> Iterator[None]:
    """Remember a Ctrl-C even when a solver catches it and returns what it has.

    The library's candidate path answers Ctrl-C with its last solve and an
    honest bound (useful in a notebook); a command must not write that as if
    it were the answer. :func:`done_solving` turns the remembered Ctrl-C back
    into an interrupt before anything is written.
    """
    INTERRUPTED.clear()
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread
        return

    def on_sigint(signum: int, frame: object) -> None:
        INTERRUPTED.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def done_solving() -> None:
    """Raise KeyboardInterrupt if Ctrl-C came during the solve (the command writes nothing).

    Examples
    --------
    >>> done_solving()  # no Ctrl-C: nothing happens
    """
    if INTERRUPTED.is_set():
        raise KeyboardInterrupt


class ProgressBar:
    """One stderr line, rewritten in place: phase, incumbent, bound, gap, time."""

    shown = False
    width = 0  # of the last line: a shorter one is padded over it

    def _line(self, text: str) -> None:
        print(f"\r{text.ljust(self.width)}", end="", file=sys.stderr, flush=True)
        self.width, self.shown = len(text), True

    def __call__(self, p: Progress) -> None:
        """Rewrite the line for one progress event."""
        if p.stage:  # the candidate path: its step and what it found
            self._line(f"{p.stage}: {p.note} {p.elapsed_s:.1f}s")
            return
        what = "pairs" if p.phase == 1 else "score"
        width = 20
        filled = round(width * (1 - min(p.gap, 1.0)))
        bar = "#" * filled + "." * (width - filled)
        self._line(f"solving ({what}) [{bar}] incumbent {p.incumbent:.4f} bound {p.bound:.4f} "
                   f"gap {100 * p.gap:.2f}% {p.elapsed_s:.1f}s")


progress_bar = ProgressBar()
