package io.mmq.mmap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.mmq.Consumer;
import io.mmq.ConsumerNameTakenException;
import io.mmq.ConsumerOptions;
import io.mmq.GroupOptions;
import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.SlowConsumerPolicy;
import io.mmq.StartPosition;
import io.mmq.mmap.layout.ConsumerSlotLayout;
import io.mmq.mmap.layout.HeaderLayout;
import io.mmq.mmap.ring.MappedGroupMember;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consumer groups share one stream among their members: each message goes to exactly one member, a
 * member's unfinished claim goes to another when it leaves, and the group holds the producer back like
 * one consumer. (Members in other processes, killed mid-stream, are in {@code process.ConsumerGroupProcessTest}.)
 */
class ConsumerGroupTest
{
    private static final int CAPACITY = 64 * 1024;
    private static final int MESSAGE = 500;

    private Path directory;
    private MappedQueue queue;
    private Producer producer;
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE]);
    private long sequence;

    @BeforeEach
    void createQueue() throws IOException
    {
        directory = TempQueues.directory();
        queue = MappedQueue.create(directory.resolve("group.mmq"),
            QueueOptions.defaults().withCapacity(CAPACITY).withMaxMessageLength(4096).withConsumerSlots(8));
        producer = queue.producer();
    }

    @AfterEach
    void deleteQueue() throws IOException
    {
        queue.close();
        TempQueues.delete(directory);
    }

    private int publish(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            message.putLong(0, sequence);
            if (producer.offer(message, 0, MESSAGE) < 0)
            {
                return i;
            }
            sequence++;
        }
        return count;
    }

    private static List<Long> poll(final Consumer consumer, final int limit)
    {
        final List<Long> got = new ArrayList<>();
        consumer.poll((buffer, offset, length) -> got.add(buffer.getLong(offset)), limit);
        return got;
    }

    @Test
    void membersShareTheStreamEachMessageGoingToExactlyOneOfThem()
    {
        final GroupOptions group = GroupOptions.member("workers").withBatch(4);
        final Consumer first = queue.groupMember(group);
        final Consumer second = queue.groupMember(group);
        final Consumer third = queue.groupMember(group);
        final List<Long> all = new ArrayList<>();
        final int[] perMember = new int[3];
        final Consumer[] members = {first, second, third};
        long published = 0;
        while (published < 3000)
        {
            published += publish(50);
            for (int m = 0; m < members.length; m++)
            {
                final List<Long> got = poll(members[m], 7);
                perMember[m] += got.size();
                all.addAll(got);
            }
        }
        int drained;
        do
        {
            drained = 0;
            for (final Consumer member : members)
            {
                final List<Long> got = poll(member, 100);
                drained += got.size();
                all.addAll(got);
            }
        }
        while (drained > 0);

        assertEquals(published, all.size(), "every message handled once");
        assertEquals(published, new TreeSet<>(all).size(), "no message handled twice");
        for (final int count : perMember)
        {
            assertTrue(count > 0, "every member got a share: " + java.util.Arrays.toString(perMember));
        }
    }

    @Test
    void aMemberHandlesItsClaimInOrderABatchAtATime()
    {
        final Consumer member = queue.groupMember(GroupOptions.member("ordered").withBatch(5));
        publish(12);
        assertEquals(List.of(0L, 1L, 2L), poll(member, 3));
        final Consumer other = queue.groupMember(GroupOptions.member("ordered").withBatch(5));
        assertEquals(List.of(5L, 6L, 7L, 8L, 9L), poll(other, 5), "the first member's batch is its own");
        assertEquals(List.of(3L, 4L, 10L, 11L), poll(member, 10));
    }

    @Test
    void aNewGroupStartsAtLatestOrEarliest()
    {
        publish(3);
        final Consumer latest = queue.groupMember(GroupOptions.member("late"));
        final Consumer earliest = queue.groupMember(GroupOptions.member("early").startingAt(StartPosition.EARLIEST));
        publish(2);
        assertEquals(List.of(3L, 4L), poll(latest, 10));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), poll(earliest, 10));
    }

    @Test
    void aClosedMembersUnfinishedClaimIsFinishedByAnotherFromTheNextMessage()
    {
        final GroupOptions group = GroupOptions.member("handover").withBatch(10);
        final Consumer leaving = queue.groupMember(group);
        final Consumer staying = queue.groupMember(group);
        publish(30);
        assertEquals(List.of(0L, 1L, 2L), poll(leaving, 3));
        assertEquals(List.of(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L), poll(staying, 10));
        leaving.close();
        assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L), poll(staying, 7), "the orphaned claim, first");
        assertEquals(List.of(20L, 21L), poll(staying, 2));
    }

    @Test
    void theGroupHoldsTheProducerBackEvenWithNoMemberAndLosesNothing()
    {
        final Consumer member = queue.groupMember(GroupOptions.member("durable").withBatch(8));
        publish(3);
        assertEquals(List.of(0L), poll(member, 1));
        member.close(); // leaves 1 and 2 claimed and unfinished
        final int fits = publish(10_000);
        assertTrue(fits < 10_000, "the absent group held the producer back");
        final Consumer back = queue.groupMember(GroupOptions.member("durable").withBatch(8));
        final List<Long> all = new ArrayList<>();
        List<Long> got;
        while (!(got = poll(back, 1000)).isEmpty())
        {
            all.addAll(got);
        }
        assertEquals(sequence - 1, all.size());
        for (int i = 0; i < all.size(); i++)
        {
            assertEquals(i + 1, all.get(i), "everything after the handled message, in order");
        }
        assertTrue(publish(10) == 10, "room again once handled");
    }

    @Test
    void aGroupIsDeletedOnlyWithoutLiveMembersAndThenFreesTheProducer()
    {
        final Consumer member = queue.groupMember(GroupOptions.member("doomed"));
        assertTrue(assertThrows(ConsumerNameTakenException.class, () -> queue.deleteConsumer("doomed")).getMessage()
            .contains("the consumer group 'doomed' has a live member (pid "));
        member.close();
        while (publish(1) == 1 && sequence < 10_000)
        {
            // fill until the absent group holds the producer back
        }
        assertTrue(sequence < 10_000);
        queue.deleteConsumer("doomed");
        assertEquals(10, publish(10), "nothing holds the producer any more");
        assertEquals(0, queue.counters().heldSlots(), "the group's slots are free");
    }

    @Test
    void groupAndNamedConsumerNamesDoNotMix()
    {
        queue.consumer(ConsumerOptions.named("alice")).close();
        assertThrows(MmqException.class, () -> queue.groupMember(GroupOptions.member("alice")));
        queue.groupMember(GroupOptions.member("bob"));
        assertThrows(MmqException.class, () -> queue.consumer(ConsumerOptions.named("bob")));
    }

    @Test
    void aQueueThatEvictsRefusesGroups() throws IOException
    {
        try (MappedQueue evicting = MappedQueue.create(directory.resolve("evicting.mmq"),
            QueueOptions.defaults().withCapacity(CAPACITY).withSlowConsumerPolicy(SlowConsumerPolicy.evictAfterLag(CAPACITY / 2))))
        {
            final MmqException refused = assertThrows(MmqException.class, () -> evicting.groupMember(GroupOptions.member("g")));
            assertTrue(refused.getMessage().contains("evicting.mmq"), refused.getMessage());
        }
    }

    @Test
    void anOrphanWhoseClaimIsEmptyIsFreedAndWorkGoesOn() throws Exception
    {
        // A member that dies right after announcing a claim leaves an empty one: Position = Claim End.
        final Path other = directory.resolve("empty-orphan.mmq");
        final int groupSlot;
        try (MappedQueue setUp = MappedQueue.create(other, QueueOptions.defaults().withCapacity(CAPACITY).withConsumerSlots(4)))
        {
            final Consumer first = setUp.groupMember(GroupOptions.member("g"));
            groupSlot = ((MappedGroupMember)first).groupSlot();
            first.close();
        }
        final int orphan = groupSlot == 3 ? 2 : 3;
        final java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(other))
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        final int offset = HeaderLayout.HEADER_LENGTH + orphan * ConsumerSlotLayout.SLOT_LENGTH;
        final long cursor = bytes.getLong(HeaderLayout.HEADER_LENGTH + groupSlot * ConsumerSlotLayout.SLOT_LENGTH +
            ConsumerSlotLayout.CURSOR_OFFSET);
        bytes.putInt(offset + ConsumerSlotLayout.GROUP_SLOT_OFFSET, groupSlot);
        bytes.putLong(offset + ConsumerSlotLayout.POSITION_OFFSET, cursor);
        bytes.putLong(offset + ConsumerSlotLayout.CLAIM_END_OFFSET, cursor);
        bytes.putInt(offset + ConsumerSlotLayout.STATE_OFFSET, ConsumerSlotLayout.ORPHANED);
        bytes.putInt(HeaderLayout.HEADER_LENGTH + groupSlot * ConsumerSlotLayout.SLOT_LENGTH + ConsumerSlotLayout.ORPHANS_OFFSET, 1);
        java.nio.file.Files.write(other, bytes.array());

        try (MappedQueue reopened = MappedQueue.open(other); Producer publisher = reopened.producer())
        {
            final Consumer member = reopened.groupMember(GroupOptions.member("g"));
            message.putLong(0, 42);
            publisher.offer(message, 0, 8);
            assertEquals(List.of(42L), poll(member, 10), "the empty orphan is freed, and work goes on");
            assertEquals("FREE", reopened.counters().consumerState(orphan));
            assertEquals(0, reopened.counters().groupOrphans(groupSlot));
        }
    }

    @Test
    void aMemberClosedByItsOwnHandlerStopsThereAndLeavesTheRestToAnother()
    {
        final GroupOptions group = GroupOptions.member("self-closing").withBatch(10);
        final Consumer closing = queue.groupMember(group);
        publish(10);
        final List<Long> got = new ArrayList<>();
        assertEquals(3, closing.poll((buffer, offset, length) ->
        {
            got.add(buffer.getLong(offset));
            if (got.size() == 3)
            {
                closing.close();
            }
        }, 10));
        assertEquals(List.of(0L, 1L, 2L), got);
        final Consumer other = queue.groupMember(group);
        assertEquals(List.of(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), poll(other, 100),
            "the rest of the claim, from the message being handled when it closed");
        assertEquals(2, queue.counters().heldSlots(), "the group and the other member; the closed one's slot is free");
    }

    @Test
    void anOrphanThatWasNeverCountedIsStillFound() throws Exception
    {
        // A reaper that died between its two stores could leave an ORPHANED slot with Orphans = 0.
        final Path other = directory.resolve("uncounted-orphan.mmq");
        final int groupSlot;
        try (MappedQueue setUp = MappedQueue.create(other, QueueOptions.defaults().withCapacity(CAPACITY).withConsumerSlots(4));
             Producer publisher = setUp.producer())
        {
            final Consumer leaving = setUp.groupMember(GroupOptions.member("g").withBatch(6));
            groupSlot = ((MappedGroupMember)leaving).groupSlot();
            for (long seq = 0; seq < 6; seq++)
            {
                message.putLong(0, seq);
                publisher.offer(message, 0, 8);
            }
            assertEquals(List.of(0L, 1L), poll(leaving, 2));
            leaving.close();
            assertEquals(1, setUp.counters().groupOrphans(groupSlot));
        }
        final java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(other))
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(HeaderLayout.HEADER_LENGTH + groupSlot * ConsumerSlotLayout.SLOT_LENGTH + ConsumerSlotLayout.ORPHANS_OFFSET, 0);
        java.nio.file.Files.write(other, bytes.array());

        try (MappedQueue reopened = MappedQueue.open(other))
        {
            final Consumer member = reopened.groupMember(GroupOptions.member("g"));
            assertEquals(List.of(2L, 3L, 4L, 5L), poll(member, 100), "the uncounted orphan's messages");
        }
    }

    @Test
    void newFilesAreAtLeastFormatVersionFive()
    {
        assertTrue(queue.counters().formatVersion() >= 5, "format " + queue.counters().formatVersion());
    }
}
