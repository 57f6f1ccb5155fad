package io.mmq.bridge.aeron;

import java.nio.file.Path;

import io.aeron.driver.ThreadingMode;

/**
 * Launches a UDP media driver in the directory given (arguments: DIRECTORY [SHARED|INVOKER], SHARED by
 * default), says {@code RUNNING}, and runs until killed: a bridge process, killed with its driver's directory
 * left behind. An invoked driver is run by the main thread, a millisecond apart, as a bridge runs its own.
 */
public final class LiveDriverProcess
{
    public static void main(final String[] args) throws Exception
    {
        final ThreadingMode threading = args.length > 1 ? ThreadingMode.valueOf(args[1]) : ThreadingMode.SHARED;
        final EmbeddedMediaDriver driver = EmbeddedMediaDriver.launchForUdp(Path.of(args[0]), threading);
        System.out.println("RUNNING");
        while (true)
        {
            if (null != driver.invoker())
            {
                driver.invoker().invoke();
            }
            Thread.sleep(1);
        }
    }
}
