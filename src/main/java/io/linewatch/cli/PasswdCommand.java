package io.linewatch.cli;

import io.linewatch.ops.Users;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code linewatch passwd}: adds a console user to a users file, or changes their role and password. */
@Command(name = "passwd", mixinStandardHelpOptions = true,
        description = "Adds a user of the console (or replaces their role and password) in the users file that"
                + " http.users (or opcua.users_file) names. The password is asked for on the terminal, or read as the first line of"
                + " standard input; only its bcrypt hash is stored.")
final class PasswdCommand implements Callable<Integer> {

    /** Shorter passwords are refused. */
    static final int MIN_PASSWORD_CHARS = 10;

    @Option(names = "--users", required = true, paramLabel = "FILE", description = "The users file (created when absent).")
    Path users;

    @Option(names = "--role", defaultValue = "viewer", paramLabel = "ROLE",
            description = "viewer (looks), operator (also reloads and acknowledges) or admin (default: ${DEFAULT-VALUE}).")
    Users.Role role;

    @Parameters(index = "0", paramLabel = "NAME", description = "The user's name.")
    String name;

    @Override
    public Integer call() throws IOException {
        String password = password();
        if (password == null || password.length() < MIN_PASSWORD_CHARS) {
            throw new CliException(Main.EXIT_CONFIG, "passwd: the password needs at least " + MIN_PASSWORD_CHARS
                    + " characters");
        }
        try {
            Users.put(users, name, role, password);
        } catch (IOException e) {
            throw new CliException(Main.EXIT_CONFIG, users + ": " + e.getMessage());
        }
        System.out.println("user " + name + " (" + role.label() + ") written to " + users);
        return 0;
    }

    private static String password() throws IOException {
        java.io.Console terminal = System.console();
        if (terminal != null) {
            char[] first = terminal.readPassword("password: ");
            char[] again = terminal.readPassword("again: ");
            if (first == null || !java.util.Arrays.equals(first, again)) {
                throw new CliException(Main.EXIT_CONFIG, "passwd: the two passwords differ");
            }
            return new String(first);
        }
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
}
