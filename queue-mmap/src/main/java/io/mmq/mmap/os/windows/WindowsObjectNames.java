package io.mmq.mmap.os.windows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The names of a queue file's Windows kernel objects, which every process that opens the file must
 * compute alike, the Python reader included ({@code docs/format.md}, "Windows objects"):
 * {@code <namespace>\mmq-<digest>-<object>}, where the digest is the first 32 hex digits of the SHA-256
 * of the file's real path (symbolic links resolved, lower-cased, UTF-8).
 *
 * <p>The namespace is {@code Local} (the login session) unless the system property
 * {@value #NAMESPACE_PROPERTY} says {@code Global}: a service in session 0 and a desktop program share
 * objects only in {@code Global}, which needs the SeCreateGlobalPrivilege to create.
 */
public final class WindowsObjectNames
{
    public static final String NAMESPACE_PROPERTY = "mmq.windows.namespace";

    private WindowsObjectNames()
    {
    }

    /** The common prefix of the file's object names, e.g. {@code Local\mmq-0123…cdef}. */
    public static String prefixFor(final Path file)
    {
        final String namespace = System.getProperty(NAMESPACE_PROPERTY, "Local");
        if (!"Local".equals(namespace) && !"Global".equals(namespace))
        {
            throw new IllegalArgumentException(NAMESPACE_PROPERTY + " must be Local or Global, not " + namespace);
        }
        try
        {
            return prefixFor(namespace, file.toRealPath().toString());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": could not resolve the real path that names its OS objects", ex);
        }
    }

    /** The prefix for an already resolved real path. */
    static String prefixFor(final String namespace, final String realPath)
    {
        try
        {
            final byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(realPath.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return namespace + "\\mmq-" + HexFormat.of().formatHex(digest, 0, 16);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every Java platform has SHA-256", ex);
        }
    }
}
