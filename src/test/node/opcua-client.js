// An OPC UA client that linewatch did not write (node-opcua), driven by OpcUaServerTest.
// Usage: node opcua-client.js '<json>' with {url, pki, user, password, mode, root, comment, seconds}.
// mode "connect": open a Basic256Sha256 SignAndEncrypt session and close it.
// mode "session": also browse, read, subscribe to values and to alarm events, acknowledge the first
// raised alarm and wait for it to clear; with {viewer, viewerPassword}, a viewer's session first tries
// to acknowledge it ("ack-viewer").
// mode "values": subscribe to the variables {root}/{paths[i]} (sampling 100 ms) and, with {events}, to alarm
// events (with a limit alarm's HighLimit) for {seconds}, and then on until every condition named in {expect}
// was seen active or {maxSeconds} pass; then read the variables.
// mode "read": read the variables {root}/{paths[i]}, wait {pauseMillis}, read them again ("read", round 1, 2).
// With {acceptUnknownServer: false} the client refuses a server certificate its pki does not trust (by
// default it trusts it on first sight, into its pki's trusted folder); "connected" names the server's
// certificate's SHA-1 thumbprint.
// mode "reload": browse the camera's Rules, subscribe to its FramesIn and to alarm events, write the file
// {readyFile}, then browse the Rules every 250 ms ("browse" on each change) until {added} is there and
// {removed} gone ("reloaded"), an event of {added} was active and FramesIn changed after "reloaded",
// or {seconds} pass.
// Prints one JSON object a line: {"kind": "connected" | "refused" | "browse" | "read" | "value" |
// "event" | "ack" | "done", ...}.
"use strict";
const {
    OPCUAClient, MessageSecurityMode, SecurityPolicy, UserTokenType, AttributeIds,
    TimestampsToReturn, ClientMonitoredItem, constructEventFilter, coerceNodeId, DataType, Variant,
} = require("node-opcua-client");
const {OPCUACertificateManager} = require("node-opcua-certificate-manager");

const args = JSON.parse(process.argv[2]);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const plain = (v) => (v === null || v === undefined ? null
    : typeof v === "bigint" ? Number(v)
    : Array.isArray(v) && v.length === 2 && typeof v[0] === "number" ? v[0] * 4294967296 + v[1]  // Int64 as [hi, lo]
    : v.text !== undefined ? v.text
    : Buffer.isBuffer(v) ? v.toString("hex")
    : v instanceof Date ? v.toISOString()
    : v.toString && typeof v === "object" ? v.toString() : v);
const FIELDS = ["EventId", "EventType", "SourceName", "Time", "Message", "Severity", "ConditionName",
    "ActiveState.Id", "AckedState.Id", "Retain", "ConditionId"];

let theClient;

async function main() {
    const certificateManager = new OPCUACertificateManager({rootFolder: args.pki,
        automaticallyAcceptUnknownCertificate: args.acceptUnknownServer !== false});
    await certificateManager.initialize();
    const client = OPCUAClient.create({
        applicationName: "linewatch-test-client", clientCertificateManager: certificateManager,
        securityMode: MessageSecurityMode.SignAndEncrypt, securityPolicy: SecurityPolicy.Basic256Sha256,
        endpointMustExist: false, connectionStrategy: {maxRetry: 0, initialDelay: 100, maxDelay: 200},
        requestedSessionTimeout: 60000,
    });
    theClient = client;
    let session;
    try {
        await client.connect(args.url);
        session = await client.createSession(args.user
            ? {type: UserTokenType.UserName, userName: args.user, password: args.password}
            : {type: UserTokenType.Anonymous});
    } catch (e) {
        out({kind: "refused", error: String(e.message || e).split("\n")[0]});
        await client.disconnect().catch(() => {});
        return;
    }
    out({kind: "connected", user: args.user || "anonymous",
        serverThumbprint: require("crypto").createHash("sha1").update(client.serverCertificate).digest("hex")});
    if (args.mode === "session") {
        await explore(session);
    } else if (args.mode === "values") {
        await watch(session);
    } else if (args.mode === "read") {
        await readTwice(session);
    } else if (args.mode === "reload") {
        await followReload(session);
    }
    await session.close();
    await client.disconnect();
}

async function readTwice(session) {
    const ns = (await session.readNamespaceArray()).indexOf(args.namespace);
    for (const round of [1, 2]) {
        if (round === 2) {
            await sleep(args.pauseMillis);
        }
        for (const path of args.paths) {
            const dv = await session.read({nodeId: coerceNodeId(`ns=${ns};s=${args.root}/${path}`),
                attributeId: AttributeIds.Value});
            out({kind: "read", round, path, status: dv.statusCode.name, type: DataType[dv.value.dataType],
                value: plain(dv.value.value)});
        }
    }
}

