package io.linewatch.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * opcua.users_file: who may open a session, checked against bcrypt hashes written by {@code linewatch
 * passwd} (the console's users file code); a password in the clear is refused; one-line errors
 * naming the file, line and user.
 */
class UsersTest {

    @TempDir
    Path dir;

    @Test
    void checksNamesAndPasswordsAgainstTheHashesLinewatchPasswdWrites() throws Exception {
        Path file = dir.resolve("users");
        io.linewatch.ops.Users.put(file, "operator", io.linewatch.ops.Users.Role.OPERATOR, "s3cret:with:colons");
        io.linewatch.ops.Users.put(file, "viewer", io.linewatch.ops.Users.Role.VIEWER, "v");
        Files.writeString(file, "# operators\n\n" + Files.readString(file));
        assertThat(Files.readString(file)).as("no password in the clear").doesNotContain("s3cret");
        Users users = Users.read(file);
        assertThat(users.check("operator", "s3cret:with:colons")).isTrue();
        assertThat(users.check("viewer", "v")).isTrue();
        assertThat(users.check("operator", "s3cret")).isFalse();
        assertThat(users.check("nobody", "v")).isFalse();
        assertThat(users.check(null, null)).isFalse();
    }

    @Test
    void aPasswordInTheClearIsRefusedNamingTheFileAndUser() throws Exception {
        Path file = dir.resolve("users");
        io.linewatch.ops.Users.put(file, "operator", io.linewatch.ops.Users.Role.OPERATOR, "s3cret");
        Files.writeString(file, Files.readString(file) + "shift2:hunter2\n");
        assertThatThrownBy(() -> Users.read(file)).isInstanceOf(OpcUaStartException.class)
                .hasMessage("opcua.users_file: " + file + ":2: user 'shift2' has a password in the clear; store its"
                        + " bcrypt hash: linewatch passwd --users " + file + " shift2");
        Files.writeString(file, "shift3:operator:hunter2\n");
        assertThatThrownBy(() -> Users.read(file)).hasMessageContaining(":1: user 'shift3' has a password in the clear");
    }

    @Test
    void badFilesAreOneLineNamingFileAndLine() throws Exception {
        String hash = "$2a$12$" + "a".repeat(53);
        Path file = Files.writeString(dir.resolve("users"), "operator:operator:" + hash + "\nno-password\n");
        assertThatThrownBy(() -> Users.read(file)).isInstanceOf(OpcUaStartException.class)
                .hasMessage("opcua.users_file: " + file + ":2: expected name:role:bcrypt-hash (linewatch passwd writes it)");
        Files.writeString(file, "a:viewer:" + hash + "\na:admin:" + hash + "\n");
        assertThatThrownBy(() -> Users.read(file)).hasMessage("opcua.users_file: " + file + ":2: user 'a' is listed twice");
        Files.writeString(file, "# nobody yet\n");
        assertThatThrownBy(() -> Users.read(file)).hasMessage("opcua.users_file: " + file + ": no users in it");
        assertThatThrownBy(() -> Users.read(dir.resolve("missing")))
                .hasMessage("opcua.users_file: " + dir.resolve("missing") + ": no such file");
    }
}
