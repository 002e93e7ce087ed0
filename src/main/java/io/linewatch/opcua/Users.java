package io.linewatch.opcua;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OPC UA users: {@code opcua.users_file}, one {@code name:password} a line ({@code #} comments
 * and blank lines skipped), read once at start. Passwords are compared in constant time.
 */
final class Users {

    private final Map<String, byte[]> passwords;

    private Users(Map<String, byte[]> passwords) {
        this.passwords = passwords;
    }

    static Users none() {
        return new Users(Map.of());
    }

    /** Reads {@code file}; a missing file or a bad line is one line naming the file and line. */
    static Users read(Path file) throws OpcUaStartException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new OpcUaStartException("opcua.users_file: " + file + ": no such file");
        } catch (IOException e) {
            throw new OpcUaStartException("opcua.users_file: " + file + ": cannot read: " + e.getMessage());
        }
        Map<String, byte[]> users = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String at = "opcua.users_file: " + file + ":" + (i + 1) + ": ";
            if (colon <= 0 || colon == line.length() - 1) {
                throw new OpcUaStartException(at + "expected name:password");
            }
            if (users.put(line.substring(0, colon), line.substring(colon + 1).getBytes(StandardCharsets.UTF_8)) != null) {
                throw new OpcUaStartException(at + "user '" + line.substring(0, colon) + "' is listed twice");
            }
        }
        if (users.isEmpty()) {
            throw new OpcUaStartException("opcua.users_file: " + file + ": no users in it");
        }
        return new Users(users);
    }

    boolean check(String name, String password) {
        byte[] expected = name == null ? null : passwords.get(name);
        return expected != null && password != null
                && MessageDigest.isEqual(expected, password.getBytes(StandardCharsets.UTF_8));
    }
}
