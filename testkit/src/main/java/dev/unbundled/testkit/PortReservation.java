package dev.unbundled.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds loopback ports while a stopped {@link EmbeddedKafka} is down, so that it comes back at the same
 * address. Each port is held by a socket that is bound but neither listening nor connected: a client that
 * connects is refused at once, as by a stopped broker; the kernel hands the port neither to a server
 * binding "any free port" nor to an outgoing connection; and a listener started with
 * {@code SO_REUSEADDR} (as Java's are) may still bind it on Linux. Holding a port is best effort: a port
 * another socket still occupies is skipped, and the restart then binds it as it can.
 */
final class PortReservation implements AutoCloseable {

    private final List<Socket> sockets;

    private PortReservation(List<Socket> sockets) {
        this.sockets = sockets;
    }

    /**
     * Binds a placeholder socket to each port on {@code host}.
     *
     * @return the reservation; close it just before or after binding the ports for real
     */
    static PortReservation hold(String host, int... ports) {
        List<Socket> held = new ArrayList<>();
        for (int port : ports) {
            Socket socket = new Socket();
            try {
                // Without it the bind fails while the broker's closed connections linger in TIME_WAIT.
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(host, port));
                held.add(socket);
            } catch (IOException notHeld) {
                closeQuietly(socket);
            }
        }
        return new PortReservation(held);
    }

    /** Releases every port; calling it again does nothing. */
    @Override
    public void close() {
        sockets.forEach(PortReservation::closeQuietly);
        sockets.clear();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // The port is released either way.
        }
    }
}
