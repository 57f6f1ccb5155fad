package io.mmq.examples.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The demo busy-spins only where every process can have a core, and says what each mode measures.
 */
class DemoIdleTest
{
    @Test
    void busySpinNeedsACorePerProcessAndOneToSpare()
    {
        assertEquals(DemoIdle.BUSY_SPIN, DemoIdle.forMachine(4, 5));
        assertEquals(DemoIdle.BLOCKING, DemoIdle.forMachine(4, 4));
        assertEquals(DemoIdle.BLOCKING, DemoIdle.forMachine(2, 2), "a producer and one consumer on two cores");
    }

    @Test
    void modesAreNamedAsOnTheCommandLineInEitherCase()
    {
        assertEquals(DemoIdle.BUSY_SPIN, DemoIdle.named("busy-spin"));
        assertEquals(DemoIdle.BLOCKING, DemoIdle.named("BLOCKING"));
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> DemoIdle.named("yield"));
        assertEquals("--idle must be auto, busy-spin or blocking: yield", error.getMessage());
    }

    @Test
    void theBannerSaysWhenTheMachineIsTooSmallToBusySpin()
    {
        assertTrue(DemoIdle.BLOCKING.explain(4, 2).contains("2 cores for 4 processes"));
        assertFalse(DemoIdle.BLOCKING.explain(4, 8).contains("cores for"));
        assertTrue(DemoIdle.BUSY_SPIN.explain(4, 2).contains("scheduler's time slices"));
    }
}
