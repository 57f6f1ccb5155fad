package io.mmq.mmap.os;

import java.io.IOException;

/**
 * The filesystem cannot hold a new queue file.
 */
public final class InsufficientSpaceException extends IOException
{
    public InsufficientSpaceException(final String message)
    {
        super(message);
    }
}
