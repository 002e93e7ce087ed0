package io.linewatch.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A console user's name and password for the daemon's HTTP port (its {@code http.users}), read from
 * a file or an environment variable as {@code USER:PASSWORD} on one line, never from the command
 * line (where {@code ps} and the shell's history would show it). Bad input is one line naming the
 * file or the variable and what is wrong; the password is never in it.
 */
record DaemonCredentials(String user, String password) {

    /** The environment variable read when no file is given. */
    static final String ENV = "LINEWATCH_CREDENTIALS";

    /**
     * The credentials of {@code file} when given, else of the variable {@code env} of {@code environment};
     * null when neither is set.
     */
    static DaemonCredentials read(Path file, String env, UnaryOperator<String> environment) {
        if (file != null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliException(Main.EXIT_CONFIG, file + ": cannot read the credentials file: " + e.getMessage());
            }
            return parse(lines.isEmpty() ? "" : lines.get(0), file.toString());
        }
        String value = environment.apply(env);
        return value == null || value.isEmpty() ? null : parse(value.strip(), "environment variable " + env);
    }

    private static DaemonCredentials parse(String line, String where) {
        int colon = line.indexOf(':');
        if (colon <= 0 || colon == line.length() - 1) {
            throw new CliException(Main.EXIT_CONFIG, where + ": expected USER:PASSWORD on the first line");
        }
        return new DaemonCredentials(line.substring(0, colon), line.substring(colon + 1));
    }

    /** The {@code Authorization} header's value: HTTP Basic. */
    String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "DaemonCredentials[user=" + user + "]";
    }
}
