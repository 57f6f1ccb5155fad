package io.mmq.examples.bench.harness;

import java.nio.file.Path;

/**
 * What the processes of one run share: a directory of their own (for queue files, ring files, socket
 * paths), how many consumers read, the largest message, and the ring size for ring-based contenders.
 *
 * @param directory     a fresh directory for this run only; removed afterwards.
 * @param consumers     how many {@link Role#CONSUMER} (or {@link Role#PONG}) processes read.
 * @param messageLength the size of every message in the run, in bytes.
 * @param ringCapacity  ring size in bytes for contenders that have a ring.
 */
public record Channel(Path directory, int consumers, int messageLength, int ringCapacity)
{
}
