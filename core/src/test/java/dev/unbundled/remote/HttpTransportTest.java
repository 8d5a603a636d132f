package dev.unbundled.remote;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.unbundled.remote.RemoteQueryException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A real server and a real client over loopback sockets, answering from a {@link SortedHandler}. */
class HttpTransportTest {
    private static final String VIEW = "songs";
    private static final int ROWS = 2_500;
    private static final String TOKEN = "s3cr3t-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient RAW = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final SortedHandler handler = new SortedHandler(VIEW);
    private final List<AutoCloseable> resources = new ArrayList<>();

    HttpTransportTest() {
        IntStream.range(0, ROWS).forEach(i -> handler.put(songKey(i), "value-" + i));
    }

    @AfterEach
    void closeResources() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
        resources.clear();
    }

    // ---------------------------------------------------------------- get

    @Test
    void get_keyPresent_returnsValueFromActiveCopy() {
        String instance = serve(HttpTransport.create(), handler);

        KeyAnswer answer = client().get(instance, new KeyRequest(VIEW, bytes("song-0042"), 3, -1));

        assertThat(answer.value()).asString(UTF_8).isEqualTo("value-42");
        assertThat(answer.standby()).isFalse();
        assertThat(answer.lag()).isZero();
    }

    @Test
    void get_keyAbsent_returnsNullValue() {
        String instance = serve(HttpTransport.create(), handler);

        KeyAnswer answer = client().get(instance, new KeyRequest(VIEW, bytes("no-such-song"), 0, -1));

        assertThat(answer.value()).isNull();
    }

    @Test
    void get_standbyAnswer_carriesStandbyAndLagForPresentAndAbsentKeys() {
        handler.standby = true;
        handler.lag = 17;
        String instance = serve(HttpTransport.create(), handler);
        HttpTransport client = client();

        KeyAnswer present = client.get(instance, new KeyRequest(VIEW, bytes("song-0001"), 0, 100));
        KeyAnswer absent = client.get(instance, new KeyRequest(VIEW, bytes("nothing"), 0, 100));

        assertThat(present).extracting(KeyAnswer::standby, KeyAnswer::lag).containsExactly(true, 17L);
        assertThat(present.value()).asString(UTF_8).isEqualTo("value-1");
        assertThat(absent).extracting(KeyAnswer::value, KeyAnswer::standby, KeyAnswer::lag)
                .containsExactly(null, true, 17L);
    }

    @Test
    void get_request_reachesHandlerWithViewKeyPartitionAndMaxLag() {
        String instance = serve(HttpTransport.create(), handler);
        byte[] binaryKey = {0, -1, 62, 63, -128, 127};

        client().get(instance, new KeyRequest(VIEW, binaryKey, 7, 250));

        KeyRequest received = handler.lastGet;
        assertThat(received.view()).isEqualTo(VIEW);
        assertThat(received.key()).containsExactly(binaryKey);
        assertThat(received.partition()).isEqualTo(7);
        assertThat(received.maxLag()).isEqualTo(250);
    }

    @Test
    void get_viewNameNeedingEscapes_reachesThatView() {
        String awkward = "top songs/ä+1?#%";
        SortedHandler awkwardHandler = new SortedHandler(awkward);
        awkwardHandler.put("k", "v");
        String instance = serve(HttpTransport.create(), awkwardHandler);

        KeyAnswer answer = client().get(instance, new KeyRequest(awkward, bytes("k"), 0, -1));

        assertThat(answer.value()).asString(UTF_8).isEqualTo("v");
        assertThat(awkwardHandler.lastGet.view()).isEqualTo(awkward);
    }

    @Test
    void get_unknownView_throwsUnknownViewNamingInstance() {
        String instance = serve(HttpTransport.create(), handler);

        RemoteQueryException e = catchRemote(() -> client().get(instance, new KeyRequest("albums", bytes("k"), 0, -1)));

        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_VIEW);
        assertThat(e.view()).isEqualTo("albums");
        assertThat(e.getMessage()).startsWith(instance + ": ").contains("'albums'");
    }

    @ParameterizedTest
    @EnumSource(Reason.class)
    void get_handlerRefuses_throwsSameReasonWithServerMessage(Reason reason) {
        handler.failure = new RemoteQueryException(VIEW, reason, "partition 3 moved");
        String instance = serve(HttpTransport.create(), handler);

        RemoteQueryException e = catchRemote(() -> client().get(instance, new KeyRequest(VIEW, bytes("k"), 3, -1)));

        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.getMessage()).isEqualTo(instance + ": partition 3 moved");
    }

    @ParameterizedTest
    @EnumSource(value = Reason.class, names = {"NOT_HERE", "NOT_READY"})
    void scan_handlerRefuses_throwsSameReason(Reason reason) {
        handler.failure = new RemoteQueryException(VIEW, reason, "not now");
        String instance = serve(HttpTransport.create(), handler);

        RemoteQueryException e = catchRemote(() -> client().scan(instance, scanAll(10, null)));

        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.getMessage()).isEqualTo(instance + ": not now");
    }

    @Test
    void get_handlerThrowsIllegalArgument_throwsBadRequest() {
        handler.failure = new IllegalArgumentException("key too long");
        String instance = serve(HttpTransport.create(), handler);

        RemoteQueryException e = catchRemote(() -> client().get(instance, new KeyRequest(VIEW, bytes("k"), 0, -1)));

        assertThat(e.reason()).isEqualTo(Reason.BAD_REQUEST);
        assertThat(e.getMessage()).contains("key too long");
    }

    @Test
    void get_handlerFailsUnexpectedly_answers500AndLogsOneWarningWithStackTrace() throws Exception {
        handler.failure = new IllegalStateException("handler bug");
        String instance = serve(HttpTransport.create(), handler);
        HttpTransport client = client();
        RemoteQueryException[] thrown = new RemoteQueryException[1];

        String captured = stderrDuring(() ->
                thrown[0] = catchRemote(() -> client.get(instance, new KeyRequest(VIEW, bytes("k"), 0, -1))));
        HttpResponse<String> raw = raw("GET", instance, "/views/songs/keys/AA?partition=0");

        assertThat(thrown[0].reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(thrown[0].getMessage()).contains(instance).contains("500");
        assertThat(raw.statusCode()).isEqualTo(500);
        assertThat(json(raw).path("message").asText()).contains("IllegalStateException").doesNotContain("handler bug");
        assertThat(captured.split("WARN", -1)).as(captured).hasSize(2);
        assertThat(captured).contains("GET /views/songs/keys/").contains("handler bug").contains("\tat ");
    }

    @Test
    void refusals400to503AndOversizedRanges_logNothingAtWarnOrError() throws Exception {
        String instance = serve(HttpTransport.builder().bearerToken(TOKEN).build(), handler);
        HttpTransport client = client(HttpTransport.builder().bearerToken(TOKEN));

        String captured = stderrDuring(() -> {
            assertThat(raw("GET", instance, "/views/songs/keys/not*base64?partition=0", "Bearer " + TOKEN)
                    .statusCode()).isEqualTo(400);
            assertThat(raw("GET", instance, "/views/songs/keys/AA?partition=0").statusCode()).isEqualTo(401);
            assertThat(catchRemote(() -> client.get(instance, new KeyRequest("albums", bytes("k"), 0, -1))).reason())
                    .isEqualTo(Reason.UNKNOWN_VIEW);
            handler.failure = new RemoteQueryException(VIEW, Reason.NOT_HERE, "moved");
            assertThat(catchRemote(() -> client.get(instance, new KeyRequest(VIEW, bytes("k"), 0, -1))).reason())
                    .isEqualTo(Reason.NOT_HERE);
            handler.failure = new RemoteQueryException(VIEW, Reason.NOT_READY, "restoring");
            assertThat(catchRemote(() -> client.get(instance, new KeyRequest(VIEW, bytes("k"), 0, -1))).reason())
                    .isEqualTo(Reason.NOT_READY);
            handler.failure = null;
            HttpResponse<String> oversized = raw("GET", instance, "/views/songs/rows?partitions=0&limit=1000000",
                    "Bearer " + TOKEN);
            assertThat(oversized.statusCode()).isEqualTo(200);
            assertThat(json(oversized).get("rows")).as("the range is cut to a page").hasSize(1000);
            String tooMany = IntStream.rangeClosed(0, 10_000).mapToObj(Integer::toString)
                    .collect(Collectors.joining(","));
            assertThat(raw("GET", instance, "/views/songs/rows?partitions=" + tooMany, "Bearer " + TOKEN)
                    .statusCode()).isEqualTo(400);
        });

        assertThat(captured).doesNotContain("WARN").doesNotContain("ERROR").doesNotContain("\tat ");
    }

    // ---------------------------------------------------------------- scan

    @Test
    void scan_fromAndTo_returnInclusiveRangeInKeyOrder() {
        String instance = serve(HttpTransport.create(), handler);

        ScanAnswer page = client().scan(instance, new ScanRequest(VIEW, List.of(0, 3, 5), bytes("song-0010"),
                bytes("song-0012"), null, null, 100, -1));

        assertThat(keys(page)).containsExactly("song-0010", "song-0011", "song-0012");
        assertThat(page.rows()).extracting(row -> new String(row.value(), UTF_8))
                .containsExactly("value-10", "value-11", "value-12");
        assertThat(page.more()).isFalse();
        assertThat(handler.lastScan.partitions()).containsExactly(0, 3, 5);
    }

    @Test
    void scan_prefix_returnsOnlyKeysStartingWithIt() {
        String instance = serve(HttpTransport.create(), handler);

        ScanAnswer page = client().scan(instance, new ScanRequest(VIEW, List.of(0), null, null, bytes("song-249"),
                null, 100, 5));

        assertThat(keys(page)).containsExactlyElementsOf(
                IntStream.range(2490, 2500).mapToObj(HttpTransportTest::songKey).toList());
        assertThat(handler.lastScan.maxLag()).isEqualTo(5);
    }

    @Test
    void scan_pagingWithAfter_returnsEveryRowOnceInOrder() {
        String instance = serve(HttpTransport.create(), handler);
        HttpTransport client = client();
        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();

        byte[] after = null;
        ScanAnswer page;
        do {
            page = client.scan(instance, scanAll(1000, after));
            seen.addAll(keys(page));
            pageSizes.add(page.rows().size());
            after = page.rows().isEmpty() ? after : page.rows().get(page.rows().size() - 1).key();
        } while (page.more() && pageSizes.size() < 10);

        assertThat(pageSizes).containsExactly(1000, 1000, 500);
        assertThat(seen).containsExactlyElementsOf(IntStream.range(0, ROWS).mapToObj(HttpTransportTest::songKey)
                .toList());
    }

    @Test
    void scan_limitAboveMaxPageSize_isClampedAndSaysMore() {
        String instance = serve(HttpTransport.create(), handler);

        ScanAnswer page = client().scan(instance, scanAll(1_000_000, null));

        assertThat(page.rows()).hasSize(1000);
        assertThat(page.more()).isTrue();
        assertThat(handler.lastScan.limit()).isEqualTo(1000);
    }

    @Test
    void rawScan_withoutLimit_asksHandlerForMaxPageSize() throws Exception {
        String instance = serve(HttpTransport.builder().maxPageSize(10).build(), handler);

        HttpResponse<String> response = raw("GET", instance, "/views/songs/rows?partitions=1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(response).get("rows")).hasSize(10);
        assertThat(json(response).get("more").booleanValue()).isTrue();
        assertThat(handler.lastScan.limit()).isEqualTo(10);
        assertThat(handler.lastScan.maxLag()).isEqualTo(-1);
    }

    @Test
    void scan_nothingInRange_returnsEmptyPageWithoutMore() {
        String instance = serve(HttpTransport.create(), handler);

        ScanAnswer page = client().scan(instance, new ScanRequest(VIEW, List.of(0), null, null, bytes("album-"),
                null, 10, -1));

        assertThat(page.rows()).isEmpty();
        assertThat(page.more()).isFalse();
    }

    // ---------------------------------------------------------------- raw HTTP

    @ParameterizedTest
    @ValueSource(strings = {
        "/views/songs/keys/not*base64?partition=0",
        "/views/songs/keys/AA",
        "/views/songs/keys/AA?partition=x",
        "/views/songs/keys/AA?partition=-1",
        "/views/songs/keys/AA?partition=0&maxLag=-2",
        "/views/songs/keys/AA?partition=0&partition=1",
        "/views/songs/rows",
        "/views/songs/rows?partitions=a,b",
        "/views/songs/rows?partitions=0,0",
        "/views/songs/rows?partitions=0,",
        "/views/songs/rows?partitions=0,-1",
        "/views/songs/rows?partitions=0&limit=-1",
        "/views/songs/rows?partitions=0&limit=0",
        "/views/songs/rows?partitions=0&limit=abc",
        "/views/songs/rows?partitions=0&from=not*base64",
        "/views/songs/rows?partitions=0&maxLag=lots",
        "/views/songs/other",
        "/views/songs/keys/AA/extra?partition=0",
        "/views"
    })
    void rawGet_malformedRequest_is400BadRequestWithMessage(String pathAndQuery) throws Exception {
        String instance = serve(HttpTransport.create(), handler);

        HttpResponse<String> response = raw("GET", instance, pathAndQuery);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).path("reason").asText()).isEqualTo("BAD_REQUEST");
        assertThat(json(response).path("message").asText()).isNotBlank();
    }

    @Test
    void rawScan_moreThanTenThousandPartitions_is400NamingTheLimit() throws Exception {
        String instance = serve(HttpTransport.create(), handler);
        String tenThousand = IntStream.range(0, 10_000).mapToObj(Integer::toString).collect(Collectors.joining(","));

        HttpResponse<String> most = raw("GET", instance, "/views/songs/rows?partitions=" + tenThousand);
        HttpResponse<String> tooMany = raw("GET", instance, "/views/songs/rows?partitions=" + tenThousand + ",10000");

        assertThat(most.statusCode()).as(most.body()).isEqualTo(200);
        assertThat(handler.lastScan.partitions()).hasSize(10_000).startsWith(0, 1, 2).endsWith(9_999);
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(json(tooMany).path("message").asText()).contains("more than 10000 partitions");
        assertThat(handler.lastScan.partitions()).as("not passed on").hasSize(10_000);
    }

    @Test
    void rawScan_malformedLongPartitionList_is400QuotingOnlyItsStart() throws Exception {
        String instance = serve(HttpTransport.create(), handler);
        String repeated = IntStream.range(0, 5_000).mapToObj(i -> "7").collect(Collectors.joining(","));

        HttpResponse<String> response = raw("GET", instance, "/views/songs/rows?partitions=" + repeated);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("message").asText()).contains("distinct").contains("(9999 characters)")
                .hasSizeLessThan(300);
    }

    @Test
    void rawGet_unknownViewWithMalformedKey_is404UnknownViewBeforeDecodingKey() throws Exception {
        String instance = serve(HttpTransport.create(), handler);

        HttpResponse<String> response = raw("GET", instance, "/views/albums/keys/not*base64?partition=0");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).path("reason").asText()).isEqualTo("UNKNOWN_VIEW");
    }

    @Test
    void rawGet_absentKey_is404NoRowWithStandbyAndLag() throws Exception {
        String instance = serve(HttpTransport.create(), handler);

        HttpResponse<String> response = raw("GET", instance, "/views/songs/keys/AA?partition=0");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"reason\":\"NO_ROW\",\"standby\":false,\"lag\":0}");
    }

    @Test
    void rawGet_presentKey_is200WithBase64UrlValue() throws Exception {
        String instance = serve(HttpTransport.create(), handler);

        HttpResponse<String> response = raw("GET", instance, "/views/songs/keys/" + base64("song-0007")
                + "?partition=0&maxLag=3");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"value\":\"" + base64("value-7") + "\",\"standby\":false,\"lag\":0}");
    }

    @Test
    void rawGet_pathOutsideViews_is404() throws Exception {
        String instance = serve(HttpTransport.create(), handler);

        HttpResponse<String> response = raw("GET", instance, "/metrics");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).path("reason").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void rawPost_is405AllowingGet() throws Exception {
        String instance = serve(HttpTransport.create(), handler);

        HttpResponse<String> response = raw("POST", instance, "/views/songs/keys/AA?partition=0");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET");
        assertThat(handler.lastGet).isNull();
    }

    // ---------------------------------------------------------------- bearer token

    @Test
    void rawGet_missingToken_is401WithBearerChallenge() throws Exception {
        String instance = serve(HttpTransport.builder().bearerToken(TOKEN).build(), handler);

        HttpResponse<String> response = raw("GET", instance, "/views/songs/keys/AA?partition=0");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(json(response).path("reason").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(handler.lastGet).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer wrong", "Bearer " + TOKEN + "x", "Bearer s3cr3t", "Basic " + TOKEN, "Bearer"})
    void rawGet_wrongToken_is401(String authorization) throws Exception {
        String instance = serve(HttpTransport.builder().bearerToken(TOKEN).build(), handler);

        HttpResponse<String> response = raw("GET", instance, "/views/songs/keys/AA?partition=0", authorization);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response).path("reason").asText()).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void rawGet_rightToken_is200() throws Exception {
        String instance = serve(HttpTransport.builder().bearerToken(TOKEN).build(), handler);

        HttpResponse<String> response = raw("GET", instance, "/views/songs/keys/" + base64("song-0001")
                + "?partition=0", "Bearer " + TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void get_clientWithSameToken_reads_clientWithoutTokenIsUnauthorized() {
        String instance = serve(HttpTransport.builder().bearerToken(TOKEN).build(), handler);
        KeyRequest request = new KeyRequest(VIEW, bytes("song-0001"), 0, -1);

        KeyAnswer answer = client(HttpTransport.builder().bearerToken(TOKEN)).get(instance, request);
        RemoteQueryException e = catchRemote(() -> client().get(instance, request));

        assertThat(answer.value()).asString(UTF_8).isEqualTo("value-1");
        assertThat(e.reason()).isEqualTo(Reason.UNAUTHORIZED);
        assertThat(e.getMessage()).doesNotContain(TOKEN);
    }

    // ---------------------------------------------------------------- unreachable

    @Test
    void get_closedPort_throwsUnreachableQuicklyNamingInstance() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        String instance = "127.0.0.1:" + port;

        RemoteQueryException e = assertTimeout(Duration.ofSeconds(3),
                () -> catchRemote(() -> client().get(instance, new KeyRequest(VIEW, bytes("k"), 0, -1))));

        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(e.getMessage()).contains(instance).contains("'songs'");
    }

    @Test
    void get_instanceSlowerThanRequestTimeout_throwsUnreachable() throws IOException {
        String instance = stubServer(-1, "");
        HttpTransport client = client(HttpTransport.builder().requestTimeout(Duration.ofMillis(300)));

        RemoteQueryException e = assertTimeout(Duration.ofSeconds(5),
                () -> catchRemote(() -> client.get(instance, new KeyRequest(VIEW, bytes("k"), 0, -1))));

        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(e.getMessage()).contains(instance);
    }

    @Test
    void get_interrupted_throwsUnreachableAndKeepsInterruptFlag() throws IOException {
        String instance = stubServer(-1, "");
        HttpTransport client = client();

        Thread.currentThread().interrupt();
        RemoteQueryException e = catchRemote(() -> client.get(instance, new KeyRequest(VIEW, bytes("k"), 0, -1)));

        assertThat(Thread.interrupted()).isTrue();
        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<html>hello</html>", "", "[1,2]", "{\"value\":\"not*base64\",\"standby\":false,\"lag\":0}",
        "{\"value\":\"AA\"}"})
    void get_instanceAnswersNonsenseWith200_throwsUnreachable(String body) throws IOException {
        String instance = stubServer(200, body);

        RemoteQueryException e = catchRemote(() -> client().get(instance, new KeyRequest(VIEW, bytes("k"), 0, -1)));

        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(e.getMessage()).contains(instance);
    }

    @Test
    void get_foreignServerAnswers404_throwsUnreachableNotUnknownView() throws IOException {
        String instance = stubServer(404, "{\"error\":\"Not Found\"}");

        RemoteQueryException e = catchRemote(() -> client().get(instance, new KeyRequest(VIEW, bytes("k"), 0, -1)));

        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
    }

    @Test
    void scan_instanceAnswersPageWithoutMore_throwsUnreachable() throws IOException {
        String instance = stubServer(200, "{\"rows\":[]}");

        RemoteQueryException e = catchRemote(() -> client().scan(instance, scanAll(10, null)));

        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
    }

    // ---------------------------------------------------------------- overload and slow or huge messages

    @Test
    void serve_everyThreadBusyAndQueueFull_answersTheNextRequest503NotReadyAtOnce() throws Exception {
        String instance = serve(HttpTransport.builder().threads(1).maxQueuedRequests(1).build(), handler);
        handler.gate = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> busy = rawAsync(instance, "/views/songs/keys/" + base64("song-0001")
                + "?partition=0");
        assertThat(handler.entered.await(10, TimeUnit.SECONDS)).as("the only thread is answering").isTrue();
        List<CompletableFuture<HttpResponse<String>>> later = new ArrayList<>();

        String captured = stderrDuring(() -> {
            later.add(rawAsync(instance, "/views/songs/keys/" + base64("song-0002") + "?partition=0"));
            later.add(rawAsync(instance, "/views/songs/keys/" + base64("song-0003") + "?partition=0"));
            CompletableFuture.anyOf(later.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        });
        HttpResponse<String> refused = later.stream().filter(CompletableFuture::isDone).findFirst().orElseThrow().get();
        CompletableFuture<HttpResponse<String>> queued = later.stream().filter(f -> !f.isDone()).findFirst()
                .orElseThrow(() -> new AssertionError("one request waits in the queue of 1"));

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(json(refused).path("reason").asText()).isEqualTo("NOT_READY");
        assertThat(json(refused).path("message").asText()).contains("overloaded").contains("threads(n)");
        assertThat(captured).doesNotContain("WARN").doesNotContain("ERROR");
        handler.gate.countDown();
        assertThat(busy.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(queued.get(10, TimeUnit.SECONDS).statusCode()).as("the queued request is answered").isEqualTo(200);
    }

    @Test
    void serve_clientSendingHalfARequest_isClosedAfterMaxRequestTimeWithoutHoldingTheOnlyQueryThread()
            throws Exception {
        String instance = serve(HttpTransport.builder().threads(1).maxRequestTime(Duration.ofMillis(500)).build(),
                handler);
        HttpTransport client = client();
        try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(instance.split(":")[1]))) {
            slow.setSoTimeout(10_000);
            slow.getOutputStream().write(bytes("GET /views/songs/keys/AA?partition=0 HTTP/1.1\r\nHost: x"));
            slow.getOutputStream().flush();

            KeyAnswer answer = assertTimeout(Duration.ofSeconds(1),
                    () -> client.get(instance, new KeyRequest(VIEW, bytes("song-0004"), 0, -1)));
            long started = System.nanoTime();
            int read = slow.getInputStream().read();
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertThat(answer.value()).asString(UTF_8).isEqualTo("value-4");
            assertThat(read).as("the server closed the connection without answering").isEqualTo(-1);
            assertThat(waitedMillis).isLessThan(5_000);
        }
    }

    @Test
    void serve_clientPipeliningRequestsAndNeverReading_isClosedAfterMaxReplyTime() throws Exception {
        HttpTransport transport = HttpTransport.builder().maxReplyTime(Duration.ofMillis(500)).build();
        String instance = serve(transport, handler);
        try (Socket greedy = new Socket()) {
            greedy.setReceiveBufferSize(4 * 1024);
            greedy.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    Integer.parseInt(instance.split(":")[1])));
            byte[] requests = bytes("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".repeat(1_000));
            CompletableFuture<Long> sending = CompletableFuture.supplyAsync(() -> {
                long sent = 0;
                try {
                    // At most 64 MB; the server closes the connection long before.
                    while (sent < 64L * 1024 * 1024) {
                        greedy.getOutputStream().write(requests);
                        sent += requests.length;
                    }
                } catch (IOException closedByTheServer) {
                    return sent;
                }
                return sent;
            });

            await().atMost(Duration.ofSeconds(20)).until(() -> transport.server().openConnections() == 0
                    && sending.isDone());

            assertThat(sending.get()).as("bytes of requests sent before the server closed the connection")
                    .isPositive().isLessThan(64L * 1024 * 1024);
        }
    }

    @Test
    void serve_largeRepliesWaitingForAClientThatDoesNotRead_refuseOtherLargeRepliesBeyondTheBudget() throws Exception {
        byte[] big = new byte[70_000];
        IntStream.range(0, 10).forEach(i -> handler.putBytes("big-" + i, big));
        HttpQueryServer server = HttpQueryServer.start(loopback(), new QueryEndpoint(handler, null, 1000, 1 << 20),
                null, new HttpQueryServer.Limits(16, Duration.ofSeconds(10), Duration.ofSeconds(30),
                        Duration.ofSeconds(30), 100_000), 4, 100);
        resources.add(server::close);
        String instance = "127.0.0.1:" + server.port();
        ScanRequest onePage = new ScanRequest(VIEW, List.of(0), bytes("big-"), null, null, null, 1, -1);
        Socket greedy = new Socket();
        resources.add(greedy);
        greedy.setReceiveBufferSize(4 * 1024);
        greedy.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        byte[] requests = bytes(("GET /views/songs/rows?partitions=0&from=" + base64("big-") + "&limit=1 HTTP/1.1\r\n"
                + "Host: a\r\n\r\n").repeat(1_000));
        CompletableFuture.runAsync(() -> {
            try {
                greedy.getOutputStream().write(requests);
            } catch (IOException closed) {
                // the test closed it
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> server.replyBytesHeld() > HttpQueryServer.SMALL_REPLY);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(20))
                .until(() -> server.replyBytesHeld() > HttpQueryServer.SMALL_REPLY);

        RemoteQueryException refused = catchRemote(() -> client().scan(instance, onePage));
        KeyAnswer small = client().get(instance, new KeyRequest(VIEW, bytes("song-0001"), 0, -1));
        greedy.close();

        assertThat(refused.reason()).isEqualTo(Reason.NOT_READY);
        assertThat(refused.getMessage()).contains("overloaded").contains("bytes of replies wait");
        assertThat(small.value()).asString(UTF_8).isEqualTo("value-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.replyBytesHeld() == 0);
        assertThat(client().scan(instance, onePage).rows()).hasSize(1);
    }

    @Test
    void serve_asManyConnectionsAsTheLimitWaitingOnSlowClients_aNewClientIsStillAnswered() throws Exception {
        HttpTransport transport = HttpTransport.builder().maxConnections(2).build();
        String instance = serve(transport, handler);
        int port = Integer.parseInt(instance.split(":")[1]);
        try (Socket oldest = new Socket(InetAddress.getLoopbackAddress(), port);
             Socket newer = new Socket(InetAddress.getLoopbackAddress(), port)) {
            oldest.setSoTimeout(10_000);
            oldest.getOutputStream().write(bytes("GET /views/songs/keys/AA?partition=0 HTTP/1.1\r\n"));
            newer.getOutputStream().write(bytes("GET /views/songs/keys/AA?partition=0 HTTP/1.1\r\n"));
            await().atMost(Duration.ofSeconds(10)).until(() -> transport.server().openConnections() == 2);

            KeyAnswer answer = assertTimeout(Duration.ofSeconds(5),
                    () -> client().get(instance, new KeyRequest(VIEW, bytes("song-0004"), 0, -1)));

            assertThat(answer.value()).asString(UTF_8).isEqualTo("value-4");
            assertThat(oldest.getInputStream().read()).as("the longest-waiting connection was closed").isEqualTo(-1);
        }
    }

    @Test
    void rawScan_rowsOverMaxPageBytes_pageStopsBeforeTheRowThatWouldExceedIt() throws Exception {
        // each row: a 9-byte key and a 7-byte value
        String instance = serve(HttpTransport.builder().maxPageBytes(100).build(), handler);

        HttpResponse<String> page = raw("GET", instance, "/views/songs/rows?partitions=0");
        HttpResponse<String> asked = raw("GET", instance, "/views/songs/rows?partitions=0&maxBytes=50");
        HttpResponse<String> above = raw("GET", instance, "/views/songs/rows?partitions=0&maxBytes=5000");

        assertThat(json(page).get("rows")).hasSize(6);
        assertThat(json(page).get("more").booleanValue()).isTrue();
        assertThat(json(asked).get("rows")).hasSize(3);
        assertThat(json(above).get("rows")).as("cut to maxPageBytes").hasSize(6);
        assertThat(handler.lastScan.maxBytes()).as("the handler is asked for no more").isEqualTo(100);
    }

    @Test
    void scan_rowLargerThanMaxPageBytes_comesAloneInItsPage() {
        handler.putBytes("song-0000", new byte[5_000]);
        String instance = serve(HttpTransport.builder().maxPageBytes(1_000).build(), handler);

        ScanAnswer first = client().scan(instance, scanAll(10, null));
        ScanAnswer second = client().scan(instance, scanAll(10, first.rows().get(0).key()));

        assertThat(keys(first)).containsExactly("song-0000");
        assertThat(first.rows().get(0).value()).hasSize(5_000);
        assertThat(first.more()).isTrue();
        assertThat(keys(second)).hasSize(10).startsWith("song-0001");
    }

    @Test
    void serve_bindAddress_listensThereWhateverAddressTheRuntimePasses() throws Exception {
        HttpTransport transport = HttpTransport.builder().bindAddress("127.0.0.1").build();
        resources.add(transport);

        // the runtime passes the wildcard address today
        int port = transport.serve(new InetSocketAddress(0), handler);

        assertThat(transport.server().address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> new Socket("127.0.0.2", port).close()).as("another address of this machine")
                .isInstanceOf(IOException.class);
        assertThat(client().get("127.0.0.1:" + port, new KeyRequest(VIEW, bytes("song-0001"), 0, -1)).value())
                .asString(UTF_8).isEqualTo("value-1");
    }

    @Test
    void serve_addressGiven_listensOnItOnly() throws Exception {
        HttpTransport transport = HttpTransport.create();
        resources.add(transport);

        int port = transport.serve(new InetSocketAddress("127.0.0.1", 0), handler);

        assertThat(transport.server().address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> new Socket("127.0.0.2", port).close()).isInstanceOf(IOException.class);
    }

    @Test
    void serve_bindAddressThatDoesNotResolve_throwsIOExceptionSayingWhatToDo() {
        HttpTransport transport = HttpTransport.builder().bindAddress("no-such-host.invalid").build();
        resources.add(transport);

        assertThatThrownBy(() -> transport.serve(new InetSocketAddress(0), handler)).isInstanceOf(IOException.class)
                .hasMessageContaining("no-such-host.invalid").hasMessageContaining("bindAddress");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void get_replyLargerThanTheClientReads_throwsUnreachableNamingTheLimit(boolean chunked) throws IOException {
        String body = "{\"value\":\"" + "A".repeat(2_000) + "\",\"standby\":false,\"lag\":0}";
        String instance = stubServer(200, body, chunked);
        int length = bytes(body).length;
        KeyRequest request = new KeyRequest(VIEW, bytes("k"), 0, -1);

        KeyAnswer atTheLimit = new HttpQueryClient(null, null, Duration.ofSeconds(5), length).get(instance, request);
        RemoteQueryException e = catchRemote(() ->
                new HttpQueryClient(null, null, Duration.ofSeconds(5), length - 1).get(instance, request));

        assertThat(atTheLimit.value()).hasSize(1_500);
        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(e.getMessage()).contains(instance).contains("more than " + (length - 1) + " bytes")
                .contains("maxPageSize");
    }

    // ---------------------------------------------------------------- lifecycle

    @Test
    void serve_workers_areDaemonThreadsNamedUnbundledQuery() {
        String instance = serve(HttpTransport.builder().threads(2).build(), handler);

        client().get(instance, new KeyRequest(VIEW, bytes("k"), 0, -1));

        assertThat(handler.lastThread.getName()).matches("unbundled-query-\\d+");
        assertThat(handler.lastThread.isDaemon()).isTrue();
    }

    @Test
    void serve_twice_throwsIllegalState() throws IOException {
        HttpTransport transport = HttpTransport.create();
        serve(transport, handler);

        assertThatThrownBy(() -> transport.serve(loopback(), handler)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already serves on port");
    }

    @Test
    void close_stopsServingAndIsIdempotent() {
        HttpTransport transport = HttpTransport.create();
        String instance = serve(transport, handler);

        transport.close();
        transport.close();

        RemoteQueryException e = catchRemote(() -> client().get(instance, new KeyRequest(VIEW, bytes("k"), 0, -1)));
        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(handler.lastThread).isNull();
    }

    @Test
    void close_thenReadOrServe_throwsIllegalState() {
        HttpTransport transport = HttpTransport.create();
        transport.close();

        assertThatThrownBy(() -> transport.get("127.0.0.1:1", new KeyRequest(VIEW, bytes("k"), 0, -1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> transport.scan("127.0.0.1:1", scanAll(1, null)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> transport.serve(loopback(), handler)).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-port", "host:port", "user@host:80", "host:80/path", ""})
    void get_instanceNotHostAndPort_throwsIllegalArgument(String instance) {
        HttpTransport client = client();

        assertThatThrownBy(() -> client.get(instance, new KeyRequest(VIEW, bytes("k"), 0, -1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
    }

    // ---------------------------------------------------------------- arguments

    @Test
    void publicMethods_nullArguments_throwNullPointerExceptionNamingIt() {
        HttpTransport transport = client();
        HttpTransport.Builder builder = HttpTransport.builder();
        KeyRequest get = new KeyRequest(VIEW, bytes("k"), 0, -1);

        assertThatThrownBy(() -> transport.serve(null, handler)).hasMessage("bind");
        assertThatThrownBy(() -> transport.serve(loopback(), null)).hasMessage("handler");
        assertThatThrownBy(() -> transport.get(null, get)).hasMessage("instance");
        assertThatThrownBy(() -> transport.get("127.0.0.1:1", null)).hasMessage("request");
        assertThatThrownBy(() -> transport.scan(null, scanAll(1, null))).hasMessage("instance");
        assertThatThrownBy(() -> transport.scan("127.0.0.1:1", null)).hasMessage("request");
        assertThatThrownBy(() -> builder.bearerToken(null)).isInstanceOf(NullPointerException.class).hasMessage("token");
        assertThatThrownBy(() -> builder.sslContext(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("sslContext");
        assertThatThrownBy(() -> builder.requestTimeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("timeout");
        assertThatThrownBy(() -> builder.maxRequestTime(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("time");
        assertThatThrownBy(() -> builder.maxReplyTime(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("time");
        assertThatThrownBy(() -> builder.bindAddress(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("host");
    }

    @Test
    void messages_nullRequiredFields_throwNullPointerException() {
        byte[] key = bytes("k");

        assertThatThrownBy(() -> new KeyRequest(null, key, 0, -1)).isInstanceOf(NullPointerException.class).hasMessage("view");
        assertThatThrownBy(() -> new KeyRequest(VIEW, null, 0, -1)).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> new ScanRequest(null, List.of(0), null, null, null, null, 1, -1))
                .isInstanceOf(NullPointerException.class).hasMessage("view");
        assertThatThrownBy(() -> new ScanRequest(VIEW, null, null, null, null, null, 1, -1))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ScanRequest(VIEW, List.of(0), null, null, null, null, 1, -1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBytes");
        assertThatThrownBy(() -> new ScanAnswer(null, false)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ScanAnswer.Row(null, key)).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> new ScanAnswer.Row(key, null)).isInstanceOf(NullPointerException.class).hasMessage("value");
    }

    @Test
    void builder_settingTwice_throwsSayingSo_withoutRepeatingTheToken() throws Exception {
        HttpTransport.Builder builder = HttpTransport.builder().bearerToken(TOKEN).threads(2)
                .requestTimeout(Duration.ofSeconds(1)).maxPageSize(10).maxQueuedRequests(5)
                .sslContext(SSLContext.getDefault()).maxPageBytes(100).maxConnections(7)
                .maxRequestTime(Duration.ofSeconds(3)).maxReplyTime(Duration.ofSeconds(4)).bindAddress("127.0.0.1");

        assertThatThrownBy(() -> builder.bearerToken("other")).isInstanceOf(IllegalStateException.class)
                .hasMessage("bearerToken was already set");
        assertThatThrownBy(() -> builder.threads(3)).hasMessage("threads was already set to 2");
        assertThatThrownBy(() -> builder.requestTimeout(Duration.ofSeconds(2)))
                .hasMessage("requestTimeout was already set to PT1S");
        assertThatThrownBy(() -> builder.maxPageSize(20)).hasMessage("maxPageSize was already set to 10");
        assertThatThrownBy(() -> builder.maxQueuedRequests(20)).hasMessage("maxQueuedRequests was already set to 5");
        assertThatThrownBy(() -> builder.maxPageBytes(20)).hasMessage("maxPageBytes was already set to 100");
        assertThatThrownBy(() -> builder.maxConnections(20)).hasMessage("maxConnections was already set to 7");
        assertThatThrownBy(() -> builder.maxRequestTime(Duration.ofSeconds(1)))
                .hasMessage("maxRequestTime was already set to PT3S");
        assertThatThrownBy(() -> builder.maxReplyTime(Duration.ofSeconds(1)))
                .hasMessage("maxReplyTime was already set to PT4S");
        assertThatThrownBy(() -> builder.bindAddress("0.0.0.0")).hasMessage("bindAddress was already set to 127.0.0.1");
        assertThatThrownBy(() -> builder.sslContext(SSLContext.getDefault())).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("sslContext was already set");
    }

    @Test
    void builder_badValues_throwIllegalArgumentSayingWhatToDo() {
        assertThatThrownBy(() -> HttpTransport.builder().threads(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1, was 0");
        assertThatThrownBy(() -> HttpTransport.builder().maxPageSize(-5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1, was -5");
        assertThatThrownBy(() -> HttpTransport.builder().maxQueuedRequests(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1, was 0");
        assertThatThrownBy(() -> HttpTransport.builder().requestTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Duration.ofSeconds");
        assertThatThrownBy(() -> HttpTransport.builder().requestTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpTransport.builder().maxPageBytes(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("from 1 to 33554432");
        assertThatThrownBy(() -> HttpTransport.builder().maxPageBytes(32 * 1024 * 1024 + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 MiB");
        assertThatThrownBy(() -> HttpTransport.builder().maxConnections(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1, was 0");
        assertThatThrownBy(() -> HttpTransport.builder().maxRequestTime(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRequestTime must be positive");
        assertThatThrownBy(() -> HttpTransport.builder().maxReplyTime(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxReplyTime must be positive");
        assertThatThrownBy(() -> HttpTransport.builder().bindAddress(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0.0.0.0");
        assertThatThrownBy(() -> HttpTransport.builder().bearerToken("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("random secret");
        assertThatThrownBy(() -> HttpTransport.builder().bearerToken("two words"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no spaces");
        assertThatThrownBy(() -> HttpTransport.builder().bearerToken("line\nbreak"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- TLS

    @Nested
    class Tls {
        @TempDir
        static Path dir;
        static SSLContext tls;

        @BeforeAll
        static void selfSignedCertificate() throws Exception {
            tls = selfSignedContext(dir);
        }

        @Test
        void get_overHttps_roundTrips() {
            String instance = serve(HttpTransport.builder().sslContext(tls).bearerToken(TOKEN).build(), handler);

            KeyAnswer answer = client(HttpTransport.builder().sslContext(tls).bearerToken(TOKEN))
                    .get(instance, new KeyRequest(VIEW, bytes("song-0003"), 0, -1));
            ScanAnswer page = client(HttpTransport.builder().sslContext(tls).bearerToken(TOKEN))
                    .scan(instance, scanAll(5, null));

            assertThat(answer.value()).asString(UTF_8).isEqualTo("value-3");
            assertThat(page.rows()).hasSize(5);
        }

        @Test
        void get_plainHttpClientAgainstHttpsServer_cannotRead() {
            String instance = serve(HttpTransport.builder().sslContext(tls).build(), handler);

            RemoteQueryException e = catchRemote(() -> client(HttpTransport.builder().requestTimeout(
                    Duration.ofSeconds(2))).get(instance, new KeyRequest(VIEW, bytes("song-0003"), 0, -1)));
            assertThatThrownBy(() -> RAW.send(HttpRequest.newBuilder(URI.create("http://" + instance
                    + "/views/songs/keys/AA?partition=0")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);

            assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
            assertThat(handler.lastGet).isNull();
        }

        @Test
        void get_httpsClientNotTrustingCertificate_cannotRead() throws Exception {
            String instance = serve(HttpTransport.builder().sslContext(tls).build(), handler);
            HttpTransport client = client(HttpTransport.builder().sslContext(SSLContext.getDefault()));

            RemoteQueryException e = catchRemote(() -> client.get(instance, new KeyRequest(VIEW, bytes("k"), 0, -1)));

            assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
            assertThat(handler.lastGet).isNull();
        }
    }

    private static SSLContext selfSignedContext(Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        char[] password = "changeit".toCharArray();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output;
        try (InputStream out = keytool.getInputStream()) {
            output = new String(out.readAllBytes(), UTF_8);
        }
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    // ---------------------------------------------------------------- helpers

    private String serve(HttpTransport transport, QueryHandler queryHandler) {
        resources.add(transport);
        try {
            return "127.0.0.1:" + transport.serve(loopback(), queryHandler);
        } catch (IOException e) {
            throw new AssertionError("could not bind the loopback address", e);
        }
    }

    private HttpTransport client() {
        return client(HttpTransport.builder());
    }

    private HttpTransport client(HttpTransport.Builder builder) {
        HttpTransport transport = builder.build();
        resources.add(transport);
        return transport;
    }

    /**
     * Starts a plain JDK server that answers every request with {@code status} and {@code body}, or, for a
     * negative status, never answers until the test ends.
     */
    private String stubServer(int status, String body) throws IOException {
        return stubServer(status, body, false);
    }

    /** As {@link #stubServer(int, String)}, sending the body in chunks, without a length, if told to. */
    private String stubServer(int status, String body, boolean chunked) throws IOException {
        CountDownLatch testOver = new CountDownLatch(1);
        HttpServer server = HttpServer.create(loopback(), 0);
        server.createContext("/", exchange -> {
            try {
                if (status < 0) {
                    testOver.await();
                    return;
                }
                byte[] bytes = body.getBytes(UTF_8);
                exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : chunked ? 0 : bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.start();
        resources.add(() -> {
            testOver.countDown();
            server.stop(0);
        });
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private static HttpResponse<String> raw(String method, String instance, String pathAndQuery) throws Exception {
        return raw(method, instance, pathAndQuery, null);
    }

    private static HttpResponse<String> raw(String method, String instance, String pathAndQuery,
                                            String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + instance + pathAndQuery))
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"))
                .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return RAW.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> rawAsync(String instance, String pathAndQuery) {
        return RAW.sendAsync(HttpRequest.newBuilder(URI.create("http://" + instance + pathAndQuery))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private static RemoteQueryException catchRemote(Runnable read) {
        RemoteQueryException e = catchThrowableOfType(RemoteQueryException.class, read::run);
        assertThat(e).as("expected a RemoteQueryException").isNotNull();
        return e;
    }

    /** Runs the action with standard error, where slf4j-simple writes, captured. */
    private static String stderrDuring(ThrowingRunnable action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(UTF_8);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static ScanRequest scanAll(int limit, byte[] after) {
        return new ScanRequest(VIEW, List.of(0, 1), null, null, null, after, limit, -1);
    }

    private static String songKey(int i) {
        return String.format("song-%04d", i);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(text));
    }

    private static List<String> keys(ScanAnswer page) {
        return page.rows().stream().map(row -> new String(row.key(), UTF_8)).toList();
    }

    /** A view's local state held in one sorted map, ignoring partitions, answering the way a runtime would. */
    static final class SortedHandler implements QueryHandler {
        private final String view;
        private final NavigableMap<Bytes, byte[]> rows = new TreeMap<>();
        volatile boolean standby;
        volatile long lag;
        volatile RuntimeException failure;
        volatile KeyRequest lastGet;
        volatile ScanRequest lastScan;
        volatile Thread lastThread;
        /** When set, every get waits for it to open, after counting down {@link #entered}. */
        volatile CountDownLatch gate;
        final CountDownLatch entered = new CountDownLatch(1);

        SortedHandler(String view) {
            this.view = view;
        }

        void put(String key, String value) {
            putBytes(key, bytes(value));
        }

        void putBytes(String key, byte[] value) {
            rows.put(Bytes.wrap(bytes(key)), value);
        }

        @Override
        public boolean knows(String name) {
            return view.equals(name);
        }

        @Override
        public KeyAnswer get(KeyRequest request) {
            lastGet = request;
            lastThread = Thread.currentThread();
            failIfTold();
            CountDownLatch waitFor = gate;
            if (waitFor != null) {
                entered.countDown();
                try {
                    waitFor.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted at the gate", e);
                }
            }
            return new KeyAnswer(rows.get(Bytes.wrap(request.key())), standby, lag);
        }

        @Override
        public ScanAnswer scan(ScanRequest request) {
            lastScan = request;
            lastThread = Thread.currentThread();
            failIfTold();
            NavigableMap<Bytes, byte[]> range = rows;
            if (request.from() != null) {
                range = range.tailMap(Bytes.wrap(request.from()), true);
            }
            if (request.to() != null) {
                range = range.headMap(Bytes.wrap(request.to()), true);
            }
            if (request.after() != null) {
                range = range.tailMap(Bytes.wrap(request.after()), false);
            }
            List<ScanAnswer.Row> page = new ArrayList<>();
            for (var row : range.entrySet()) {
                byte[] key = row.getKey().get();
                if (request.prefix() != null && !startsWith(key, request.prefix())) {
                    continue;
                }
                if (page.size() == request.limit()) {
                    return new ScanAnswer(page, true);
                }
                page.add(new ScanAnswer.Row(key, row.getValue()));
            }
            return new ScanAnswer(page, false);
        }

        private void failIfTold() {
            if (failure != null) {
                throw failure;
            }
        }

        private static boolean startsWith(byte[] key, byte[] prefix) {
            return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
        }
    }
}
