package io.robmqtt.itest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 between the client and a broker, that fails the way a gateway's link does: it
 * drops every connection, refuses new ones (accepting and closing at once, so attempts can be counted), or
 * goes silent without closing anything (the dead cellular link that only MQTT keepalive notices). It can also
 * withhold the broker's PUBREL packets, to hold a QoS 2 exchange between PUBREC and PUBREL.
 */
final class FaultyLink implements AutoCloseable {
    private final ServerSocket server;
    private final int brokerPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Long> attempts = new CopyOnWriteArrayList<>();
    private final List<Socket> mutedSockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger withheldReleases = new AtomicInteger();
    private volatile boolean refusing;
    private volatile boolean blackholing;
    private volatile boolean withholdingReleases;
    private volatile boolean closed;

    FaultyLink(int brokerPort) throws IOException {
        this.brokerPort = brokerPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "faulty-link-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String uri() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    /** Times (System.nanoTime) at which clients connected, refused or not. */
    List<Long> attempts() {
        return attempts;
    }

    void dropAll() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    void refuse(boolean refuse) {
        refusing = refuse;
        if (refuse) {
            dropAll();
        }
    }

    /** New connections are accepted and never answered: a silent node, as a blackholed route makes it. */
    void blackhole(boolean blackhole) {
        blackholing = blackhole;
    }

    /** Stops passing bytes on the connections open now, without closing them; new connections work. */
    void silenceOpenConnections() {
        List<Socket> muted = List.copyOf(sockets);
        sockets.clear();
        mutedSockets.addAll(muted);
    }

    /**
     * Drops the PUBREL packets the broker sends while on; counts them. Plain MQTT only (not TLS), and turned on
     * while the link is idle: the broker's stream is cut into packets from the next read on.
     */
    void withholdReleases(boolean withhold) {
        withholdingReleases = withhold;
    }

    /** How many PUBREL packets were withheld. */
    int withheldReleases() {
        return withheldReleases.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                attempts.add(System.nanoTime());
                if (refusing) {
                    closeQuietly(client);
                    continue;
                }
                if (blackholing) {
                    sockets.add(client); // accepted, and never answered
                    continue;
                }
                Socket broker = new Socket("127.0.0.1", brokerPort);
                client.setTcpNoDelay(true);
                broker.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(broker);
                pump(client, broker, false);
                pump(broker, client, true);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("faulty link: " + e);
                }
            }
        }
    }

    /** Passes bytes on; from the broker, packet by packet, so that PUBREL packets can be withheld. */
    private void pump(Socket from, Socket to, boolean fromBroker) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            MqttFrames frames = new MqttFrames();
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (mutedSockets.contains(from) || mutedSockets.contains(to)) {
                        continue; // the link is dead: bytes vanish, nobody is told
                    }
                    if (!fromBroker || (!withholdingReleases && frames.empty())) {
                        out.write(buffer, 0, n); // TLS records, or MQTT while nothing is withheld
                    } else {
                        for (byte[] packet : frames.add(buffer, n)) {
                            if (withholdingReleases && (packet[0] & 0xF0) == 0x60) {
                                withheldReleases.incrementAndGet();
                            } else {
                                out.write(packet);
                            }
                        }
                    }
                    out.flush();
                }
            } catch (SocketException e) {
                // the other side closed, or dropAll did
            } catch (IOException e) {
                System.err.println("faulty link pump: " + e);
            } finally {
                if (!mutedSockets.contains(from)) {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }
        }, "faulty-link-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            System.err.println("faulty link close: " + e);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        dropAll();
        mutedSockets.forEach(FaultyLink::closeQuietly);
    }

    /** Cuts a byte stream into MQTT packets: a fixed header byte, the remaining length, the rest. */
    private static final class MqttFrames {
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        /** Whether no part of a packet is held back. */
        boolean empty() {
            return pending.size() == 0;
        }

        List<byte[]> add(byte[] bytes, int length) {
            pending.write(bytes, 0, length);
            byte[] all = pending.toByteArray();
            List<byte[]> packets = new java.util.ArrayList<>();
            int start = 0;
            while (true) {
                int end = end(all, start);
                if (end < 0) {
                    break;
                }
                packets.add(java.util.Arrays.copyOfRange(all, start, end));
                start = end;
            }
            pending.reset();
            pending.write(all, start, all.length - start);
            return packets;
        }

        /** Where the packet starting at {@code start} ends, or -1 if it is not all there yet. */
        private static int end(byte[] all, int start) {
            int length = 0;
            int multiplier = 1;
            for (int i = start + 1; i < all.length && i <= start + 4; i++) {
                length += (all[i] & 0x7F) * multiplier;
                if ((all[i] & 0x80) == 0) {
                    int end = i + 1 + length;
                    return end <= all.length ? end : -1;
                }
                multiplier *= 128;
            }
            return -1;
        }
    }
}
