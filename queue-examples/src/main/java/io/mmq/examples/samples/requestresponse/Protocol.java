package io.mmq.examples.samples.requestresponse;

import java.nio.file.Path;

import io.mmq.QueueOptions;
import io.mmq.mmap.MappedQueue;

/**
 * The two queues and two messages the client and the server agree on. Requests travel on queue
 * {@code requests} (the client produces, the server consumes), responses on queue {@code responses}
 * (the other way round): an mmq queue has one producer, so a conversation needs one queue each way.
 *
 * <pre>
 * request,  16 bytes:   0: int64 correlation id, chosen by the client
 *                       8: int64 a number to square
 * response, 16 bytes:   0: int64 the correlation id of the request it answers
 *                       8: int64 the square
 * an empty request:     goodbye, the client has no more
 * </pre>
 *
 * Fields are in the machine's byte order (little-endian on every platform mmq runs on), which is what
 * Agrona's buffers use.
 */
final class Protocol
{
    static final int CORRELATION_ID_OFFSET = 0;
    static final int NUMBER_OFFSET = 8;
    static final int MESSAGE_LENGTH = 16;

    /**
     * Small rings suffice: at most one request is in flight. Both sides create the queues if they are
     * not there yet; the one that comes second opens what the first created.
     */
    private static final QueueOptions OPTIONS = QueueOptions.defaults().withCapacity(64 * 1024).withConsumerSlots(4);

    private Protocol()
    {
    }

    static MappedQueue requests(final Path directory)
    {
        return MappedQueue.openOrCreate(directory.resolve("requests.mmq"), OPTIONS);
    }

    static MappedQueue responses(final Path directory)
    {
        return MappedQueue.openOrCreate(directory.resolve("responses.mmq"), OPTIONS);
    }
}