async function watch(session) {
    const ns = (await session.readNamespaceArray()).indexOf(args.namespace);
    const id = (path) => coerceNodeId(`ns=${ns};s=${args.root}/${path}`);
    const subscription = await session.createSubscription2({requestedPublishingInterval: 100,
        requestedLifetimeCount: 600, requestedMaxKeepAliveCount: 20, publishingEnabled: true});
    for (const path of args.paths) {
        const item = ClientMonitoredItem.create(subscription, {nodeId: id(path), attributeId: AttributeIds.Value},
            {samplingInterval: 100, queueSize: 100}, TimestampsToReturn.Both);
        item.on("changed", (dv) => out({kind: "value", path, status: dv.statusCode.name, value: plain(dv.value.value)}));
    }
    const waiting = new Set(args.expect || []);
    if (args.events) {
        const fields = FIELDS.concat(["HighLimit"]);
        const events = ClientMonitoredItem.create(subscription, {nodeId: "i=2253", attributeId: AttributeIds.EventNotifier},
            {samplingInterval: 0, queueSize: 1000, filter: constructEventFilter(fields)}, TimestampsToReturn.Neither);
        events.on("changed", (values) => {
            const e = {};
            fields.forEach((f, i) => { e[f] = plain(values[i].value); });
            out(Object.assign({kind: "event"}, e));
            if (e["ActiveState.Id"] === true) {
                waiting.delete(e.ConditionName);
            }
        });
    }
    const start = Date.now();
    while (Date.now() - start < args.seconds * 1000
        || (waiting.size > 0 && Date.now() - start < (args.maxSeconds || args.seconds) * 1000)) {
        await sleep(100);
    }
    await subscription.terminate();
    for (const path of args.paths) {
        const dv = await session.read({nodeId: id(path), attributeId: AttributeIds.Value});
        out({kind: "read", path, status: dv.statusCode.name, value: plain(dv.value.value)});
    }
}

async function followReload(session) {
    const ns = (await session.readNamespaceArray()).indexOf(args.namespace);
    const id = (path) => coerceNodeId(`ns=${ns};s=${args.root}/${path}`);
    const rulesPath = `Cameras/${args.camera}/Rules`;
    const rules = async () => (await children(session, id(rulesPath))).map((c) => c.name);
    let names = await rules();
    out({kind: "browse", path: rulesPath, names});
    const subscription = await session.createSubscription2({requestedPublishingInterval: 200,
        requestedLifetimeCount: 600, requestedMaxKeepAliveCount: 20, publishingEnabled: true});
    let reloaded = false;
    let framesAfter = 0;
    let addedActive = false;
    const frames = ClientMonitoredItem.create(subscription, {nodeId: id(`Cameras/${args.camera}/FramesIn`),
        attributeId: AttributeIds.Value}, {samplingInterval: 200, queueSize: 10}, TimestampsToReturn.Both);
    frames.on("changed", (dv) => {
        out({kind: "value", path: "FramesIn", status: dv.statusCode.name, value: plain(dv.value.value), reloaded});
        framesAfter += reloaded ? 1 : 0;
    });
    const events = ClientMonitoredItem.create(subscription, {nodeId: "i=2253", attributeId: AttributeIds.EventNotifier},
        {samplingInterval: 0, queueSize: 100, filter: constructEventFilter(FIELDS)}, TimestampsToReturn.Neither);
    events.on("changed", (fields) => {
        const e = {};
        FIELDS.forEach((f, i) => { e[f] = plain(fields[i].value); });
        out(Object.assign({kind: "event", reloaded}, e));
        addedActive = addedActive || (e.ConditionName === args.added && e["ActiveState.Id"] === true);
    });
    require("fs").writeFileSync(args.readyFile, "subscribed\n");
    const deadline = Date.now() + args.seconds * 1000;
    while (Date.now() < deadline && !(reloaded && addedActive && framesAfter >= 2)) {
        await sleep(250);
        const now = await rules();
        if (JSON.stringify(now) !== JSON.stringify(names)) {
            names = now;
            out({kind: "browse", path: rulesPath, names});
        }
        if (!reloaded && names.includes(args.added) && !names.includes(args.removed)) {
            reloaded = true;
            out({kind: "reloaded"});
        }
    }
    await subscription.terminate();
    out({kind: "done", reloaded, addedActive, framesAfter});
}

