"""What every reader that holds a slot of a queue file shares: a :class:`Consumer` and a
:class:`GroupMember` alike hold the process's :class:`~mmq._shared.SharedFile` and one slot, leave it
once (``close`` is safe to call twice, and runs at garbage collection as a last resort), and are
context managers and iterators of ``bytes``.

A subclass sets ``self._sf``, ``self._slot`` and ``self._closed`` and provides ``_leave()`` (give the
slot back, the table lock taken inside) and ``read(timeout)``.
"""

from . import _shared


class SlotHolder:

    @property
    def slot(self):
        """Index of the slot of the queue file's consumer table this reader holds."""
        return self._slot

    @property
    def closed(self):
        return self._closed

    @property
    def capacity(self):
        return self._sf.geo.capacity

    @property
    def max_message(self):
        return self._sf.geo.max_message

    def __iter__(self):
        """Yield messages as ``bytes``, blocking; ends when this reader is closed."""
        while not self._closed:
            yield self.read()

    def close(self):
        """Leave the queue, giving the slot back; safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        try:
            self._leave()
        finally:
            _shared.release(self._sf)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass
