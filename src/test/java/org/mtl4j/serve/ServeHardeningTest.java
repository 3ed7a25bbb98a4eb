package org.mtl4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.Experiment;
import org.mtl4j.data.CsvTable;
import org.mtl4j.run.Json;
import org.mtl4j.run.Predictor;
import org.mtl4j.testing.TestData;
import org.mtl4j.train.Listeners;

/**
 * The server under hostile clients: connections that send headers and part of a body then go silent
 * must not hold the request threads ({@code /health} and a normal {@code /predict} still answer at
 * once, and the server closes the slow connections after its read timeout); an over-limit chunked
 * body gets a 413 without counting as a server error; client errors say what is wrong without
 * naming the JSON library's internals.
 */
class ServeHardeningTest {
    @TempDir static Path tmp;
    static CsvTable table;
    static Predictor predictor;
    static ModelServer server;
    static HttpClient http;
    static String base;

    /** The read timeout of the server under test, short so that the test sees it expire. */
    static final int READ_TIMEOUT_MS = 1500;

    @BeforeAll
    static void start() throws Exception {
        Path csv = TestData.customersCsv(tmp, 200, 7);
        Path cfg = TestData.customersConfig(tmp, csv, "ew", 2);
        Path run = tmp.resolve("run");
        Experiment.fromYaml(cfg).train(run, Listeners.none());
        table = CsvTable.read(csv);
        predictor = Predictor.load(run);
        server =
                ModelServer.start(
                        run,
                        predictor,
                        new ModelServer.Options(
                                "127.0.0.1", 0, 4, 64 * 1024, 100, 0, 1024, READ_TIMEOUT_MS, 5000));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
        predictor.close();
    }

    static String record(int r) {
        return String.format(
                "{\"a\": %s, \"b\": %s, \"c\": %s, \"color\": \"%s\"}",
                table.cell(r, 0), table.cell(r, 1), table.cell(r, 2), table.cell(r, 3));
    }

    static HttpResponse<String> send(String method, String path, byte[] body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(5))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode health() throws Exception {
        return Json.mapper().readTree(send("GET", "/health", null).body());
    }

