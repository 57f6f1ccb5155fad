package io.mmq.bridge.aeron;

import java.nio.file.Path;

/**
 * Launches a UDP media driver in the directory given, says {@code RUNNING}, and waits to be killed: a bridge
 * process killed with its driver's directory left behind.
 */
public final class LiveDriverProcess
{
    public static void main(final String[] args) throws Exception
    {
        EmbeddedMediaDriver.launchForUdp(Path.of(args[0]));
        System.out.println("RUNNING");
        Thread.sleep(Long.MAX_VALUE);
    }
}
