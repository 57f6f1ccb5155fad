package io.mmq;

/**
 * Base of every exception mmq throws on purpose. Unchecked, like Agrona's and Aeron's: a queue that
 * cannot be opened or has been corrupted is not something a caller can retry its way out of.
 */
public class MmqException extends RuntimeException
{
    public MmqException(final String message)
    {
        super(message);
    }

    public MmqException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
