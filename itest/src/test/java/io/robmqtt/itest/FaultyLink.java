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

/**
 * A TCP proxy on 127.0.0.1 between the client and a broker, that fails the way a gateway's link does: it
 * drops every connection, refuses new ones (accepting and closing at once, so attempts can be counted), or
 * goes silent without closing anything (the dead cellular link that only MQTT keepalive notices).
 */
final class FaultyLink implements AutoCloseable {
    private final ServerSocket server;
    private final int brokerPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Long> attempts = new CopyOnWriteArrayList<>();
    private final List<Socket> mutedSockets = new CopyOnWriteArrayList<>();
    private volatile boolean refusing;
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

    /** Stops passing bytes on the connections open now, without closing them; new connections work. */
    void silenceOpenConnections() {
        List<Socket> muted = List.copyOf(sockets);
        sockets.clear();
        mutedSockets.addAll(muted);
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
                Socket broker = new Socket("127.0.0.1", brokerPort);
                client.setTcpNoDelay(true);
                broker.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(broker);
                pump(client, broker);
                pump(broker, client);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("faulty link: " + e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (mutedSockets.contains(from) || mutedSockets.contains(to)) {
                        continue; // the link is dead: bytes vanish, nobody is told
                    }
                    out.write(buffer, 0, n);
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
}
