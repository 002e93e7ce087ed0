package io.linewatch.sinks;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Sparkplug B payload ({@code sparkplug_b.proto} of Sparkplug 3.0, package
 * {@code org.eclipse.tahu.protobuf}) for the fields the edge node writes and reads: the payload's
 * {@code timestamp} (1), {@code metrics} (2) and {@code seq} (3); a metric's {@code name} (1),
 * {@code timestamp} (3), {@code datatype} (4), {@code is_historical} (5) and one value of
 * {@code long_value} (11), {@code double_value} (13), {@code boolean_value} (14) or
 * {@code string_value} (15). Other fields are skipped when read. Stateless; any thread.
 */
final class SparkplugPayload {

    /** The Sparkplug data types the edge node uses, with their numbers in the spec's enum. */
    enum DataType {
        INT64(4), UINT64(8), DOUBLE(10), BOOLEAN(11), STRING(12), DATETIME(13);

        final int number;

        DataType(int number) {
            this.number = number;
        }

        static DataType of(int number) {
            for (DataType t : values()) {
                if (t.number == number) {
                    return t;
                }
            }
            return null;
        }
    }

    /**
     * One metric.
     *
     * @param value a {@code Long} (INT64, UINT64, DATETIME), {@code Double}, {@code Boolean} or {@code String}
     */
    record Metric(String name, DataType type, long timestampMillis, Object value, boolean historical) {

        Metric(String name, DataType type, long timestampMillis, Object value) {
            this(name, type, timestampMillis, value, false);
        }

        Metric asHistorical() {
            return new Metric(name, type, timestampMillis, value, true);
        }
    }

    /** A decoded payload; {@code seq} is -1 when it has none. */
    record Decoded(long timestampMillis, List<Metric> metrics, long seq) {
    }

    private static final int PAYLOAD_TIMESTAMP = 1;
    private static final int PAYLOAD_METRICS = 2;
    private static final int PAYLOAD_SEQ = 3;
    private static final int NAME = 1;
    private static final int TIMESTAMP = 3;
    private static final int DATATYPE = 4;
    private static final int IS_HISTORICAL = 5;
    private static final int LONG_VALUE = 11;
    private static final int DOUBLE_VALUE = 13;
    private static final int BOOLEAN_VALUE = 14;
    private static final int STRING_VALUE = 15;

    private SparkplugPayload() {
    }

    /** A payload of {@code metrics} without a {@code seq}: the delivery adds it ({@link #withSeq}). */
    static byte[] encode(long timestampMillis, List<Metric> metrics) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + 48 * metrics.size());
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            out.writeUInt64(PAYLOAD_TIMESTAMP, timestampMillis);
            for (Metric m : metrics) {
                out.writeTag(PAYLOAD_METRICS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                byte[] metric = encodeMetric(m);
                out.writeUInt32NoTag(metric.length);
                out.writeRawBytes(metric);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] encodeMetric(Metric m) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(48);
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(NAME, m.name());
        out.writeUInt64(TIMESTAMP, m.timestampMillis());
        out.writeUInt32(DATATYPE, m.type().number);
        if (m.historical()) {
            out.writeBool(IS_HISTORICAL, true);
        }
        switch (m.type()) {
            case INT64, UINT64, DATETIME -> out.writeUInt64(LONG_VALUE, (Long) m.value());
            case DOUBLE -> out.writeDouble(DOUBLE_VALUE, (Double) m.value());
            case BOOLEAN -> out.writeBool(BOOLEAN_VALUE, (Boolean) m.value());
            case STRING -> out.writeString(STRING_VALUE, (String) m.value());
        }
        out.flush();
        return bytes.toByteArray();
    }

    /** {@code payload} (which has no {@code seq} yet) with {@code seq} added: a field appended, as protobuf allows. */
    static byte[] withSeq(byte[] payload, long seq) {
        byte[] field = new byte[1 + CodedOutputStream.computeUInt64SizeNoTag(seq)];
        CodedOutputStream out = CodedOutputStream.newInstance(field);
        try {
            out.writeUInt64(PAYLOAD_SEQ, seq);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] joined = java.util.Arrays.copyOf(payload, payload.length + field.length);
        System.arraycopy(field, 0, joined, payload.length, field.length);
        return joined;
    }

    /** {@code payload} (without a {@code seq}) with every metric marked {@code is_historical}. */
    static byte[] historical(byte[] payload) {
        Decoded d = decode(payload);
        return encode(d.timestampMillis(), d.metrics().stream().map(Metric::asHistorical).toList());
    }

    /** Reads a payload; metrics of other data types (or none) have a null value. Throws on bytes that are not protobuf. */
    static Decoded decode(byte[] payload) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(payload);
            long timestamp = 0;
            long seq = -1;
            List<Metric> metrics = new ArrayList<>();
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case PAYLOAD_TIMESTAMP -> timestamp = in.readUInt64();
                    case PAYLOAD_METRICS -> metrics.add(decodeMetric(in.readByteArray()));
                    case PAYLOAD_SEQ -> seq = in.readUInt64();
                    default -> in.skipField(tag);
                }
            }
            return new Decoded(timestamp, metrics, seq);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a Sparkplug B payload: " + e.getMessage(), e);
        }
    }

    private static Metric decodeMetric(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String name = "";
        long timestamp = 0;
        DataType type = null;
        boolean historical = false;
        Object value = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case NAME -> name = in.readString();
                case TIMESTAMP -> timestamp = in.readUInt64();
                case DATATYPE -> type = DataType.of(in.readUInt32());
                case IS_HISTORICAL -> historical = in.readBool();
                case LONG_VALUE -> value = in.readUInt64();
                case DOUBLE_VALUE -> value = in.readDouble();
                case BOOLEAN_VALUE -> value = in.readBool();
                case STRING_VALUE -> value = in.readString();
                default -> in.skipField(tag);
            }
        }
        return new Metric(name, type, timestamp, type == null ? null : value, historical);
    }
}
