package io.linewatch.capture;

import io.linewatch.daemon.Pipeline;

/**
 * A deliberate violation of the layers, for {@code ArchitectureTest} only: a capture class that
 * reaches up into the assembly. Test code; the rules check main code.
 */
public final class LayerViolationFixture {

    private LayerViolationFixture() {
    }

    /** Uses the assembly from a stage package. */
    public static String assembly() {
        return Pipeline.class.getSimpleName();
    }
}
