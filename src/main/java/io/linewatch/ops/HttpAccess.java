package io.linewatch.ops;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Who may do what, before any handler runs, on Jetty's request threads. {@code /healthz},
 * {@code /readyz} and {@code /metrics} answer anyone. With users, every other request needs HTTP
 * Basic credentials of one of them (401 otherwise) and a write ({@code POST}: reload, acknowledge)
 * needs an operator or admin (403 for a viewer). Without users (loopback only, see the config's
 * validation) everyone is admin. Cross-site writes are refused either way (403): a browser names the
 * page a request comes from in {@code Origin} and {@code Sec-Fetch-Site}, and a write from another
 * site's page is a forgery; clients that are not browsers send neither. The user and role go to the
 * handlers as request attributes {@link #USER} and {@link #ROLE}.
 */
final class HttpAccess extends Handler.Wrapper {

    /** Request attribute: the user's name ("" without users). */
    static final String USER = "linewatch.user";
    /** Request attribute: the user's role, as its label ({@code viewer}, {@code operator}, {@code admin}). */
    static final String ROLE = "linewatch.role";
    private static final Set<String> OPEN = Set.of("/healthz", "/readyz", "/metrics");
    private static final String REALM = "Basic realm=\"linewatch\", charset=\"UTF-8\"";

    private final Users users;

    /** @param users who may come in, or null to let everyone in as admin */
    HttpAccess(Handler next, Users users) {
        super(next);
        this.users = users;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        boolean write = !"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod());
        if (OPEN.contains(path) && !write) {
            return super.handle(request, response, callback);
        }
        if (write && crossSite(request)) {
            OpsServer.reply(response, callback, 403, "refused: a write from another site's page (Origin "
                    + request.getHeaders().get(HttpHeader.ORIGIN) + ")\n");
            return true;
        }
        Users.User user = users == null ? new Users.User("", Users.Role.ADMIN, "") : user(request);
        if (user == null) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, REALM);
            OpsServer.reply(response, callback, 401, "unauthorized: a user of the console's users file is needed\n");
            return true;
        }
        if (write && !user.role().writes()) {
            OpsServer.reply(response, callback, 403, "forbidden: user " + user.name() + " is a viewer; "
                    + request.getMethod() + " " + path + " needs an operator or admin\n");
            return true;
        }
        request.setAttribute(USER, user.name());
        request.setAttribute(ROLE, user.role().label());
        return super.handle(request, response, callback);
    }

    /** The user named by valid Basic credentials, or null. */
    private Users.User user(Request request) {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = pair.indexOf(':');
        return colon < 0 ? null : users.authenticate(pair.substring(0, colon), pair.substring(colon + 1));
    }

    /** True when a browser says the request comes from another site's page. */
    static boolean crossSite(Request request) {
        String site = request.getHeaders().get("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return true;
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) {
            return false;
        }
        HttpURI uri = request.getHttpURI();
        return !origin.equalsIgnoreCase(uri.getScheme() + "://" + uri.getAuthority());
    }
}
