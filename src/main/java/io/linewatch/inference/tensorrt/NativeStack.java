package io.linewatch.inference.tensorrt;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * Native objects of one owner, released in reverse order of creation (an execution context before
 * its engine, the engine before its runtime). Null results of native calls become clear errors.
 */
final class NativeStack implements AutoCloseable {

    private final Deque<AutoCloseable> owned = new ArrayDeque<>();

    /** Takes {@code resource} (non-null, else an error saying {@code whatFailed}) and returns it. */
    <T extends AutoCloseable> T push(T resource, String whatFailed) {
        owned.push(Objects.requireNonNull(resource, whatFailed));
        return resource;
    }

    @Override
    public void close() {
        while (!owned.isEmpty()) {
            try {
                owned.pop().close();
            } catch (Exception e) {
                // releasing the rest matters more than the first failure
            }
        }
    }
}
