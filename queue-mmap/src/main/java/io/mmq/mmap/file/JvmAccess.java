package io.mmq.mmap.file;

import io.mmq.MmqException;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Checks, once, that Agrona can reach {@code jdk.internal.misc.Unsafe}, and turns the JVM's obscure
 * failure into one that says which flag to add.
 */
public final class JvmAccess
{
    /** The JVM option Agrona 2.x needs on JDK 17 and later. */
    public static final String REQUIRED_FLAG = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

    private static volatile boolean checked;

    private JvmAccess()
    {
    }

    public static void requireAgronaAccess()
    {
        if (checked)
        {
            return;
        }
        try
        {
            new UnsafeBuffer(new byte[8]).getLongVolatile(0);
            checked = true;
        }
        catch (final IllegalAccessError | ExceptionInInitializerError | NoClassDefFoundError ex)
        {
            throw new MmqException("mmq needs the JVM option " + REQUIRED_FLAG +
                " (Agrona uses jdk.internal.misc.Unsafe); add it to the java command line," +
                " or run an executable jar whose manifest has Add-Exports: java.base/jdk.internal.misc", ex);
        }
    }
}
