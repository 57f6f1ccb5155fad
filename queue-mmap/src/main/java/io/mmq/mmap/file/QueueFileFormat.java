package io.mmq.mmap.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import io.mmq.MessageQueue;
import io.mmq.MmqException;
import io.mmq.QueueFormatException;
import io.mmq.QueueOptions;
import io.mmq.mmap.layout.ConsumerSlotLayout;
import io.mmq.mmap.layout.FrameLayout;
import io.mmq.mmap.layout.HeaderLayout;
import io.mmq.mmap.os.FileAllocation;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import static io.mmq.mmap.layout.HeaderLayout.*;

/**
 * Writes a new queue file and checks an existing one. A queue file is never initialised in place: it is
 * written in full under a temporary name in the same directory, then linked to its real name in one
 * atomic step, so a file at the real name is always a complete queue and a crash during creation
 * leaves nothing another process could mistake for one.
 */
public final class QueueFileFormat
{
    private static final SecureRandom CREATION_IDS = new SecureRandom();

    private QueueFileFormat()
    {
    }

    /**
     * Creates a queue file at {@code file}.
     *
     * @throws FileAlreadyExistsException if something already exists at {@code file}; it is left alone.
     */
    public static void create(final Path file, final QueueOptions options) throws IOException
    {
        requireLittleEndianPlatform(file);
        options.checkSlowConsumerPolicy();
        final Path absolute = file.toAbsolutePath();
        final Path directory = absolute.getParent();
        if (Files.exists(absolute, java.nio.file.LinkOption.NOFOLLOW_LINKS))
        {
            throw new FileAlreadyExistsException(absolute.toString());
        }
        if (!Files.isDirectory(directory))
        {
            throw new MmqException(file + ": cannot create the queue: the directory " + directory + " does not exist");
        }

        final QueueGeometry geometry =
            new QueueGeometry(options.capacity(), options.maxMessageLength(), options.consumerSlots(),
                options.slowConsumerPolicy().evictionLag());
        final Path temporary = directory.resolve(
            "." + absolute.getFileName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".creating");
        boolean published = false;
        try
        {
            createOwnedFile(temporary, options);
            writeNewQueue(temporary, geometry);
            publish(temporary, absolute);
            published = true;
        }
        finally
        {
            removeTemporary(temporary, published);
        }
    }

    /**
     * Removes the temporary name. Once the queue is published under its real name, the temporary one is
     * a second link to it, and on Windows it cannot be removed while another process maps the queue: the
     * queue is created all the same, and the leftover name, which is not a queue name, may be deleted.
     */
    private static void removeTemporary(final Path temporary, final boolean published) throws IOException
    {
        try
        {
            Files.deleteIfExists(temporary);
        }
        catch (final IOException ex)
        {
            if (!published)
            {
                throw ex;
            }
        }
    }

    private static void createOwnedFile(final Path temporary, final QueueOptions options) throws IOException
    {
        if (temporary.getFileSystem().supportedFileAttributeViews().contains("posix"))
        {
            final FileAttribute<?> permissions = PosixFilePermissions.asFileAttribute(options.permissions());
            Files.createFile(temporary, permissions);
            // createFile applies the umask; set the exact permissions asked for.
            Files.setPosixFilePermissions(temporary, options.permissions());
        }
        else
        {
            Files.createFile(temporary);
        }
    }

