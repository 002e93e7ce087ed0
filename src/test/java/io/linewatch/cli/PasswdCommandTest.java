package io.linewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.ops.Users;
import io.linewatch.testing.Cli;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code linewatch passwd} as an installer runs it, the password on standard input (no terminal): the
 * user can then log in with it and has the role given; the file keeps only a hash; a second call
 * replaces the user's role and password and keeps the others; a short password is refused in one line.
 */
class PasswdCommandTest {

    @TempDir
    Path dir;

    @Test
    void addsAndReplacesUsersWithHashedPasswords() throws Exception {
        Path users = dir.resolve("users");
        assertThat(passwd("operator-secret-1\n", "--users", users.toString(), "--role", "operator", "otto").exitCode())
                .isZero();
        assertThat(passwd("viewer-secret-1\n", "--users", users.toString(), "vera").exitCode()).isZero();
        Users loaded = Users.load(users);
        assertThat(loaded.authenticate("otto", "operator-secret-1").role()).isEqualTo(Users.Role.OPERATOR);
        assertThat(loaded.authenticate("vera", "viewer-secret-1").role()).as("viewer by default").isEqualTo(Users.Role.VIEWER);
        assertThat(loaded.authenticate("otto", "viewer-secret-1")).isNull();
        assertThat(Files.readString(users)).doesNotContain("secret");

        assertThat(passwd("admin-secret-22\n", "--users", users.toString(), "--role", "admin", "otto").exitCode()).isZero();
        Users replaced = Users.load(users);
        assertThat(replaced.authenticate("otto", "operator-secret-1")).as("the old password is gone").isNull();
        assertThat(replaced.authenticate("otto", "admin-secret-22").role()).isEqualTo(Users.Role.ADMIN);
        assertThat(replaced.authenticate("vera", "viewer-secret-1")).as("the other user is kept").isNotNull();
        assertThat(Files.readAllLines(users)).hasSize(2);
    }

    @Test
    void aShortPasswordIsRefusedInOneLine() {
        Path users = dir.resolve("users");
        Cli.Result r = passwd("short\n", "--users", users.toString(), "otto");
        assertThat(r.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(r.errorLines()).containsExactly("linewatch: error: passwd: the password needs at least "
                + PasswdCommand.MIN_PASSWORD_CHARS + " characters");
        assertThat(users).doesNotExist();
    }

    private static Cli.Result passwd(String stdin, String... args) {
        InputStream old = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            String[] all = new String[args.length + 1];
            all[0] = "passwd";
            System.arraycopy(args, 0, all, 1, args.length);
            return Cli.run(all);
        } finally {
            System.setIn(old);
        }
    }
}
