package io.linewatch.ops;

/** The console's login form ({@code GET /login}): posts the user and password to {@code /login}. */
final class LoginPage {

    private LoginPage() {
    }

    static String html(boolean failed) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>linewatch: log in</title>
                <style>body{font:14px system-ui,sans-serif;background:#15181c;color:#e8e8e8;display:grid;place-items:center;height:90vh}
                form{background:#22262c;padding:1.5em;border-radius:4px;display:grid;gap:.6em}.bad{color:#f66}</style></head>
                <body><form method="post" action="/login"><h1>linewatch</h1>
                """ + (failed ? "<p class=\"bad\" id=\"failed\">wrong user or password</p>\n" : "") + """
                <label>user <input name="user" autocomplete="username" required></label>
                <label>password <input name="password" type="password" autocomplete="current-password" required></label>
                <button type="submit">log in</button></form></body></html>
                """;
    }
}
