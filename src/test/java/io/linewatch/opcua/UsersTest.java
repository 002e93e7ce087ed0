package io.linewatch.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** opcua.users_file: who may open a session, and one-line errors naming the file and line. */
class UsersTest {

    @TempDir
    Path dir;

    @Test
    void checksNamesAndPasswordsExactly() throws Exception {
        Path file = Files.writeString(dir.resolve("users"), "# operators\n\noperator:s3cret:with:colons\nviewer:v\n");
        Users users = Users.read(file);
        assertThat(users.check("operator", "s3cret:with:colons")).isTrue();
        assertThat(users.check("viewer", "v")).isTrue();
        assertThat(users.check("operator", "s3cret")).isFalse();
        assertThat(users.check("nobody", "v")).isFalse();
        assertThat(users.check(null, null)).isFalse();
    }

    @Test
    void badFilesAreOneLineNamingFileAndLine() throws Exception {
        Path file = Files.writeString(dir.resolve("users"), "operator:x\nno-password\n");
        assertThatThrownBy(() -> Users.read(file)).isInstanceOf(OpcUaStartException.class)
                .hasMessage("opcua.users_file: " + file + ":2: expected name:password");
        Files.writeString(file, "a:1\na:2\n");
        assertThatThrownBy(() -> Users.read(file)).hasMessage("opcua.users_file: " + file + ":2: user 'a' is listed twice");
        Files.writeString(file, "# nobody yet\n");
        assertThatThrownBy(() -> Users.read(file)).hasMessage("opcua.users_file: " + file + ": no users in it");
        assertThatThrownBy(() -> Users.read(dir.resolve("missing")))
                .hasMessage("opcua.users_file: " + dir.resolve("missing") + ": no such file");
    }
}
