package io.robmqtt.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * The broker's front door as clients see it: a TCP proxy on its own loopback port that timestamps the first byte of
 * every connection (an MQTT CONNECT, whose client id it reads) and then relays both ways to the broker. Why a proxy
 * and not the broker's log: Mosquitto's log timestamps have whole seconds only, and a line is written when the
 * broker has handled the CONNECT, not when it arrived. {@link #refuse()} closes the listening socket, so that while
 * the broker is down a client's attempt is refused at once, as by a dead broker's port; {@link #accept()} opens it
 * again on the same port.
 */
public final class ConnectRecorder implements AutoCloseable {
    /** One CONNECT: when its first byte arrived ({@link System#nanoTime()}) and the client id it carried. */
    public record Connect(long nanos, String clientId) {}

    private final int port;
    private final int brokerPort;
    private final List<Connect> connects = new ArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "recorder");
        thread.setDaemon(true);
        return thread;
    });
    private volatile ServerSocket listener;

    /** A recorder on {@code port} in front of the broker on {@code brokerPort}; {@link #accept()} opens it. */
    public ConnectRecorder(int port, int brokerPort) {
        this.port = port;
        this.brokerPort = brokerPort;
    }

    public int port() {
        return port;
    }

    /** Accepts connections on the port (again). */
    public synchronized void accept() throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        listener = server;
        threads.execute(() -> acceptLoop(server));
    }

    /** Refuses new connections; those relayed go on until either side closes. */
    public synchronized void refuse() throws IOException {
        if (listener != null) {
            listener.close();
            listener = null;
        }
    }

    /** For each client, the time of its first CONNECT at or after {@code sinceNanos}. */
    public synchronized Map<String, Long> firstConnectsSince(long sinceNanos) {
        Map<String, Long> first = new HashMap<>();
        for (Connect c : connects) {
            if (c.nanos() >= sinceNanos) {
                first.merge(c.clientId(), c.nanos(), Math::min);
            }
        }
        return first;
    }

    /**
     * A reconnect storm: refuses connections and SIGKILLs the broker, keeps it down for {@code outage}, restarts it
     * on its port, accepts again, and waits until {@code clients} clients whose id starts with {@code clientPrefix}
     * have sent a CONNECT since. Returns the figures of their first CONNECTs after the return.
     */
    public StormFigures storm(TestBroker broker, Duration outage, String clientPrefix, int clients, Duration timeout)
            throws IOException, InterruptedException {
        refuse();
        broker.kill();
        long down = System.nanoTime();
        while (System.nanoTime() - down < outage.toNanos()) { // the outage itself: a duration, not a condition
            LockSupport.parkNanos(1_000_000);
        }
        broker.startProcess();
        accept();
        long back = System.nanoTime();
        Await.until(clients + " " + clientPrefix + "* clients are back", timeout,
                () -> backSince(back, clientPrefix).size() >= clients,
                () -> backSince(back, clientPrefix).size() + " back");
        return StormFigures.of(backSince(back, clientPrefix).values(), back);
    }

    private Map<String, Long> backSince(long since, String clientPrefix) {
        Map<String, Long> first = firstConnectsSince(since);
        first.keySet().removeIf(id -> !id.startsWith(clientPrefix));
        return first;
    }

    private synchronized void record(Connect connect) {
        connects.add(connect);
    }

    private void acceptLoop(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                threads.execute(() -> relay(client));
            } catch (IOException e) {
                if (!server.isClosed()) { // a failed accept is not the end of the listener
                    System.err.println("recorder: accept failed: " + e);
                }
            }
        }
    }

    private void relay(Socket client) {
        try (Socket broker = new Socket()) {
            open.add(broker);
            DataInputStream in = new DataInputStream(client.getInputStream());
            int type = in.read();
            long arrived = System.nanoTime();
            if (type < 0) {
                return;
            }
            byte[] packet = readPacket(type, in);
            record(new Connect(arrived, clientId(packet)));
            broker.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), brokerPort), 5_000);
            OutputStream toBroker = broker.getOutputStream();
            toBroker.write(packet);
            threads.execute(() -> copy(broker, client));
            copy(client, broker);
        } catch (IOException e) {
            // the client or the broker went away: the relay ends, as the link would
        } finally {
            closeQuietly(client);
        }
    }

    /** The whole first packet, fixed header included. */
    private static byte[] readPacket(int type, DataInputStream in) throws IOException {
        byte[] header = new byte[5];
        header[0] = (byte) type;
        int length = 0;
        int n = 1;
        for (int shift = 0; ; shift += 7) {
            int b = in.readUnsignedByte();
            header[n++] = (byte) b;
            length |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        byte[] packet = new byte[n + length];
        System.arraycopy(header, 0, packet, 0, n);
        in.readFully(packet, n, length);
        return packet;
    }

    /** The client id of an MQTT 3.1.1 CONNECT; "?" for anything else. */
    private static String clientId(byte[] packet) {
        if ((packet[0] & 0xf0) != 0x10) {
            return "?";
        }
        int i = 1;
        while ((packet[i] & 0x80) != 0) {
            i++;
        }
        i++; // past the remaining length
        int protocolName = ((packet[i] & 0xff) << 8) | (packet[i + 1] & 0xff);
        i += 2 + protocolName + 4; // name, level, flags, keepalive
        int idLength = ((packet[i] & 0xff) << 8) | (packet[i + 1] & 0xff);
        return new String(packet, i + 2, idLength, StandardCharsets.UTF_8);
    }

    private void copy(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        refuse();
        open.forEach(this::closeQuietly);
        threads.shutdownNow();
    }
}
