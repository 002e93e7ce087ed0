package io.linewatch.opcua;

import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.sinks.Acknowledgements;
import io.linewatch.sinks.AlarmSinkHandler;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries accepted alarm events from the lanes' sink threads, and accepted acknowledgements from
 * the console's and OPC UA's threads, to the OPC UA conditions: {@link #onAlarm} and {@link
 * #onAcknowledged} only offer them to one bounded queue (never block); the feed's own thread
 * applies them to the {@link SiteModel} in order. When the queue is full (the server
 * stalled) an event is counted and dropped from OPC UA only: it was already published and logged.
 */
final class AlarmFeed implements AlarmSinkHandler.AlarmListener, AutoCloseable {

    static final String NAME = "opcua-alarms";
    private static final Logger LOG = LoggerFactory.getLogger(AlarmFeed.class);
    private static final int CAPACITY = 4096;

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final SiteModel model;
    private final Thread thread;
    final AtomicLong dropped = new AtomicLong();
    private volatile boolean running = true;

    AlarmFeed(SiteModel model) {
        this.model = model;
        this.thread = new Thread(this::run, NAME);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void onAlarm(AlarmEvent event, String json) {
        if (!queue.offer(event) && dropped.getAndIncrement() == 0) {
            LOG.warn("OPC UA: alarm queue full, {} {} of camera {} not shown as a condition change (it was published)",
                    event.rule(), event.type(), event.camera());
        }
    }

    /** An acknowledgement accepted anywhere: the condition it is of turns acknowledged, in order with the events. */
    void onAcknowledged(Acknowledgements.Acknowledged ack) {
        if (!queue.offer(ack) && dropped.getAndIncrement() == 0) {
            LOG.warn("OPC UA: alarm queue full, acknowledgement of {} on camera {} not shown (it was published)",
                    ack.rule(), ack.camera());
        }
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            try {
                Object next = queue.poll(100, TimeUnit.MILLISECONDS);
                if (next instanceof AlarmEvent event) {
                    model.apply(event);
                } else if (next instanceof Acknowledgements.Acknowledged ack) {
                    model.acknowledged(ack);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("OPC UA: alarm event not applied: {}", e.toString());
            }
        }
    }

    /** Applies what is queued, then stops. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(2_000);
    }
}