    private static void writeNewQueue(final Path temporary, final QueueGeometry geometry) throws IOException
    {
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            FileAllocation.forThisPlatform().allocate(temporary, channel, geometry.fileLength());
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_LENGTH);
            try
            {
                final UnsafeBuffer header = new UnsafeBuffer(mapped);
                header.putInt(VERSION_OFFSET, FORMAT_VERSION);
                header.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
                header.putInt(CAPACITY_OFFSET, geometry.capacity());
                header.putInt(MAX_MESSAGE_LENGTH_OFFSET, geometry.maxMessageLength());
                header.putInt(CONSUMER_SLOTS_OFFSET, geometry.consumerSlots());
                header.putInt(SLOT_LENGTH_OFFSET, ConsumerSlotLayout.SLOT_LENGTH);
                header.putInt(RING_OFFSET_OFFSET, geometry.ringOffset());
                header.putLong(EVICTION_LAG_OFFSET, geometry.evictionLag());
                header.putLong(CREATION_ID_OFFSET, newCreationId());
                header.putInt(SPACE_REQUEST_OFFSET, NO_REQUEST);
                header.putLong(MAGIC_OFFSET, MAGIC);
                mapped.force();
            }
            finally
            {
                IoUtil.unmap(mapped);
            }
        }
    }

    /**
     * A random non-zero id from the platform's secure source: two files created at the same path, by
     * processes that share nothing, must not get the same one, which the clock or a pid cannot promise.
     */
    private static long newCreationId()
    {
        long id;
        do
        {
            id = CREATION_IDS.nextLong();
        }
        while (id == MessageQueue.NO_CREATION_ID);
        return id;
    }

    private static void publish(final Path temporary, final Path file) throws IOException
    {
        try
        {
            // link(2) fails if the name exists: no other process's queue is ever replaced.
            Files.createLink(file, temporary);
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw ex;
        }
        catch (final UnsupportedOperationException | FileSystemException ex)
        {
            // Without hard links there is no atomic "create if absent" for a whole file; renaming could
            // replace a queue another process has just created. Refuse rather than risk it.
            throw new IOException(file + ": cannot create a queue on a filesystem without hard links (" + ex +
                "); use a local filesystem such as ext4, xfs, btrfs, tmpfs or NTFS", ex);
        }
    }

    /**
     * Reads and checks the header of an open queue file without changing a byte of it.
     *
     * @param expected the options the caller expects, or {@code null} to accept the file's geometry.
     * @return the geometry stored in the file.
     * @throws QueueFormatException naming the file and the field, if the file is not a queue this code can open.
     */
    public static QueueGeometry validate(final Path file, final FileChannel channel, final QueueOptions expected)
        throws IOException
    {
        final long size = channel.size();
        final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        if (size >= HEADER_LENGTH)
        {
            while (header.hasRemaining())
            {
                if (channel.read(header, header.position()) < 0)
                {
                    throw new QueueFormatException(file, "the file ended while its header was read");
                }
            }
        }
        return validate(file, size, header, expected);
    }

    /**
     * Checks a header already read (from a mapping, say) against the file's size.
     *
     * @param header the first {@code HEADER_LENGTH} bytes of the file, little-endian, or fewer if the
     *               file is shorter.
     */
    public static QueueGeometry validate(
        final Path file, final long size, final ByteBuffer header, final QueueOptions expected)
    {
        requireLittleEndianPlatform(file);
        if (size < HEADER_LENGTH)
        {
            throw new QueueFormatException(file, "not an mmq queue: the file is " + size +
                " bytes, shorter than the " + HEADER_LENGTH + "-byte header (empty or truncated)");
        }

        final long magic = header.getLong(MAGIC_OFFSET);
        if (magic != MAGIC)
        {
            throw new QueueFormatException(file, String.format(
                "not an mmq queue: magic is 0x%016x, expected 0x%016x (\"MMQUEUE\\0\")", magic, MAGIC));
        }
        final int version = header.getInt(VERSION_OFFSET);
        if (version < OLDEST_READABLE_VERSION || version > FORMAT_VERSION)
        {
            throw new QueueFormatException(file, "format version is " + version + ", this mmq reads versions " +
                OLDEST_READABLE_VERSION + " to " + FORMAT_VERSION +
                (version > FORMAT_VERSION ? " (the file was made by a newer mmq)" : ""));
        }
        requireField(file, "header length", header.getInt(HEADER_LENGTH_OFFSET), HEADER_LENGTH);
        requireField(file, "slot length", header.getInt(SLOT_LENGTH_OFFSET), ConsumerSlotLayout.SLOT_LENGTH);

        final int capacity = header.getInt(CAPACITY_OFFSET);
        if (capacity < QueueOptions.MIN_CAPACITY || capacity > QueueOptions.MAX_CAPACITY ||
            Integer.bitCount(capacity) != 1)
        {
            throw new QueueFormatException(file, "ring capacity is " + capacity + ", not a power of two from " +
                QueueOptions.MIN_CAPACITY + " to " + QueueOptions.MAX_CAPACITY);
        }
        final int maxMessageLength = header.getInt(MAX_MESSAGE_LENGTH_OFFSET);
        if (maxMessageLength < 0 || maxMessageLength > QueueOptions.maxMessageLengthLimit(capacity))
        {
            throw new QueueFormatException(file, "max message length is " + maxMessageLength +
                ", outside 0 to " + QueueOptions.maxMessageLengthLimit(capacity) + " for a capacity of " + capacity);
        }
        final int consumerSlots = header.getInt(CONSUMER_SLOTS_OFFSET);
        if (consumerSlots < 1 || consumerSlots > QueueOptions.MAX_CONSUMER_SLOTS)
        {
            throw new QueueFormatException(file, "consumer slots is " + consumerSlots +
                ", outside 1 to " + QueueOptions.MAX_CONSUMER_SLOTS);
        }
        final long evictionLag = header.getLong(EVICTION_LAG_OFFSET);
        // What a largest frame takes in the ring, padded to 8 bytes: the least lag a reader of one may have.
        final int largestFrame = FrameLayout.alignedLength(FrameLayout.maxFrameLength(maxMessageLength));
        if (evictionLag != 0 && (evictionLag < largestFrame || evictionLag > capacity))
        {
            throw new QueueFormatException(file, "eviction lag is " + evictionLag + ", neither 0 nor from one largest frame (" +
                largestFrame + ") to the capacity (" + capacity + ")");
        }
        final QueueGeometry geometry = new QueueGeometry(capacity, maxMessageLength, consumerSlots, evictionLag);
        requireField(file, "ring offset", header.getInt(RING_OFFSET_OFFSET), geometry.ringOffset());
        if (version >= CREATION_ID_VERSION && header.getLong(CREATION_ID_OFFSET) == MessageQueue.NO_CREATION_ID)
        {
            throw new QueueFormatException(file, "creation id is 0; a version-" + version +
                " file has a non-zero one (the header is damaged)");
        }

        if (size != geometry.fileLength())
        {
            throw new QueueFormatException(file, "the file is " + size + " bytes but its header describes " +
                geometry.fileLength() + " bytes (" + (size < geometry.fileLength() ? "truncated" : "extended") + ")");
        }

        if (null != expected)
        {
            requireSame(file, "ring capacity", capacity, expected.capacity());
            requireSame(file, "max message length", maxMessageLength, expected.maxMessageLength());
            requireSame(file, "consumer slots", consumerSlots, expected.consumerSlots());
            requireSame(file, "eviction lag", evictionLag, expected.slowConsumerPolicy().evictionLag());
        }
        return geometry;
    }

    private static void requireField(final Path file, final String field, final int actual, final int expected)
    {
        if (actual != expected)
        {
            throw new QueueFormatException(file, field + " is " + actual + ", expected " + expected);
        }
    }

    private static void requireSame(final Path file, final String field, final long inFile, final long asked)
    {
        if (inFile != asked)
        {
            throw new QueueFormatException(file, field + " in the file is " + inFile + " but " + asked +
                " was asked for; open it with the file's geometry or delete it first");
        }
    }

    private static void requireLittleEndianPlatform(final Path file)
    {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN)
        {
            throw new MmqException(file + ": mmq queue files are little-endian and this platform is " +
                ByteOrder.nativeOrder() + "; mmq runs on little-endian platforms only");
        }
    }
}
