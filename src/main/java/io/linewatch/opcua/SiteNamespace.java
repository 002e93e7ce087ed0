package io.linewatch.opcua;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;

/**
 * linewatch's namespace ({@code urn:linewatch:<site>:<node>}): folders, objects and read-only
 * variables whose node ids are their paths ({@code <site>/Cameras/<camera>/Fps}). Nodes are made by
 * {@link SiteModel} on the OPC UA server's start-up and after a reload (which also {@link #delete}s
 * what the new config no longer has); values are set by {@link #set} from the server's own threads
 * (the poller, the alarm feed), never from a pipeline thread. Subscriptions
 * sample the values at the client's interval (Milo's {@link SubscriptionModel}).
 */
final class SiteNamespace extends ManagedNamespaceWithLifecycle {

    private final SubscriptionModel subscriptions;
    private final Map<String, UaVariableNode> variables = new ConcurrentHashMap<>();

    SiteNamespace(OpcUaServer server, String uri) {
        super(server, uri);
        subscriptions = new SubscriptionModel(server, this);
        getLifecycleManager().addLifecycle(subscriptions);
    }

    /** A folder under the Objects folder. */
    UaFolderNode rootFolder(String path, String name) {
        UaFolderNode folder = folder(path, name);
        folder.addReference(new Reference(folder.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(),
                false));
        return folder;
    }

    /** A folder organised by {@code parent}. */
    UaFolderNode folder(UaFolderNode parent, String path, String name) {
        UaFolderNode folder = folder(path, name);
        parent.addOrganizes(folder);
        return folder;
    }

    private UaFolderNode folder(String path, String name) {
        UaFolderNode folder = new UaFolderNode(getNodeContext(), newNodeId(path), newQualifiedName(name),
                LocalizedText.english(name));
        getNodeManager().addNode(folder);
        return folder;
    }

    /**
     * A read-only variable {@code name} at {@code path}, a component of {@code parent} (organised by
     * it when it is a folder), holding {@code initial}.
     */
    UaVariableNode variable(UaNode parent, String path, String name, NodeId dataType, Object initial) {
        UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                .setNodeId(newNodeId(path))
                .setAccessLevel(AccessLevel.READ_ONLY)
                .setUserAccessLevel(AccessLevel.READ_ONLY)
                .setBrowseName(newQualifiedName(name))
                .setDisplayName(LocalizedText.english(name))
                .setDataType(dataType)
                .setTypeDefinition(NodeIds.BaseDataVariableType)
                .build();
        node.setValue(new DataValue(new Variant(initial)));
        getNodeManager().addNode(node);
        if (parent instanceof UaFolderNode folder) {
            folder.addOrganizes(node);
        } else if (parent instanceof UaObjectNode object) {
            object.addComponent(node);
        }
        variables.put(path, node);
        return node;
    }

    /** The folder at {@code path}, or null. */
    UaFolderNode folderAt(String path) {
        return getNodeManager().getNode(newNodeId(path)).filter(UaFolderNode.class::isInstance)
                .map(UaFolderNode.class::cast).orElse(null);
    }

    /**
     * Deletes the node at {@code path} and every node under it (ids {@code path/...}), with their
     * references both ways: its parent no longer organises it, a client browsing finds it gone and
     * a client's monitored item on it reports it bad.
     */
    void delete(String path) {
        String under = path + "/";
        for (UaNode node : getNodeManager().getNodes()) {
            if (node.getNodeId().getIdentifier() instanceof String id && (id.equals(path) || id.startsWith(under))
                    && getNodeManager().containsNode(node.getNodeId())) {
                node.delete();
            }
        }
        variables.keySet().removeIf(p -> p.equals(path) || p.startsWith(under));
    }

    /** True when there is a variable at {@code path}. */
    boolean has(String path) {
        return variables.containsKey(path);
    }

    /** Sets the value of the variable at {@code path}, when it changed (a subscription sees changes only). */
    void set(String path, Object value) {
        UaVariableNode node = variables.get(path);
        if (node == null) {
            throw new IllegalArgumentException("no variable " + path);
        }
        setValue(node, value);
    }

    /** Sets the variable at {@code path} when there is one (a reload may have removed it). */
    void setIfPresent(String path, Object value) {
        UaVariableNode node = variables.get(path);
        if (node != null) {
            setValue(node, value);
        }
    }

    private static void setValue(UaVariableNode node, Object value) {
        Object old = node.getValue().getValue().getValue();
        if (!value.equals(old)) {
            node.setValue(new DataValue(new Variant(value)));
        }
    }

    org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName qualifiedName(String name) {
        return newQualifiedName(name);
    }

    NodeId nodeId(String path) {
        return newNodeId(path);
    }

    @Override
    public void onDataItemsCreated(List<DataItem> dataItems) {
        subscriptions.onDataItemsCreated(dataItems);
    }

    @Override
    public void onDataItemsModified(List<DataItem> dataItems) {
        subscriptions.onDataItemsModified(dataItems);
    }

    @Override
    public void onDataItemsDeleted(List<DataItem> dataItems) {
        subscriptions.onDataItemsDeleted(dataItems);
    }

    @Override
    public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
        subscriptions.onMonitoringModeChanged(monitoredItems);
    }
}
