package io.mmq.bridge.kafka;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * How both bridges judge and word a Kafka failure: which ones no new session can cure, and a one-line
 * description for the user.
 */
final class KafkaErrors
{
    private KafkaErrors()
    {
    }

    /**
     * @return the cause that no new session can cure (access refused, a record too large, a broker too old,
     *         a wrong setting), or null if starting again may help.
     */
    static Throwable fatalCause(final Throwable error)
    {
        for (Throwable cause = error; null != cause; cause = cause.getCause())
        {
            if (cause instanceof AuthorizationException || cause instanceof AuthenticationException ||
                cause instanceof RecordTooLargeException || cause instanceof InvalidTopicException ||
                cause instanceof UnsupportedVersionException || cause instanceof ConfigException)
            {
                return cause;
            }
        }
        return null;
    }

    /**
     * @return the error's class and message on one line.
     */
    static String oneLine(final Throwable error)
    {
        final String message = null == error.getMessage() ? error.getClass().getSimpleName() :
            error.getClass().getSimpleName() + ": " + error.getMessage();
        return message.replace('\n', ' ').replace('\r', ' ');
    }
}