async function children(session, nodeId) {
    const result = await session.browse({nodeId, browseDirection: 0, includeSubtypes: true, resultMask: 63});
    return result.references.map((r) => ({name: r.browseName.name, nodeId: r.nodeId.toString()}));
}

async function explore(session) {
    const namespaces = (await session.readNamespaceArray());
    const ns = namespaces.indexOf(args.namespace);
    const id = (path) => coerceNodeId(`ns=${ns};s=${path}`);
    const objects = await children(session, "i=85");
    out({kind: "browse", path: "Objects", names: objects.map((c) => c.name)});
    for (const path of [args.root, `${args.root}/Cameras/${args.camera}`, `${args.root}/Cameras/${args.camera}/Rules`,
        `${args.root}/Cameras/${args.camera}/Dropped`, `${args.root}/Models/${args.model}`]) {
        out({kind: "browse", path, names: (await children(session, id(path))).map((c) => c.name)});
    }
    for (const name of ["Version", "Node", "Heartbeat", `Cameras/${args.camera}/State`,
        `Models/${args.model}/Engine`, `Models/${args.model}/Health`]) {
        const dv = await session.read({nodeId: id(`${args.root}/${name}`), attributeId: AttributeIds.Value});
        out({kind: "read", path: name, status: dv.statusCode.name, value: plain(dv.value.value)});
    }
    const subscription = await session.createSubscription2({requestedPublishingInterval: 200,
        requestedLifetimeCount: 600, requestedMaxKeepAliveCount: 20, publishingEnabled: true});
    for (const name of [`Cameras/${args.camera}/FramesIn`, `Cameras/${args.camera}/Fps`]) {
        const item = ClientMonitoredItem.create(subscription, {nodeId: id(`${args.root}/${name}`),
            attributeId: AttributeIds.Value}, {samplingInterval: 200, queueSize: 10}, TimestampsToReturn.Both);
        item.on("changed", (dv) => out({kind: "value", path: name, value: plain(dv.value.value)}));
    }
    const events = ClientMonitoredItem.create(subscription, {nodeId: "i=2253", attributeId: AttributeIds.EventNotifier},
        {samplingInterval: 0, queueSize: 100, filter: constructEventFilter(FIELDS)}, TimestampsToReturn.Neither);
    let acked = null;
    let cleared = false;
    let ackedSeen = false;
    events.on("changed", async (fields) => {
        const e = {};
        FIELDS.forEach((f, i) => { e[f] = plain(fields[i].value); });
        out(Object.assign({kind: "event"}, e));
        if (acked && e.ConditionId === acked && e["AckedState.Id"] === true) {
            ackedSeen = true;
        }
        if (acked && e.ConditionId === acked && e["ActiveState.Id"] === false) {
            cleared = true;
        }
        if (!acked && e["ActiveState.Id"] === true && e["AckedState.Id"] === false) {
            acked = e.ConditionId;
            if (args.viewer) {
                // A viewer's session may read but not acknowledge.
                const viewer = await theClient.createSession({type: UserTokenType.UserName,
                    userName: args.viewer, password: args.viewerPassword});
                const denied = await viewer.call({
                    objectId: coerceNodeId(e.ConditionId), methodId: coerceNodeId("i=9111"),
                    inputArguments: [new Variant({dataType: DataType.ByteString, value: fields[0].value}),
                        new Variant({dataType: DataType.LocalizedText, value: {text: "a viewer tries"}})],
                });
                out({kind: "ack-viewer", status: denied.statusCode.name});
                await viewer.close();
            }
            const result = await session.call({
                objectId: coerceNodeId(e.ConditionId), methodId: coerceNodeId("i=9111"),
                inputArguments: [new Variant({dataType: DataType.ByteString, value: fields[0].value}),
                    new Variant({dataType: DataType.LocalizedText, value: {text: args.comment}})],
            });
            out({kind: "ack", condition: e.ConditionId, status: result.statusCode.name});
            const again = await session.call({
                objectId: coerceNodeId(e.ConditionId), methodId: coerceNodeId("i=9111"),
                inputArguments: [new Variant({dataType: DataType.ByteString, value: Buffer.alloc(16)}),
                    new Variant({dataType: DataType.LocalizedText, value: {text: "wrong event"}})],
            });
            out({kind: "ack-unknown-event", status: again.statusCode.name});
        }
    });
    const deadline = Date.now() + args.seconds * 1000;
    while (Date.now() < deadline && !(cleared && ackedSeen)) {
        await sleep(100);
    }
    await subscription.terminate();
    out({kind: "done", acknowledged: ackedSeen, cleared});
}

main().catch((e) => { out({kind: "error", error: String(e.stack || e)}); process.exitCode = 1; });
