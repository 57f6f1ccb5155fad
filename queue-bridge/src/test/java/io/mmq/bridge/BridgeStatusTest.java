package io.mmq.bridge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bridge's status file says what the bridge last did, and whether its process still lives.
 */
class BridgeStatusTest
{
    @TempDir
    Path directory;

    @Test
    void aRunningBridgeIsListedWithItsCountersAndStaysListedStoppedWhenItEnds()
    {
        final Path queue = directory.resolve("orders.mmq");
        final BridgeStatus status = BridgeStatus.start(queue, "bridge:orders", "out", queue.toString(),
            "kafka://127.0.0.1:9092/orders");
        status.update("forwarded=10 inflight=2");

        List<BridgeStatus.Snapshot> bridges = BridgeStatus.readAll(queue);
        assertEquals(1, bridges.size());
        final BridgeStatus.Snapshot running = bridges.get(0);
        assertNull(running.problem());
        assertEquals("bridge:orders", running.name());
        assertEquals("out", running.direction());
        assertEquals("kafka://127.0.0.1:9092/orders", running.to());
        assertEquals("forwarded=10 inflight=2", running.counters());
        assertEquals(ProcessHandle.current().pid(), running.pid());
        assertEquals(BridgeStatus.RUNNING, running.liveState());

        status.stop("forwarded=12 inflight=0");
        bridges = BridgeStatus.readAll(queue);
        assertEquals(BridgeStatus.STOPPED, bridges.get(0).liveState());
        assertEquals("forwarded=12 inflight=0", bridges.get(0).counters());
    }

    @Test
    void aBridgeWhoseProcessDiedWithoutStoppingIsDead() throws Exception
    {
        final Path queue = directory.resolve("orders.mmq");
        final Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.createDirectories(BridgeStatus.directoryOf(queue));
        Files.writeString(BridgeStatus.directoryOf(queue).resolve("in.status"),
            "pid=" + gone.pid() + "\nprocess-start=1\ndirection=in\nfrom=kafka://h:1/t\nto=q\nstate=running\n" +
            "updated=1\ncounters=applied=5\n");

        final BridgeStatus.Snapshot dead = BridgeStatus.readAll(queue).get(0);
        assertEquals("dead", dead.liveState(), "its process is gone: " + dead);
        assertEquals("applied=5", dead.counters());
    }

    @Test
    void aQueueWithoutBridgesHasNoneAndADamagedFileIsListedWithItsProblem() throws Exception
    {
        final Path queue = directory.resolve("orders.mmq");
        assertEquals(List.of(), BridgeStatus.readAll(queue));

        Files.createDirectories(BridgeStatus.directoryOf(queue));
        Files.writeString(BridgeStatus.directoryOf(queue).resolve("broken.status"), "pid=twelve\n");
        final BridgeStatus.Snapshot broken = BridgeStatus.readAll(queue).get(0);
        assertEquals("broken", broken.name());
        assertTrue(null != broken.problem() && broken.problem().contains("broken.status: unreadable"), broken.problem());
    }

    @Test
    void aNameThatIsNoFileNameIsMadeOne()
    {
        final Path queue = directory.resolve("orders.mmq");
        BridgeStatus.start(queue, "../../etc/x y", "out", "a", "b");
        assertTrue(Files.exists(BridgeStatus.directoryOf(queue).resolve(".._.._etc_x_y.status")));
    }
}
