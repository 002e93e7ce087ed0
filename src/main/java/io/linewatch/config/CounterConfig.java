package io.linewatch.config;

import java.util.List;

/**
 * A counting line of a detection camera: each track whose box centre crosses the line segment in
 * the given direction counts once, by class.
 *
 * @param name      the counter's name, in its topic and metrics: letters, digits, {@code _ . -}
 * @param line      the segment {@code [[x, y], [x, y]]} in source pixels
 * @param classes   the classes counted; empty: every class
 * @param direction {@code any}, or the side a crossing goes to: {@code left} or {@code right} of the
 *                  line as seen walking from its first point to its second (image coordinates, y down)
 * @param resume    start from the line's last count (kept in {@code sinks.state_dir}) instead of 0
 */
public record CounterConfig(String name, List<List<Double>> line, List<String> classes, Direction direction,
                            Boolean resume) {

    /** Which crossings count. */
    public enum Direction { ANY, LEFT, RIGHT }

    public CounterConfig {
        classes = classes == null ? List.of() : List.copyOf(classes);
        direction = direction == null ? Direction.ANY : direction;
        resume = resume != null && resume;
        if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("needs a name of letters, digits, '_', '.', '-', got " + name);
        }
        if (line == null || line.size() != 2 || line.stream().anyMatch(p -> p == null || p.size() != 2)
                || line.get(0).equals(line.get(1))) {
            throw new IllegalArgumentException("counter " + name + ": line needs two different points [[x, y], [x, y]]");
        }
        line = List.copyOf(line);
    }

    /** A line that counts from 0 at every start. */
    public CounterConfig(String name, List<List<Double>> line, List<String> classes, Direction direction) {
        this(name, line, classes, direction, false);
    }
}
