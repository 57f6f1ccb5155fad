package io.mmq.mmap;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * Why a file operation failed, in the words a user reads after the file's name: {@code permission denied},
 * {@code is a directory}, {@code read-only file system}. Java's own messages repeat the path (a temporary one,
 * when creating) and its class names, which tell a user nothing.
 */
final class IoReasons
{
    private IoReasons()
    {
    }

    static String of(final IOException failure)
    {
        if (failure instanceof AccessDeniedException)
        {
            return "permission denied";
        }
        if (failure instanceof NoSuchFileException)
        {
            return "no such file or directory";
        }
        if (failure instanceof FileSystemException && null != ((FileSystemException)failure).getReason())
        {
            final String reason = ((FileSystemException)failure).getReason();
            return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
        }
        return null == failure.getMessage() ? failure.getClass().getSimpleName() : failure.getMessage();
    }
}
