"""Per-render state, kept off the lxml elements (whose Python proxies are not
guaranteed to persist) in a thread-local, and running a layout with it.

One :class:`RenderState` lives for one run of a layout (an entry, a citation,
a sort key). Elements read it through :func:`current` and report to it:

* :func:`mark`: a variable was called / rendered, for the suppression of the
  enclosing cs:group (:class:`GroupScope`). Only the variables actually
  evaluated count (the branch of cs:choose taken; citeproc-py counted every
  branch).
* :func:`record`: a variable was rendered, for a cs:substitute that is
  recording (substituted variables are then suppressed in the rest of the
  output, also when the substitute is a macro; citeproc-py only suppressed
  direct children).
"""
from __future__ import annotations

import threading
from types import TracebackType
from typing import Any, Callable, TypeVar

from citeproc import model

from .flipflop import FlipFlopper

__all__ = ["GroupScope", "RenderState", "StyleCache", "active", "current", "mark", "record", "run"]

_T = TypeVar("_T")

_local = threading.local()

#: The cached look-ups of a style (macros, terms, date formats, options, parsed
#: conditions...): key -> whatever that look-up returns.
StyleCache = dict[tuple[object, ...], Any]


class RenderState:
    """What one run of a layout knows and has rendered so far."""

    def __init__(self, style_root: model.Style | None, *, area: str, position: str = "first",
                 first_note: int | None = None, near_note: bool = True, disambiguate: bool = False):
        self.area = area  # "citation" | "bibliography" | "sort"
        self.position = position
        self.first_note = first_note
        self.near_note = near_note
        self.disambiguate = disambiguate
        self.suppressed: set[str] = set()
        self.recording: list[set[str]] = []
        self.first_names_key: str | None = None
        self.last_names_key: str | None = None
        self.author_substitute: str | None = None
        self.previous_names_key: str | None = None
        self.flipflop: FlipFlopper | None = None
        self.style_root = style_root
        self.sort_options: dict[str, str] | None = None
        self.group_frames: list[list[bool]] = []  # [called, rendered] of each open GroupScope
        cache: StyleCache | None = getattr(style_root, "_compat_cache", None)
        if cache is None and style_root is not None:
            cache = style_root._compat_cache = {}
        self.cache = cache
        # whether anything was rendered before: a term rendered first is capitalised
        self.term_predecessor = False
        self.in_text = False


def active() -> RenderState | None:
    """The state of the layout being rendered in this thread, if any."""
    return getattr(_local, "state", None)


def current() -> RenderState:
    """The state of the layout being rendered (AttributeError outside a render)."""
    state: RenderState = _local.state
    return state


def mark(called: bool, rendered: bool) -> None:
    """Tell the enclosing cs:group that a variable was called / rendered."""
    st = getattr(_local, "state", None)
    if st is not None and rendered:
        st.term_predecessor = True
    if st is not None and st.group_frames:
        frame = st.group_frames[-1]
        frame[0] = frame[0] or called
        frame[1] = frame[1] or rendered


class GroupScope:
    """A cs:group, or a macro call (citeproc-js compiles macro calls as groups),
    while its content renders: ``with GroupScope() as group: ...``, then
    :meth:`finish`.

    CSL 1.0.2: a group is suppressed when it calls variables and all of them
    are empty (:attr:`suppressed`). Inside the ``with``, :func:`mark` reports
    to this group instead of the enclosing one.
    """

    def __init__(self) -> None:
        self.state = current()
        self._frame = [False, False]
        self._old_predecessor = self.state.term_predecessor

    def __enter__(self) -> GroupScope:
        self.state.group_frames.append(self._frame)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.state.group_frames.pop()

    @property
    def called(self) -> bool:
        """Whether a variable was called inside."""
        return self._frame[0]

    @property
    def suppressed(self) -> bool:
        """Whether variables were called inside and none of them rendered."""
        return self._frame[0] and not self._frame[1]

    def finish(self, shown: bool) -> None:
        """Report to the enclosing group whether this one ``shown`` output. A group with
        output counts as a variable rendered in its parent, even when it holds only terms
        (citeproc-js); one without leaves things as they were before it."""
        if shown:
            mark(True, True)
        else:
            self.state.term_predecessor = self._old_predecessor
            mark(self.called, False)


def record(variable: str) -> None:
    """Tell the cs:substitute elements that are recording that ``variable`` was rendered."""
    st = getattr(_local, "state", None)
    if st is not None:
        for rec in st.recording:
            rec.add(variable)
        if st.recording:
            # suppressed at once, also in the rest of the substitute itself: a macro
            # that renders the editor twice, once substituted, shows it once
            # (citeproc-js; fixture substitute_SuppressOrdinaryVariable)
            st.suppressed.add(variable)


def run(state: RenderState, fn: Callable[[], _T]) -> _T:
    """``fn()`` with ``state`` as the current state: one run of a layout.

    Every run goes through here, called as ``state.run`` (through the module),
    so that a test or benchmark can count runs by replacing it.
    """
    previous = getattr(_local, "state", None)
    _local.state = state
    try:
        return fn()
    finally:
        _local.state = previous
