package io.mmq.examples.bench.harness;

/**
 * A transport measured by {@code mmq bench}: mmq itself, or something to compare it with. A contender
 * is a small class: the harness creates the run's {@link Channel}, calls {@link #prepare} in its own
 * JVM, then starts every role in a JVM of its own, where {@link #open} gives the role its
 * {@link Endpoint}, and calls {@link #finish} in its own JVM once the roles have ended. The roles, the
 * timing and the checks are the harness's, the same for every contender.
 *
 * <p>Built-in contenders are listed in {@link io.mmq.examples.bench.contenders.Contenders}; others
 * register through {@link java.util.ServiceLoader}, in a
 * {@code META-INF/services/io.mmq.examples.bench.harness.Contender} file, and must be on the classpath
 * of {@code mmq.jar}'s JVM, since the role processes are started from the same classpath.
 */
public interface Contender
{
    /**
     * @return the short name used on the command line and in the tables, such as {@code mmq}.
     */
    String name();

    /**
     * @return how many consumers a one-way run can have: 1 for a point-to-point transport.
     */
    int maxConsumers();

    /**
     * @return whether {@link #open} supports this way of waiting.
     */
    boolean supports(IdleMode idle);

    /**
     * Creates what the roles share (files in {@link Channel#directory()}), in the harness's JVM, before
     * any role starts.
     */
    default void prepare(final Channel channel) throws Exception
    {
    }

    /**
     * Stops what {@link #prepare} started (a media driver, say), in the harness's JVM, once every role
     * of the run has ended or been killed; called even when the run failed. The harness removes
     * {@link Channel#directory()} itself afterwards.
     */
    default void finish(final Channel channel) throws Exception
    {
    }

    /**
     * Opens a role's end in the role's own JVM. The passive roles ({@link Role#PONG},
     * {@link Role#CONSUMER}) are opened first and must call {@code ready} once the active role may start
     * (a queue joined, a socket bound), even if {@code open} itself goes on to wait for the peer.
     *
     * @param index which consumer, from 0, for {@link Role#CONSUMER}; 0 otherwise.
     */
    Endpoint open(Channel channel, Role role, int index, IdleMode idle, Runnable ready) throws Exception;
}
