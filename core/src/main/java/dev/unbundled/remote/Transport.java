package dev.unbundled.remote;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Carries reads between instances of a service: each runtime {@linkplain #serve serves} its local
 * partitions, and {@linkplain #get asks} the instance that owns a key when it is not here. Keys, values and
 * scan bounds travel as the bytes of the view's own serdes.
 *
 * <p>The default is {@link HttpTransport}; implement this interface to use another protocol.
 * Implementations are thread-safe: the runtime calls {@link #get} and {@link #scan} from many threads.
 *
 * <pre>{@code
 * ViewRuntime runtime = ViewRuntime.builder()
 *         .applicationId("top-songs")
 *         .bootstrapServers("localhost:9092")
 *         .advertise("10.0.0.7", 7070)
 *         .transport(HttpTransport.builder().bearerToken(System.getenv("QUERY_TOKEN")).build())
 *         .view(topFive)
 *         .start();
 * }</pre>
 */
public interface Transport extends AutoCloseable {

    /**
     * Starts answering other instances' reads. Called once, by the runtime, before it joins its consumer group.
     *
     * @param bind the address to listen on; port 0 picks a free port
     * @param handler answers reads from this instance's local state
     * @return the port actually bound
     * @throws IOException if the address cannot be bound
     */
    int serve(InetSocketAddress bind, QueryHandler handler) throws IOException;

    /**
     * Reads one key at another instance.
     *
     * @param instance the instance, as {@code host:port}
     * @param request the read
     * @return the answer
     * @throws RemoteQueryException if the instance refused the read or could not be reached
     */
    KeyAnswer get(String instance, KeyRequest request);

    /**
     * Reads a page of a scan at another instance.
     *
     * @param instance the instance, as {@code host:port}
     * @param request the scan
     * @return the page
     * @throws RemoteQueryException if the instance refused the scan or could not be reached
     */
    ScanAnswer scan(String instance, ScanRequest request);

    /** Stops serving and releases connections. Called by the runtime when it closes. */
    @Override
    void close();
}
