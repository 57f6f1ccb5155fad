package io.mmq.examples.bench.contenders;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import io.mmq.examples.bench.harness.Contender;

/**
 * Every contender {@code mmq bench} knows: the built-in ones, then any found by {@link ServiceLoader}.
 */
public final class Contenders
{
    private Contenders()
    {
    }

    /**
     * @return the contenders by name, built-in first: mmq, agrona, aeron, uds, tcp.
     */
    public static Map<String, Contender> all()
    {
        final Map<String, Contender> all = new LinkedHashMap<>();
        final List<Contender> found = new ArrayList<>(List.of(
            new MmqContender(), new AgronaRingContender(), new AeronIpcContender(), new UnixSocketContender(),
            new TcpLoopbackContender()));
        ServiceLoader.load(Contender.class).forEach(found::add);
        for (final Contender contender : found)
        {
            all.putIfAbsent(contender.name(), contender);
        }
        return all;
    }

    /**
     * @throws IllegalArgumentException naming the known contenders if none is called {@code name}.
     */
    public static Contender named(final String name)
    {
        final Map<String, Contender> all = all();
        final Contender contender = all.get(name);
        if (null == contender)
        {
            throw new IllegalArgumentException("unknown contender '" + name + "'; known: " +
                String.join(", ", all.keySet()));
        }
        return contender;
    }
}