    /** Opens a connection that sends the headers of {@code POST /predict} and a partial body. */
    static Socket slowBody(String contentLength) throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(
                ("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Content-Length: "
                                + contentLength
                                + "\r\n\r\n{\"a\":")
                        .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    /** Reads what the server sends until it closes the connection (or 10 s pass). */
    static String readToClose(Socket s) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] b = new byte[4096];
        try {
            int n;
            while ((n = in.read(b)) >= 0) {
                buf.write(b, 0, n);
            }
        } catch (java.net.SocketException e) {
            // reset by the server after its answer: what was read is the answer
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void slowBodiesHoldNoRequestThreadAndAreClosedAfterTheReadTimeout() throws Exception {
        List<Socket> attackers = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                attackers.add(slowBody(i % 2 == 0 ? "100" : "60000"));
            }
            Thread.sleep(200);
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> h = send("GET", "/health", null);
                long healthMs = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(200, h.statusCode(), h.body());
                t0 = System.nanoTime();
                HttpResponse<String> p =
                        send("POST", "/predict", record(i).getBytes(StandardCharsets.UTF_8));
                long predictMs = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(200, p.statusCode(), p.body());
                System.out.printf(
                        "with 16 slow bodies open: /health %d ms, /predict %d ms%n",
                        healthMs, predictMs);
            }
            long t0 = System.nanoTime();
            for (Socket s : attackers) {
                String answer = readToClose(s);
                assertTrue(
                        answer.isEmpty() || answer.startsWith("HTTP/1.1 408"),
                        "a slow body is answered with 408 or closed: " + answer);
            }
            long closedMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf(
                    "slow bodies closed by the server within %d ms (read timeout %d ms)%n",
                    closedMs, READ_TIMEOUT_MS);
            assertTrue(closedMs < READ_TIMEOUT_MS + 8000, closedMs + " ms");
        } finally {
            for (Socket s : attackers) {
                s.close();
            }
        }
        assertEquals(0, health().get("server_errors").asInt());
    }

    @Test
    void headersThatNeverEndAndIdleConnectionsAreClosed() throws Exception {
        try (Socket idle = new Socket("127.0.0.1", server.port());
                Socket partial = new Socket("127.0.0.1", server.port())) {
            idle.setSoTimeout(15_000);
            partial.setSoTimeout(15_000);
            partial.getOutputStream()
                    .write(
                            "GET /health HTTP/1.1\r\nHost: x\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
            partial.getOutputStream().flush();
            long t0 = System.nanoTime();
            readToClose(partial);
            long partialMs = (System.nanoTime() - t0) / 1_000_000;
            readToClose(idle);
            long idleMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf(
                    "unfinished headers closed after %d ms, idle connection after %d ms%n",
                    partialMs, idleMs);
            assertTrue(partialMs < READ_TIMEOUT_MS + 8000, partialMs + " ms");
            assertTrue(idleMs < 5000 + 8000, idleMs + " ms");
        }
    }

    /** Writes {@code total} bytes of JSON whitespace as a chunked body, in 8 KiB chunks. */
    static void chunked(OutputStream out, int total) throws IOException {
        out.write(
                ("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = " ".repeat(8192).getBytes(StandardCharsets.US_ASCII);
        for (int sent = 0; sent < total; sent += chunk.length) {
            out.write("2000\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(chunk);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Test
    void overLimitChunkedBodyGets413AndIsNoServerError() throws Exception {
        int before = health().get("server_errors").asInt();
        for (int total : new int[] {200 * 1024, 6 << 20}) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.setSoTimeout(10_000);
                chunked(s.getOutputStream(), total);
                String status =
                        new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                System.out.println("chunked body of " + total + " bytes: " + status);
                assertEquals("HTTP/1.1 413", status);
            }
        }
        HttpResponse<String> r =
                send("POST", "/predict", record(1).getBytes(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(before, health().get("server_errors").asInt());
    }

    @Test
    void clientErrorsDoNotQuoteTheJsonLibrary() throws Exception {
        String[] bodies = {
            "{\"a\": NaN, \"b\": 0, \"c\": 0, \"color\": \"red\"}",
            "[".repeat(1200) + "]".repeat(1200),
            "{\"a\": 1, /* x */ \"b\": 0}",
            "{a: 1}",
            "{\"a\": 1, \"b\": ",
        };
        for (String b : bodies) {
            HttpResponse<String> r = send("POST", "/predict", b.getBytes(StandardCharsets.UTF_8));
            String message = Json.mapper().readTree(r.body()).path("error").asText();
            System.out.println("client error | " + r.statusCode() + " | " + message);
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(message.startsWith("malformed JSON: "), message);
            for (String internal :
                    new String[] {
                        "JsonReadFeature", "StreamReadConstraints", "Feature '", "`", "Source:"
                    }) {
                assertFalse(message.contains(internal), message);
            }
        }
    }

    @Test
    void headAndEmptyTaskSelectionAndOverlongUtf8() throws Exception {
        HttpResponse<String> head = send("HEAD", "/health", null);
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        // an empty ?tasks= selects every task, as no ?tasks= does
        HttpResponse<String> all =
                send("POST", "/predict?tasks=", record(2).getBytes(StandardCharsets.UTF_8));
        assertEquals(200, all.statusCode(), all.body());
        assertEquals(3, Json.mapper().readTree(all.body()).get("prediction").size());
        // "/" written as the overlong two-byte form C0 AF is not UTF-8
        byte[] overlong =
                "{\"a\": 1, \"b\": 0, \"c\": 0, \"color\": \"r__\"}"
                        .getBytes(StandardCharsets.UTF_8);
        int at = new String(overlong, StandardCharsets.ISO_8859_1).indexOf("__");
        overlong[at] = (byte) 0xC0;
        overlong[at + 1] = (byte) 0xAF;
        HttpResponse<String> r = send("POST", "/predict", overlong);
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("not valid UTF-8"), r.body());
    }
}
