package io.mmq.examples.container;

import com.github.dockerjava.api.exception.NotFoundException;
import io.mmq.examples.Requirement;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs a test class only where its containers can run: a Docker engine answers and the test image is
 * there. On a developer's machine without them the tests are skipped, with the reason. Where Docker is
 * required (CI=true, as CI runs, or MMQ_REQUIRE_DOCKER=true) they fail instead: a broken engine must never
 * pass as a green build of skipped tests.
 */
public final class DockerRequirement implements ExecutionCondition
{
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(final ExtensionContext context)
    {
        final String missing = missing(QueueContainer.image());
        if (null == missing)
        {
            return ConditionEvaluationResult.enabled("Docker and " + QueueContainer.image() + " are here");
        }
        if (required())
        {
            throw new AssertionError(missing + ". Docker is required here (CI=" + System.getenv("CI") +
                ", MMQ_REQUIRE_DOCKER=" + System.getenv("MMQ_REQUIRE_DOCKER") + "): .ci/run starts an engine and builds " +
                "the image before mvn verify");
        }
        final String skipped = missing + ": the container tests are skipped (MMQ_REQUIRE_DOCKER=true fails them instead)";
        System.err.println(skipped); // in the build's log, not only in the report
        return ConditionEvaluationResult.disabled(skipped);
    }

    private static boolean required()
    {
        return Requirement.isCi() || "true".equalsIgnoreCase(System.getenv("MMQ_REQUIRE_DOCKER"));
    }

    /**
     * @return what is missing, or null if nothing is.
     */
    private static String missing(final String image)
    {
        if (!DockerClientFactory.instance().isDockerAvailable())
        {
            return "No Docker engine answers (start one: dockerd, as root)";
        }
        try
        {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            return null;
        }
        catch (final NotFoundException ex)
        {
            return "The test image " + image + " is missing (build it: queue-examples/src/test/container/build-image.sh)";
        }
    }
}
