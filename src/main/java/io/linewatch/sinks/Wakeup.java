package io.linewatch.sinks;

import java.util.function.BooleanSupplier;

/**
 * Where a delivery thread (of the {@link MqttPublisher} or the {@link SparkplugNode}) waits, and what
 * wakes it: Paho's callback thread when a publish is answered, {@code stop()} when shutting down.
 * The waits run on the owner's delivery thread only; {@link #wake()} from any thread.
 */
final class Wakeup {

    private final Object monitor = new Object();

    /** Wakes the delivery thread from whichever wait it is in. */
    void wake() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /** Waits up to {@code millis}, or until woken. */
    void await(long millis) throws InterruptedException {
        synchronized (monitor) {
            monitor.wait(millis);
        }
    }

    /** Waits the whole {@code millis} (wakes only look again) unless {@code running} turns false first. */
    void sleep(long millis, BooleanSupplier running) throws InterruptedException {
        synchronized (monitor) {
            long deadline = System.currentTimeMillis() + millis;
            while (running.getAsBoolean() && System.currentTimeMillis() < deadline) {
                monitor.wait(Math.max(1, deadline - System.currentTimeMillis()));
            }
        }
    }
}
