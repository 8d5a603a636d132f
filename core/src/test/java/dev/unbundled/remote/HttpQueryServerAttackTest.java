package dev.unbundled.remote;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile clients against a real query server with its default settings, over 127.0.0.1 only: while each
 * attack runs, a legitimate client reads keys one after another, and 99 of every 100 of its reads must be
 * answered within a second.
 *
 * <p>Every attack is bounded in connections, bytes and time, and ends when the test closes its sockets.
 */
class HttpQueryServerAttackTest {
    private static final String VIEW = "songs";
    /** The reads the legitimate client makes during an attack, and the most time it may spend on them. */
    private static final int READS = 200;
    private static final Duration READING_AT_MOST = Duration.ofSeconds(40);
    /** Reads start at most this often, so that they sample the whole attack rather than its first moment. */
    private static final Duration READ_EVERY = Duration.ofMillis(25);
    private static final Duration P99_BOUND = Duration.ofSeconds(1);
    private static final int BIG_ROWS = 1_000;
    private static final byte[] BIG_VALUE = new byte[100_000];

    private final HttpTransportTest.SortedHandler handler = new HttpTransportTest.SortedHandler(VIEW);
    private final List<AutoCloseable> resources = new ArrayList<>();

    HttpQueryServerAttackTest() {
        IntStream.range(0, 100).forEach(i -> handler.put(String.format("song-%04d", i), "value-" + i));
        Arrays.fill(BIG_VALUE, (byte) 'x');
        // The rows share one value: the test's heap holds 100 KB, a page of them is still 100 MB on the wire.
        IntStream.range(0, BIG_ROWS).forEach(i -> handler.putBytes(String.format("zz-big-%04d", i), BIG_VALUE));
    }

