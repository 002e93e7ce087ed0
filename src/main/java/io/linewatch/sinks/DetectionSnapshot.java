package io.linewatch.sinks;

import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.Detections;
import io.linewatch.pipeline.FrameEvent;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.List;
import java.util.Locale;

/**
 * The picture of a detection alarm: the frame, every detection in a thin box labelled with its class,
 * track id and score, the box that raised the alarm thick and labelled, and a header with camera, rule and time. Reuses its image while the
 * frame size stays.
 */
public final class DetectionSnapshot implements SnapshotRenderer {

    private static final Color[] CLASS_COLOURS = {
        new Color(0, 200, 0), new Color(255, 60, 60), new Color(60, 160, 255), new Color(255, 200, 0)};

    private final List<String> classNames;
    private BufferedImage image;

    public DetectionSnapshot(List<String> classNames) {
        this.classNames = classNames;
    }

    /** The reused image, holding the frame as BGR (copied, or converted from I420 planes). */
    private BufferedImage frameImage(FrameEvent frame) {
        if (image == null || image.getWidth() != frame.width || image.getHeight() != frame.height) {
            image = new BufferedImage(frame.width, frame.height, BufferedImage.TYPE_3BYTE_BGR);
        }
        byte[] raster = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        byte[] bgr = frame.bgr(raster); // an I420 frame is converted straight into the image
        if (bgr != raster) {
            System.arraycopy(bgr, 0, raster, 0, frame.width * frame.height * 3);
        }
        return image;
    }

    @Override
    public BufferedImage render(AlarmEvent alarm, FrameEvent frame) {
        Graphics2D g = frameImage(frame).createGraphics();
        try {
            drawDetections(g, frame.detections, frame.tracks.id);
            if (alarm == null) {
                Snapshots.liveHeader(g, frame);
            } else {
                drawAlarm(g, alarm, (AlarmEvent.DetectionDetail) alarm.detail());
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * The picture of a tracked object: the frame, every detection in a thin box, the object's box
     * thick, and a header with camera, object and time.
     */
    public BufferedImage renderObject(FrameEvent frame, String className, int track, float score, float[] box,
                                      String time) {
        Graphics2D g = frameImage(frame).createGraphics();
        try {
            drawDetections(g, frame.detections, frame.tracks.id);
            g.setColor(Snapshots.ALARM);
            g.setStroke(new BasicStroke(4f));
            g.drawRect(Math.round(box[0]) - 3, Math.round(box[1]) - 3, Math.round(box[2] - box[0]) + 6,
                    Math.round(box[3] - box[1]) + 6);
            Snapshots.header(g, frame.width, String.format(Locale.ROOT, "OBJECT %s #%d %.2f | %s frame %d | %s UTC",
                    className, track, score, frame.cameraId, frame.frameNumber, time));
        } finally {
            g.dispose();
        }
        return image;
    }

    private void drawDetections(Graphics2D g, Detections d, int[] trackIds) {
        g.setStroke(new BasicStroke(1.5f));
        for (int i = 0; i < d.count(); i++) {
            g.setColor(CLASS_COLOURS[d.classId[i] % CLASS_COLOURS.length]);
            g.drawRect(Math.round(d.x1[i]), Math.round(d.y1[i]),
                    Math.round(d.x2[i] - d.x1[i]), Math.round(d.y2[i] - d.y1[i]));
            int track = i < trackIds.length ? trackIds[i] : 0;
            String label = track > 0 ? String.format(Locale.ROOT, "%s #%d %.2f", name(d.classId[i]), track, d.score[i])
                    : String.format(Locale.ROOT, "%s %.2f", name(d.classId[i]), d.score[i]);
            Snapshots.label(g, label, Math.round(d.x1[i]), Math.round(d.y1[i]) - 3, 11);
        }
    }

    private static void drawAlarm(Graphics2D g, AlarmEvent a, AlarmEvent.DetectionDetail d) {
        float[] b = d.box();
        g.setColor(Snapshots.ALARM);
        g.setStroke(new BasicStroke(4f));
        g.drawRect(Math.round(b[0]) - 3, Math.round(b[1]) - 3, Math.round(b[2] - b[0]) + 6, Math.round(b[3] - b[1]) + 6);
        String object = d.trackId() > 0 ? d.className() + " #" + d.trackId() : d.className();
        Snapshots.header(g, a.frameWidth(), String.format(Locale.ROOT, "ALARM %s: %s %.2f | %s frame %d | %s UTC",
                a.rule(), object, d.score(), a.camera(), a.frameNumber(), Snapshots.TIME.format(a.time())));
    }

    private String name(int classId) {
        return classId < classNames.size() ? classNames.get(classId) : "class " + classId;
    }
}
