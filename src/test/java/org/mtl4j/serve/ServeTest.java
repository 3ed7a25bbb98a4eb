package org.mtl4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * The HTTP API of a model trained on a table with numeric and categorical features and a binary, a
 * multiclass and a regression task: answers agree with the CSV predictions of {@code mtl4j
 * predict}, batches and concurrent requests give the same numbers as single requests, and every
 * malformed request gets a 4xx naming what is wrong while the server stays healthy.
 */
class ServeTest {
    @TempDir static Path tmp;
    static Path run;
    static CsvTable table;
    static Predictor predictor;
    static ModelServer server;
    static HttpClient http;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        Path csv = TestData.customersCsv(tmp, 300, 5);
        Path cfg = TestData.customersConfig(tmp, csv, "ew", 3);
        run = tmp.resolve("run");
        Experiment.fromYaml(cfg).train(run, Listeners.none());
        table = CsvTable.read(csv);
        predictor = Predictor.load(run);
        server =
                ModelServer.start(
                        run,
                        predictor,
                        new ModelServer.Options("127.0.0.1", 0, 4, 64 * 1024, 100, 0, 1024));
        http = HttpClient.newHttpClient();
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
        predictor.close();
    }

    /** Row r of the CSV as a request record (numbers as JSON numbers). */
    static String record(int r) {
        return String.format(
                "{\"a\": %s, \"b\": %s, \"c\": %s, \"color\": \"%s\"}",
                table.cell(r, 0), table.cell(r, 1), table.cell(r, 2), table.cell(r, 3));
    }

    static HttpResponse<String> post(String path, byte[] body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return post(path, body.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    @Test
    void answersMatchTheCsvPredictions() throws Exception {
        Path out = tmp.resolve("pred.csv");
        predictor.writeCsv(table, out);
        CsvTable expected = CsvTable.read(out);
        for (int r = 0; r < 25; r++) {
            HttpResponse<String> resp = post("/predict", record(r));
            assertEquals(200, resp.statusCode(), resp.body());
            JsonNode p = json(resp).get("prediction");
            assertEquals(
                    expected.cell(r, expected.columnIndex("buy")), p.at("/buy/class").asText());
            assertEquals(
                    Double.parseDouble(expected.cell(r, expected.columnIndex("buy_prob"))),
                    p.at("/buy/probability").asDouble(),
                    1e-6);
            assertEquals(
                    expected.cell(r, expected.columnIndex("size")), p.at("/size/class").asText());
            for (String k : List.of("0", "1", "2")) {
                assertEquals(
                        Double.parseDouble(
                                expected.cell(r, expected.columnIndex("size_prob_" + k))),
                        p.at("/size/probabilities/" + k).asDouble(),
                        1e-6);
            }
            assertEquals(
                    Double.parseDouble(expected.cell(r, expected.columnIndex("price"))),
                    p.at("/price/value").asDouble(),
                    1e-5);
        }
    }

    @Test
    void batchesTaskSelectionAndConcurrentRequestsGiveTheSameNumbers() throws Exception {
        List<JsonNode> single = new ArrayList<>();
        StringBuilder batch = new StringBuilder("[");
        for (int r = 0; r < 64; r++) {
            single.add(json(post("/predict", record(r))).get("prediction"));
            batch.append(r > 0 ? "," : "").append(record(r));
        }
        batch.append(']');
        JsonNode many = json(post("/predict", batch.toString())).get("predictions");
        assertEquals(64, many.size());
        for (int r = 0; r < 64; r++) {
            assertClose(single.get(r), many.get(r));
        }
        JsonNode only =
                json(post("/predict?tasks=price", "{\"records\": [" + record(3) + "]}"))
                        .get("predictions")
                        .get(0);
        assertEquals(List.of("price"), names(only));
        JsonNode two =
                json(post(
                                "/predict",
                                "{\"records\": ["
                                        + record(3)
                                        + "], \"tasks\": [\"size\", \"buy\"]}"))
                        .get("predictions")
                        .get(0);
        assertEquals(List.of("size", "buy"), names(two));
        // 8 clients at once, 40 requests each
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int client = c;
                done.add(
                        pool.submit(
                                () -> {
                                    int ok = 0;
                                    for (int i = 0; i < 40; i++) {
                                        int r = (client * 40 + i) % 64;
                                        HttpResponse<String> resp = post("/predict", record(r));
                                        assertEquals(200, resp.statusCode(), resp.body());
                                        assertClose(single.get(r), json(resp).get("prediction"));
                                        ok++;
                                    }
                                    return ok;
                                }));
            }
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get();
            }
            assertEquals(320, total);
        } finally {
            pool.shutdown();
        }
        JsonNode health =
                json(
                        http.send(
                                HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                                HttpResponse.BodyHandlers.ofString()));
        System.out.println("serve: after the concurrent requests " + health);
        assertEquals(0, health.get("server_errors").asInt());
    }

    @Test
    void modelDescriptionListsTasksAndFeatures() throws Exception {
        JsonNode m =
                json(
                        http.send(
                                HttpRequest.newBuilder(URI.create(base + "/model")).build(),
                                HttpResponse.BodyHandlers.ofString()));
        assertEquals("customers", m.get("name").asText());
        assertEquals(3, m.get("tasks").size());
        assertEquals("multiclass", m.at("/tasks/1/type").asText());
        assertEquals("numeric", m.at("/features/a").asText());
        assertEquals("categorical", m.at("/features/color").asText());
        // the example request is itself a valid request
        HttpResponse<String> r = post("/predict", Json.line(m.get("example_request")));
        assertEquals(200, r.statusCode(), r.body());
    }

    /** Each malformed request: its description, what to send, the status and words expected. */
    record Bad(String what, String method, String path, byte[] body, int status, String expect) {
        static Bad post(String what, String body, int status, String expect) {
            return new Bad(
                    what,
                    "POST",
                    "/predict",
                    body.getBytes(StandardCharsets.UTF_8),
                    status,
                    expect);
        }
    }

    @Test
    void malformedRequestsGetClearErrorsAndTheServerStaysUp() throws Exception {
        String ok = record(0);
        List<Bad> cases =
                new ArrayList<>(
                        List.of(
                                Bad.post("not JSON", "hello", 400, "malformed JSON"),
                                Bad.post("empty body", "", 400, "empty body"),
                                Bad.post("cut JSON", "{\"a\": 1,", 400, "malformed JSON"),
                                Bad.post("trailing garbage", ok + " x", 400, "malformed JSON"),
                                Bad.post(
                                        "duplicate key",
                                        "{\"a\": 1, \"a\": 2, \"b\": 0, \"c\": 0, \"color\": \"red\"}",
                                        400,
                                        "Duplicate field 'a'"),
                                Bad.post(
                                        "a JSON string",
                                        "\"hello\"",
                                        400,
                                        "expected a JSON object of features, got the string \"hello\""),
                                Bad.post(
                                        "array of numbers",
                                        "[1, 2]",
                                        400,
                                        "record 1: expected a JSON object of features, got the number 1"),
                                Bad.post(
                                        "null record",
                                        "[null]",
                                        400,
                                        "expected a JSON object of features"),
                                Bad.post(
                                        "unknown feature",
                                        "{\"a\": 1, \"b\": 0, \"c\": 0, \"color\": \"red\", \"zip\": 9}",
                                        400,
                                        "unknown feature \"zip\""),
                                Bad.post(
                                        "missing feature",
                                        "{\"a\": 1, \"b\": 0, \"color\": \"red\"}",
                                        400,
                                        "missing feature [c]"),
                                Bad.post(
                                        "string for a number",
                                        "{\"a\": \"1.5\", \"b\": 0, \"c\": 0, \"color\": \"red\"}",
                                        400,
                                        "feature \"a\": expected a number (or null), got the string \"1.5\""),
                                Bad.post(
                                        "boolean for a number",
                                        "{\"a\": true, \"b\": 0, \"c\": 0, \"color\": \"red\"}",
                                        400,
                                        "feature \"a\": expected a number"),
                                Bad.post(
                                        "object for a category",
                                        "{\"a\": 1, \"b\": 0, \"c\": 0, \"color\": {\"x\": 1}}",
                                        400,
                                        "feature \"color\": expected a string or number"),
                                Bad.post(
                                        "number too large",
                                        "{\"a\": 1e400, \"b\": 0, \"c\": 0, \"color\": \"red\"}",
                                        400,
                                        "too large to represent"),
                                Bad.post(
                                        "number beyond float range",
                                        "{\"a\": 1e300, \"b\": 0, \"c\": 0, \"color\": \"red\"}",
                                        400,
                                        "too large to represent"),
                                Bad.post(
                                        "number that overflows the network",
                                        "{\"a\": 3e38, \"b\": 0, \"c\": 0, \"color\": \"red\"}",
                                        400,
                                        "is not finite; the values are too far from the training"),
                                Bad.post(
                                        "second record bad",
                                        "["
                                                + ok
                                                + ", {\"a\": [], \"b\": 0, \"c\": 0, \"color\": \"red\"}]",
                                        400,
                                        "record 2, feature \"a\""),
                                Bad.post("no records", "[]", 400, "no records"),
                                Bad.post(
                                        "records not an array",
                                        "{\"records\": 5}",
                                        400,
                                        "\"records\" must be an array"),
                                Bad.post(
                                        "unknown task",
                                        "{\"records\": [" + ok + "], \"tasks\": [\"nope\"]}",
                                        400,
                                        "unknown task \"nope\""),
                                Bad.post(
                                        "task named twice",
                                        "{\"records\": ["
                                                + ok
                                                + "], \"tasks\": [\"buy\", \"buy\"]}",
                                        400,
                                        "named twice"),
                                Bad.post(
                                        "stray key",
                                        "{\"records\": [" + ok + "], \"extra\": 1}",
                                        400,
                                        "unknown key \"extra\""),
                                Bad.post(
                                        "too many records",
                                        "["
                                                + String.join(
                                                        ",", java.util.Collections.nCopies(101, ok))
                                                + "]",
                                        400,
                                        "at most 100"),
                                Bad.post(
                                        "nested 5000 deep",
                                        "[".repeat(5000) + "]".repeat(5000),
                                        400,
                                        "malformed JSON"),
                                Bad.post(
                                        "body over the limit",
                                        "[" + " ".repeat(70_000) + "]",
                                        413,
                                        "request body over 65536 bytes"),
                                new Bad(
                                        "invalid UTF-8",
                                        "POST",
                                        "/predict",
                                        new byte[] {
                                            '{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'
                                        },
                                        400,
                                        "malformed JSON"),
                                new Bad(
                                        "GET /predict",
                                        "GET",
                                        "/predict",
                                        null,
                                        405,
                                        "use POST /predict"),
                                new Bad(
                                        "unknown path",
                                        "POST",
                                        "/predictions",
                                        new byte[0],
                                        404,
                                        "no such endpoint /predictions")));
        cases.add(Bad.post("unknown task in the query", ok, 400, "unknown task \"zzz\""));
        for (Bad b : cases) {
            String path =
                    b.what().equals("unknown task in the query") ? "/predict?tasks=zzz" : b.path();
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path));
            req =
                    b.body() == null
                            ? req.GET()
                            : req.method(
                                    b.method(), HttpRequest.BodyPublishers.ofByteArray(b.body()));
            HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            String message = json(r).path("error").asText();
            System.out.println(
                    "malformed | " + b.what() + " | " + r.statusCode() + " | " + message);
            assertEquals(b.status(), r.statusCode(), b.what() + ": " + r.body());
            assertTrue(
                    message.contains(b.expect()),
                    b.what() + ": \"" + message + "\" should say \"" + b.expect() + "\"");
        }
        JsonNode health =
                json(
                        http.send(
                                HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                                HttpResponse.BodyHandlers.ofString()));
        assertEquals("ok", health.get("status").asText());
        assertEquals(0, health.get("server_errors").asInt());
        assertEquals(200, post("/predict", ok).statusCode(), "still answering");
    }

    @Test
    void javaCallersGetTheSameAnswersWithoutHttp() throws Exception {
        List<Map<String, Object>> out =
                predictor.predict(
                        List.of(
                                Map.of(
                                        "a",
                                        Double.parseDouble(table.cell(4, 0)),
                                        "b",
                                        Double.parseDouble(table.cell(4, 1)),
                                        "c",
                                        Double.parseDouble(table.cell(4, 2)),
                                        "color",
                                        table.cell(4, 3))),
                        List.of());
        JsonNode viaHttp = json(post("/predict", record(4))).get("prediction");
        assertClose(viaHttp, Json.mapper().valueToTree(out.get(0)));
        assertTrue(Files.isDirectory(run));
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /**
     * Same classes, and probabilities and values to 1e-6 relative (one float32 rounding of a value
     * in original units, which batching may move by an ulp).
     */
    static void assertClose(JsonNode a, JsonNode b) {
        assertEquals(names(a), names(b));
        a.fields()
                .forEachRemaining(
                        e -> {
                            JsonNode x = e.getValue();
                            JsonNode y = b.get(e.getKey());
                            if (x.isNumber()) {
                                assertEquals(
                                        x.asDouble(),
                                        y.asDouble(),
                                        1e-6 * Math.max(1, Math.abs(x.asDouble())),
                                        e.getKey());
                            } else if (x.isObject()) {
                                assertClose(x, y);
                            } else {
                                assertEquals(x, y, e.getKey());
                            }
                        });
    }
}