    @AfterEach
    void closeResources() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
        resources.clear();
    }

    @Test
    void serve_pipelinedRequestsFromClientsThatNeverRead_legitimateReadsP99UnderOneSecond() throws Exception {
        InetSocketAddress server = serve(HttpTransport.create());
        List<Attacker> attackers = IntStream.range(0, 4)
                .mapToObj(i -> new Attacker(server, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n", 8 * 1024 * 1024))
                .toList();
        // The attack is in place once the server has stopped taking every attacker's requests: its replies fill
        // the sockets' buffers, and what the server does then is what this test is about.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> attackers.stream().allMatch(Attacker::stalled));

        Duration p99 = legitimateReadsP99(server, "pipelined non-readers");

        assertThat(p99).isLessThan(P99_BOUND);
    }

    @Test
    void serve_clientsSendingTheirHeadersOneByteASecond_legitimateReadsP99UnderOneSecond() throws Exception {
        InetSocketAddress server = serve(HttpTransport.create());
        Socket[] slow = new Socket[6];
        for (int i = 0; i < slow.length; i++) {
            slow[i] = slowConnection(server);
        }
        Thread drip = daemon("slowloris", () -> {
            // One byte a second on each connection, for at most a minute; a connection the server closes is
            // opened again, as an attacker would.
            for (int second = 0; second < 60 && !Thread.currentThread().isInterrupted(); second++) {
                for (int i = 0; i < slow.length; i++) {
                    try {
                        slow[i].getOutputStream().write('a');
                        slow[i].getOutputStream().flush();
                    } catch (IOException closed) {
                        try {
                            slow[i] = slowConnection(server);
                        } catch (IOException e) {
                            return;
                        }
                    }
                }
                try {
                    TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        resources.add(drip::interrupt);

        Duration p99 = legitimateReadsP99(server, "slowloris");

        assertThat(p99).isLessThan(P99_BOUND);
    }

    @Test
    void serve_clientsAskingForHugePagesAndNeverReading_legitimateReadsP99UnderOneSecond() throws Exception {
        InetSocketAddress server = serve(HttpTransport.create());
        String hugePage = "GET /views/songs/rows?partitions=0&from=" + base64("zz-big-") + "&limit=1000 HTTP/1.1\r\n"
                + "Host: a\r\n\r\n";
        List<Attacker> attackers = IntStream.range(0, 4)
                .mapToObj(i -> new Attacker(server, hugePage, 64 * 1024))
                .toList();
        await().atMost(Duration.ofSeconds(30)).until(() -> attackers.stream().allMatch(a -> a.sent() > 0));

        Duration p99 = legitimateReadsP99(server, "huge pages never read");

        assertThat(p99).isLessThan(P99_BOUND);
    }

    @Test
    void scan_rowsOfOneHundredKilobytes_everyRowArrivesPageByPage() {
        InetSocketAddress server = serve(HttpTransport.create());
        HttpTransport client = HttpTransport.create();
        resources.add(client);
        String instance = "127.0.0.1:" + server.getPort();
        List<String> keys = new ArrayList<>();

        byte[] after = null;
        for (int pages = 0; pages < 2 * BIG_ROWS; pages++) {
            ScanAnswer page = client.scan(instance, new ScanRequest(VIEW, List.of(0), bytes("zz-big-"), null, null,
                    after, 1000, -1));
            page.rows().forEach(row -> keys.add(new String(row.key(), UTF_8)));
            assertThat(page.rows()).allSatisfy(row -> assertThat(row.value()).isEqualTo(BIG_VALUE));
            if (!page.more()) {
                break;
            }
            after = page.rows().get(page.rows().size() - 1).key();
        }

        assertThat(keys).containsExactlyElementsOf(IntStream.range(0, BIG_ROWS)
                .mapToObj(i -> String.format("zz-big-%04d", i)).toList());
    }

    /**
     * Reads {@value #READS} keys one after another, one every {@link #READ_EVERY} at most, within
     * {@link #READING_AT_MOST}, each with a 5 s timeout; a read that fails counts with the time it took.
     *
     * @return the 99th percentile of the reads' times
     */
    private Duration legitimateReadsP99(InetSocketAddress server, String attack) throws InterruptedException {
        HttpTransport client = HttpTransport.create();
        resources.add(client);
        String instance = "127.0.0.1:" + server.getPort();
        List<Long> nanos = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        long end = System.nanoTime() + READING_AT_MOST.toNanos();
        for (int i = 0; i < READS && System.nanoTime() - end < 0; i++) {
            long started = System.nanoTime();
            try {
                KeyAnswer answer = client.get(instance, new KeyRequest(VIEW, bytes(String.format("song-%04d",
                        i % 100)), 0, -1));
                if (answer.value() == null) {
                    failures.add("no value for read " + i);
                }
            } catch (RemoteQueryException e) {
                failures.add(e.reason() + ": " + e.getMessage());
            }
            long took = System.nanoTime() - started;
            nanos.add(took);
            // Pacing the load, not waiting for work: a read that took longer than the pace starts the next at once.
            TimeUnit.NANOSECONDS.sleep(READ_EVERY.toNanos() - took);
        }
        nanos.sort(null);
        Duration p99 = Duration.ofNanos(nanos.get((int) Math.ceil(nanos.size() * 0.99) - 1));
        System.out.printf("[attack] %s: %d legitimate reads, %d failed, p50 %d ms, p99 %d ms, max %d ms%n", attack,
                nanos.size(), failures.size(), TimeUnit.NANOSECONDS.toMillis(nanos.get(nanos.size() / 2)),
                p99.toMillis(), TimeUnit.NANOSECONDS.toMillis(nanos.get(nanos.size() - 1)));
        assertThat(failures).as("legitimate reads during the attack (%s)", attack).isEmpty();
        assertThat(nanos).as("reads made within %s", READING_AT_MOST).hasSize(READS);
        return p99;
    }

    private InetSocketAddress serve(HttpTransport transport) {
        resources.add(transport);
        try {
            int port = transport.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), handler);
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        } catch (IOException e) {
            throw new AssertionError("could not bind the loopback address", e);
        }
    }

    private Socket connect(InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        resources.add(socket);
        // A small window: the attacker's side holds little of what the server sends before the server must wait.
        socket.setReceiveBufferSize(4 * 1024);
        socket.connect(server, 5_000);
        return socket;
    }

    /** @return a connection that has sent the start of a request and will drip the rest */
    private Socket slowConnection(InetSocketAddress server) throws IOException {
        Socket socket = connect(server);
        socket.getOutputStream().write("GET /views/songs/keys/AA?partition=0 HTTP/1.1\r\nX-Slow: ".getBytes(US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    private Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, "attack-" + name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** One connection that sends the same request over and over, up to a number of bytes, and reads nothing. */
    private final class Attacker {
        private final AtomicLong sent = new AtomicLong();
        private long sentWhenLastAsked = -1;

        Attacker(InetSocketAddress server, String request, long maxBytes) {
            Socket socket;
            try {
                socket = connect(server);
            } catch (IOException e) {
                throw new AssertionError("could not connect to the server under attack", e);
            }
            byte[] batch = request.repeat(Math.max(1, 4096 / request.length())).getBytes(US_ASCII);
            daemon("pipeline", () -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    while (sent.get() < maxBytes) {
                        // Blocks once the server stops reading, until the server or the test closes the socket.
                        out.write(batch);
                        sent.addAndGet(batch.length);
                    }
                } catch (IOException closed) {
                    // The server closed the connection, or the test ended.
                }
            });
        }

        long sent() {
            return sent.get();
        }

        /** @return whether nothing more was sent since the last call: the server no longer reads, or closed */
        boolean stalled() {
            long now = sent.get();
            boolean stalled = now > 0 && now == sentWhenLastAsked;
            sentWhenLastAsked = now;
            return stalled;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static String base64(String text) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(text));
    }
}
