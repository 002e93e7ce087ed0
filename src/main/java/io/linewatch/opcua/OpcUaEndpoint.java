package io.linewatch.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;

import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.OpcUaConfig;
import io.linewatch.daemon.PipelineView;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.model.objects.ServerTypeNode;
import org.eclipse.milo.opcua.sdk.server.util.HostnameUtil;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OPC UA server of a running daemon (Eclipse Milo), started by the command line from the
 * read-only {@link PipelineView}: the address space of {@link SiteModel}, its counters copied from
 * the view once a second and the rules' latest measures ({@link io.linewatch.pipeline.RuleReadings})
 * every 100 ms by the {@code opcua-values} thread, its alarm conditions fed by {@link AlarmFeed}. One endpoint, {@code opc.tcp://HOST:PORT/linewatch}, Basic256Sha256 sign and encrypt
 * only ({@link ServerSecurity}); GetEndpoints also answers unsecured, as OPC UA discovery needs. The
 * pipeline does not know it exists: closing it changes nothing there.
 */
public final class OpcUaEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpcUaEndpoint.class);
    static final String PATH = "/linewatch";
    private static final long POLL_MILLIS = 1_000;
    /** How often the rules' latest measures are copied: a client may sample them this fast. */
    static final long READINGS_MILLIS = 100;

    private final OpcUaServer server;
    private final ServerSecurity security;
    private final SiteModel model;
    private final AlarmFeed feed;
    private final AutoCloseable acks;
    private final ScheduledExecutorService poller;
    private final String url;

    private OpcUaEndpoint(OpcUaServer server, ServerSecurity security, SiteModel model, AlarmFeed feed,
                          AutoCloseable acks, ScheduledExecutorService poller, String url) {
        this.acks = acks;
        this.server = server;
        this.security = security;
        this.model = model;
        this.feed = feed;
        this.poller = poller;
        this.url = url;
    }

    /**
     * Starts the server on {@code config.opcua()}: makes the certificate on first start, binds the
     * port, builds the address space and starts updating it.
     *
     * @throws OpcUaStartException in one line: a users file, the state folder or the port that fails
     */
    public static OpcUaEndpoint start(LinewatchConfig config, PipelineView view) throws OpcUaStartException {
        OpcUaConfig opcua = config.opcua();
        Users users = opcua.usersFile() == null ? Users.none() : Users.read(Path.of(opcua.usersFile()));
        ServerSecurity security = ServerSecurity.open(Path.of(opcua.stateDir()), config);
        try {
            OpcUaServer server = new OpcUaServer(serverConfig(config, security, users),
                    profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
            SiteNamespace ns = new SiteNamespace(server, "urn:linewatch:" + config.site() + ":" + config.node());
            ns.startup();
            SiteModel model = SiteModel.build(ns, server, config, view, new AcknowledgeMethod(view.acknowledgements(),
                    users));
            server.startup().get();
            ((ServerTypeNode) server.getAddressSpaceManager().getManagedNode(NodeIds.Server).orElseThrow())
                    .setEventNotifier(ubyte(1));
            AlarmFeed feed = new AlarmFeed(model);
            view.subscribeAlarms(feed);
            AutoCloseable acks = view.acknowledgements() == null ? () -> { }
                    : view.acknowledgements().subscribe(feed::onAcknowledged);
            ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "opcua-values");
                t.setDaemon(true);
                return t;
            });
            poller.scheduleWithFixedDelay(() -> poll(model, view), 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (view.ruleReadings() != null) {
                double[] values = new double[4];
                poller.scheduleWithFixedDelay(() -> pollReadings(model, view, values), 0, READINGS_MILLIS,
                        TimeUnit.MILLISECONDS);
            }
            String url = "opc.tcp://" + opcua.bind() + ":" + opcua.port() + PATH;
            LOG.info("OPC UA server on {} (Basic256Sha256 sign and encrypt; {}; trust list {})", url,
                    opcua.loopback() ? "anonymous allowed on loopback" : "users of " + opcua.usersFile(),
                    Path.of(opcua.stateDir(), "pki", "trusted", "certs"));
            return new OpcUaEndpoint(server, security, model, feed, acks, poller, url);
        } catch (java.util.concurrent.ExecutionException e) {
            closeQuietly(security);
            throw new OpcUaStartException("opcua: cannot listen on " + opcua.bind() + ":" + opcua.port() + ": "
                    + rootMessage(e), e);
        } catch (Exception e) {
            closeQuietly(security);
            throw new OpcUaStartException("opcua: cannot start: " + rootMessage(e), e);
        }
    }

    private static void poll(SiteModel model, PipelineView view) {
        try {
            model.poll(view, System.nanoTime());
        } catch (RuntimeException e) {
            LOG.warn("OPC UA: values not updated: {}", e.toString());
        }
    }

    private static void pollReadings(SiteModel model, PipelineView view, double[] values) {
        try {
            model.pollReadings(view.ruleReadings(), values);
        } catch (RuntimeException e) {
            LOG.warn("OPC UA: rule readings not updated: {}", e.toString());
        }
    }

    private static OpcUaServerConfig serverConfig(LinewatchConfig config, ServerSecurity security, Users users) {
        OpcUaConfig opcua = config.opcua();
        Set<EndpointConfig> endpoints = new LinkedHashSet<>();
        for (String host : hostnames(opcua)) {
            EndpointConfig.Builder endpoint = EndpointConfig.newBuilder()
                    .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                    .setBindAddress(opcua.bind())
                    .setBindPort(opcua.port())
                    .setHostname(host)
                    .setPath(PATH)
                    .setCertificate(security.certificate())
                    .setSecurityPolicy(SecurityPolicy.Basic256Sha256)
                    .setSecurityMode(MessageSecurityMode.SignAndEncrypt)
                    .addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME);
            if (opcua.loopback()) {
                endpoint.addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS);
            }
            endpoints.add(endpoint.build());
        }
        String product = "urn:linewatch";
        return OpcUaServerConfig.builder()
                .setApplicationUri(security.applicationUri())
                .setApplicationName(LocalizedText.english("linewatch " + config.site() + " " + config.node()))
                .setProductUri(product)
                .setBuildInfo(new BuildInfo(product, "linewatch", "linewatch", String.valueOf(
                        OpcUaEndpoint.class.getPackage().getImplementationVersion()), "", DateTime.now()))
                .setEndpoints(endpoints)
                .setCertificateManager(security.certificates())
                .setIdentityValidator(ServerSecurity.identities(users, opcua.loopback()))
                .build();
    }

    /** The names clients may use in the endpoint URL: the bind address, or every name of this host. */
    private static Set<String> hostnames(OpcUaConfig opcua) {
        Set<String> hosts = new LinkedHashSet<>();
        if ("0.0.0.0".equals(opcua.bind()) || "::".equals(opcua.bind())) {
            hosts.add(HostnameUtil.getHostname());
            hosts.addAll(HostnameUtil.getHostnames(opcua.bind(), true, false));
        } else {
            hosts.add(opcua.bind());
        }
        if (opcua.loopback()) {
            hosts.add("localhost");
        }
        return hosts;
    }

    /**
     * Makes the address space follow {@code next}, the config of a reload the pipeline applied in
     * place (the command line calls it on the reload's thread): cameras, rules, counting lines and
     * models it adds get their nodes and conditions, those it removes are deleted, the others keep
     * their nodes and conditions' states. A failure is logged in one line; the server goes on with
     * the tree it has.
     */
    public void follow(LinewatchConfig next) {
        try {
            model.follow(next);
        } catch (Exception e) {
            LOG.error("OPC UA: address space did not follow the reload: {}", rootMessage(e));
        }
    }

    /** The server, for reading its nodes in this package. */
    OpcUaServer server() {
        return server;
    }

    /** The endpoint URL, {@code opc.tcp://BIND:PORT/linewatch}. */
    public String url() {
        return url;
    }

    /** Alarm events the server could not keep up with (shown late or not at all in OPC UA; published anyway). */
    public long alarmsDropped() {
        return feed.dropped.get();
    }

    /** Stops updating, then stops the server (sessions closed) and releases the trust list. */
    @Override
    public void close() {
        poller.shutdownNow();
        closeQuietly(acks);
        try {
            feed.close();
            server.shutdown().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("OPC UA server did not stop cleanly: {}", rootMessage(e));
        }
        closeQuietly(security);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing {}: {}", c, e.toString());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
