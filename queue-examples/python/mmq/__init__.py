"""mmq: a Python reader for mmq shared-memory queues (file format versions 2 to 7).

    import mmq
    with mmq.open_consumer("/dev/shm/orders", start="earliest") as c:
        for msg in c:          # bytes, blocking
            print(msg)

    with mmq.open_group_member("/dev/shm/orders", "workers") as m:
        for msg in m:          # this member's share of the stream
            print(msg)

Linux and Windows on x86-64 (Windows not yet run on a real machine; consumer groups
Linux only); pure standard library. See README.md.
"""

from ._layout import SUPPORTED_VERSIONS
from .consumer import Consumer, open_consumer
from .group import GroupMember, open_group_member
from .errors import (ClosedError, ConsumerEvictedError, ConsumerLappedError,
                     ConsumerNameTakenError, CorruptFrameError, MmqError,
                     QueueBusyError, QueueFormatError, UnsupportedPlatformError,
                     UnsupportedVersionError)

__all__ = [
    "open_consumer", "Consumer", "open_group_member", "GroupMember", "as_numpy", "SUPPORTED_VERSIONS",
    "MmqError", "QueueFormatError", "UnsupportedVersionError", "CorruptFrameError",
    "QueueBusyError", "ClosedError", "UnsupportedPlatformError", "ConsumerEvictedError",
    "ConsumerLappedError", "ConsumerNameTakenError",
]


def as_numpy(view, dtype="uint8"):
    """A numpy array over a message's bytes, without copying (needs numpy).

    Use it only inside a ``poll`` handler, and do not keep the array: it
    points into the ring, which the producer reuses once the consumer moves
    on. ``np.array(as_numpy(view, dtype))`` or ``.copy()`` keeps a copy.
    """
    import numpy as np  # optional dependency, imported only when asked for
    return np.frombuffer(view, dtype=dtype)
