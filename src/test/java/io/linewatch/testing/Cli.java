package io.linewatch.testing;

import io.linewatch.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the linewatch command line in this JVM and keeps what it printed. */
public final class Cli {

    /** Exit code and output of one command. */
    public record Result(int exitCode, String out, String err) {
        /** The lines of stderr that are linewatch's own error lines. */
        public List<String> errorLines() {
            return err.lines().filter(l -> l.startsWith("linewatch: error: ")).toList();
        }
    }

    private Cli() {
    }

    public static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String o = out.toString(StandardCharsets.UTF_8);
        String e = err.toString(StandardCharsets.UTF_8);
        oldOut.print(o);
        oldErr.print(e);
        return new Result(code, o, e);
    }
}
