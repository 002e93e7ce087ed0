package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JPEG encoder's pictures are JPEGs that ImageIO and ffprobe read back at their size, with the
 * drawn colours where they were drawn; it follows a change of size (odd sizes too); and once warm it
 * allocates next to nothing on the heap per picture, where ImageIO's writer allocates about the
 * picture's size.
 */
class JpegEncoderTest {

    @TempDir
    Path dir;

    @Test
    void picturesReadBackAtTheirSizeWithTheirColoursAndFfprobeSeesJpegs() throws Exception {
        try (JpegEncoder encoder = new JpegEncoder()) {
            for (int[] size : new int[][] {{640, 360}, {333, 221}, {640, 360}}) {
                BufferedImage drawn = picture(size[0], size[1]);
                int length = encoder.encode(drawn);
                assertThat(length).isEqualTo(encoder.size()).isGreaterThan(1000);
                BufferedImage back = ImageIO.read(new ByteArrayInputStream(encoder.bytes(), 0, length));
                assertThat(back.getWidth()).isEqualTo(size[0]);
                assertThat(back.getHeight()).isEqualTo(size[1]);
                ByteArrayOutputStream reference = new ByteArrayOutputStream();
                ImageIO.write(drawn, "jpg", reference);
                double imageIoError = meanAbsDifference(drawn, ImageIO.read(new ByteArrayInputStream(reference.toByteArray())));
                double error = meanAbsDifference(drawn, back);
                System.out.printf("%dx%d: %d bytes, mean abs error %.2f (ImageIO: %d bytes, %.2f)%n", size[0], size[1],
                        length, error, reference.size(), imageIoError);
                assertThat(error).as("mean abs difference per channel, %dx%d, against ImageIO's %.2f", size[0], size[1],
                        imageIoError).isLessThan(imageIoError * 1.25 + 0.5);
                assertNear(back.getRGB(size[0] / 4, size[1] / 4), Color.RED);
                assertNear(back.getRGB(size[0] * 3 / 4, size[1] * 3 / 4), new Color(40, 40, 200));

                Path file = dir.resolve(size[0] + "x" + size[1] + ".jpg");
                try (var out = Files.newOutputStream(file)) {
                    encoder.writeTo(out);
                }
                assertThat(ffprobe(file)).isEqualTo("mjpeg," + size[0] + "," + size[1]);
            }
        }
    }

    @Test
    void aWarmEncoderAllocatesAFewHundredBytesAPictureWhereImageIoAllocatesThePicturesSize() throws Exception {
        BufferedImage drawn = picture(640, 360);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int pictures = 50;
        long perPicture;
        try (JpegEncoder encoder = new JpegEncoder()) {
            encoder.encode(drawn);
            encoder.encode(drawn);
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < pictures; i++) {
                encoder.encode(drawn);
            }
            perPicture = (threads.getThreadAllocatedBytes(thread) - before) / pictures;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        ImageIO.write(drawn, "jpg", out);
        out.reset();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < pictures; i++) {
            out.reset();
            ImageIO.write(drawn, "jpg", out);
        }
        long imageIoPerPicture = (threads.getThreadAllocatedBytes(thread) - before) / pictures;
        System.out.println("640x360 JPEG: " + perPicture + " bytes allocated per picture (ImageIO: "
                + imageIoPerPicture + ")");
        assertThat(imageIoPerPicture).as("ImageIO, the writer this encoder replaces").isGreaterThan(100_000);
        assertThat(perPicture).as("bytes allocated per picture by a warm encoder").isLessThan(1024);
    }

    @Test
    void aPictureThatIsNotBgrIsRefusedNamingItsType() {
        try (JpegEncoder encoder = new JpegEncoder()) {
            assertThatThrownBy(() -> encoder.encode(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3-byte BGR");
        }
    }

    /** Grey gradient, a red square top left, a blue one bottom right, a white label. */
    private static BufferedImage picture(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        try {
            for (int x = 0; x < w; x++) {
                int v = 40 + 160 * x / w;
                g.setColor(new Color(v, v, v));
                g.drawLine(x, 0, x, h);
            }
            g.setColor(Color.RED);
            g.fillRect(w / 4 - 20, h / 4 - 20, 40, 40);
            g.setColor(new Color(40, 40, 200));
            g.fillRect(w * 3 / 4 - 20, h * 3 / 4 - 20, 40, 40);
            Snapshots.label(g, "person #3 0.91", 10, h / 2, 12);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static double meanAbsDifference(BufferedImage a, BufferedImage b) {
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift < 24; shift += 8) {
                    sum += Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    private static void assertNear(int rgb, Color expected) {
        Color got = new Color(rgb);
        assertThat(Math.abs(got.getRed() - expected.getRed()) + Math.abs(got.getGreen() - expected.getGreen())
                + Math.abs(got.getBlue() - expected.getBlue())).as("%s against %s", got, expected).isLessThan(24);
    }

    private static String ffprobe(Path file) throws Exception {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "stream=codec_name,width,height", "-of", "csv=p=0", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
