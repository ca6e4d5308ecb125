"""Feedback while the recording engine runs (a large plan takes minutes).

On a terminal: one line on stderr, refreshed in place (at most every INTERVAL seconds) and
cleared at the end. Elsewhere (CI logs, pipes): nothing live, one summary line at the end.
With `--quiet`: nothing at all. stdout is never touched.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from apic_access.config.errors import plural

if TYPE_CHECKING:
    from .recorder import Registration

INTERVAL = 0.1  # seconds between redraws: ~10 a second costs nothing next to the recording
TICK = 0.5  # the elapsed time moves on even while the program registers nothing


def elapsed_text(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no such method, or a closed stream
        return False


class Progress:
    """Counts the resources each recording registers; `phase` starts one and gives its callback."""

    def __init__(self, command: str, *, quiet: bool = False, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic):
        self.command = command
        self.stream = stream if stream is not None else sys.stderr
        self.live = not quiet and _is_terminal(self.stream)
        self.summary = not quiet and not self.live
        self.clock = clock
        self.start = clock()
        self.phases: list[tuple[str, int]] = []  # (name, custom resources) in the order recorded
        self._shown = 0  # characters of the live line on screen
        self._next = 0.0
        self._paused = False  # cleared for other output until the next phase
        self._lock = threading.Lock()  # the engine registers from worker threads
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def phase(self, name: str = "") -> Callable[[Registration], None]:
        """Start counting a recording ("" when the command records one spec)."""
        with self._lock:
            self.phases.append((name, 0))
            self._paused = False
            self._draw(force=True)
        if self.live and self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, name="apic-access-progress", daemon=True)
            self._ticker.start()
        return self._registered

    def _registered(self, r: Registration) -> None:
        if not r.custom:  # components only group; the plan counts what reaches Azure
            return
        with self._lock:
            name, count = self.phases[-1]
            self.phases[-1] = (name, count + 1)
            self._draw()

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            with self._lock:
                self._draw()

    def _draw(self, *, force: bool = False) -> None:
        if not self.live or not self.phases or self._paused:
            return
        now = self.clock()
        if now < self._next and not force:
            return
        self._next = now + INTERVAL
        name, count = self.phases[-1]
        line = f"{self.command}: {f'{name}: ' if name else ''}{plural(count, 'resource')} recorded, {elapsed_text(now - self.start)}"
        self.stream.write("\r" + line.ljust(self._shown))
        self.stream.flush()
        self._shown = len(line)

    def clear(self) -> None:
        """Take the live line off the screen (before other output on stderr) until the next phase."""
        with self._lock:
            self._paused = True
            if self._shown:
                self.stream.write("\r" + " " * self._shown + "\r")
                self.stream.flush()
                self._shown = 0

    def summary_line(self) -> str:
        took = elapsed_text(self.clock() - self.start)
        if [name for name, _ in self.phases] == [""]:
            return f"{self.command}: {plural(self.phases[0][1], 'resource')} recorded in {took}"
        parts = ", ".join(f"{name} {plural(count, 'resource')}" for name, count in sorted(self.phases))
        return f"{self.command}: {parts}, recorded in {took}"

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        self.clear()
        if kind is None and self.summary and self.phases:
            print(self.summary_line(), file=self.stream)
