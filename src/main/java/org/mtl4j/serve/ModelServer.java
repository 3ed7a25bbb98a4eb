package org.mtl4j.serve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.mtl4j.Mtl4jException;
import org.mtl4j.data.FeatureMatrix;
import org.mtl4j.run.Json;
import org.mtl4j.run.Predictor;
import org.mtl4j.run.RecordInput;
import org.mtl4j.run.Versions;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;

/**
 * The HTTP JSON API of a saved model (Undertow): {@code POST /predict} with one record, an array of
 * records, or {@code {"records": [...], "tasks": [...]}} returns every task's prediction (or only
 * the named tasks, also selectable with {@code ?tasks=a,b}) from one forward pass; {@code GET
 * /health}; {@code GET /model}. Concurrent requests are batched into shared forward passes by a
 * {@link MicroBatcher}. A bad request gets a 4xx JSON error naming what is wrong; nothing a client
 * sends reaches the engine unchecked, and no request can stop the server.
 */
public final class ModelServer implements AutoCloseable {
    /**
     * Server settings.
     *
     * @param host address to listen on (127.0.0.1: this machine only)
     * @param port TCP port, 0 for any free one
     * @param threads request worker threads
     * @param maxBodyBytes largest accepted request body
     * @param maxRecords most records in one request
     * @param batchWindowMicros how long the batcher waits for more requests, 0 = never waits
     * @param maxBatchRows most rows in one forward pass
     * @param readTimeoutMillis time a client has to send a request's headers, and its body once the
     *     headers are in; a connection that takes longer is answered with 408 or closed
     * @param idleTimeoutMillis time a kept-alive connection may stay open between requests
     */
    public record Options(
            String host,
            int port,
            int threads,
            int maxBodyBytes,
            int maxRecords,
            long batchWindowMicros,
            int maxBatchRows,
            int readTimeoutMillis,
            int idleTimeoutMillis) {
        public Options {
            if (port < 0 || port > 65535) {
                throw new Mtl4jException("--port " + port + ": use 0 to 65535");
            }
            if (threads < 1 || threads > 1024) {
                throw new Mtl4jException("--threads " + threads + ": use 1 to 1024");
            }
            if (maxBodyBytes < 1024) {
                throw new Mtl4jException(
                        "--max-body " + maxBodyBytes + ": use at least 1024 bytes");
            }
            if (maxRecords < 1 || maxBatchRows < 1) {
                throw new Mtl4jException("--max-records and --max-batch-rows must be at least 1");
            }
            if (batchWindowMicros < 0 || batchWindowMicros > 1_000_000) {
                throw new Mtl4jException(
                        "--batch-window-us " + batchWindowMicros + ": use 0 to 1000000");
            }
            if (readTimeoutMillis < 100 || readTimeoutMillis > 600_000) {
                throw new Mtl4jException(
                        "--read-timeout-ms " + readTimeoutMillis + ": use 100 to 600000");
            }
            if (idleTimeoutMillis < 100 || idleTimeoutMillis > 3_600_000) {
                throw new Mtl4jException(
                        "--idle-timeout-ms " + idleTimeoutMillis + ": use 100 to 3600000");
            }
        }

        /** The settings with the default timeouts: 10 s to send a request, 60 s idle. */
        public Options(
                String host,
                int port,
                int threads,
                int maxBodyBytes,
                int maxRecords,
                long batchWindowMicros,
                int maxBatchRows) {
            this(
                    host,
                    port,
                    threads,
                    maxBodyBytes,
                    maxRecords,
                    batchWindowMicros,
                    maxBatchRows,
                    10_000,
                    60_000);
        }

        public static Options defaults() {
            return new Options("127.0.0.1", 8080, 8, 1 << 20, 10_000, 0, 1024);
        }

        /**
         * The most bytes read of one request body: the limit, plus what is read and discarded after
         * a 413 so that a client that sends its whole body before reading gets the answer.
         */
        long entityLimit() {
            return (long) maxBodyBytes + Math.max(maxBodyBytes, 8L << 20);
        }
    }

    private static final ObjectReader READER =
            Json.mapper()
                    .reader()
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Predictor predictor;
    private final RecordInput input;
    private final Options options;
    private final MicroBatcher batcher;
    private final Map<String, Object> modelInfo;
    private final byte[] modelBytes;
    private final Undertow server;
    private final io.undertow.server.handlers.GracefulShutdownHandler graceful;
    private final long started = System.nanoTime();
    private final AtomicLong predictRequests = new AtomicLong();
    private final AtomicLong clientErrors = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();

    private ModelServer(Path runDir, Predictor predictor, Options options) {
        this.predictor = predictor;
        this.input = predictor.readsAudio() ? null : predictor.recordInput();
        this.options = options;
        this.batcher =
                new MicroBatcher(
                        predictor,
                        options.maxBatchRows(),
                        options.batchWindowMicros(),
                        Math.max(64, options.threads() * 4));
        this.modelInfo = describe(runDir);
        this.modelBytes = bytes(modelInfo);
        // the handler runs on the IO threads: /health and /model are answered there, a body is
        // read there without blocking, and only a complete /predict body goes to a worker.
        // httpContinueRead answers "Expect: 100-continue" when the body is first read;
        // gracefulShutdown lets requests in flight finish on close()
        this.graceful =
                io.undertow.Handlers.gracefulShutdown(
                        io.undertow.Handlers.httpContinueRead(this::route));
        int read = options.readTimeoutMillis();
        this.server =
                Undertow.builder()
                        .addHttpListener(options.port(), options.host())
                        .setIoThreads(Math.max(2, Math.min(4, options.threads() / 4)))
                        .setWorkerThreads(options.threads())
                        .setServerOption(
                                io.undertow.UndertowOptions.MAX_ENTITY_SIZE, options.entityLimit())
                        // headers must arrive within the read timeout of their first byte
                        .setServerOption(io.undertow.UndertowOptions.REQUEST_PARSE_TIMEOUT, read)
                        // a connection with no request in progress is closed after the idle time
                        .setServerOption(
                                io.undertow.UndertowOptions.NO_REQUEST_TIMEOUT,
                                options.idleTimeoutMillis())
                        // (a body has the read timeout too: BodyReader)
                        // a client that does not take its answer for as long is cut off
                        .setSocketOption(org.xnio.Options.WRITE_TIMEOUT, read)
                        .setHandler(graceful)
                        .build();
        try {
            server.start();
        } catch (RuntimeException e) {
            batcher.close();
            throw new Mtl4jException(
                    "cannot listen on "
                            + options.host()
                            + ":"
                            + options.port()
                            + " ("
                            + rootMessage(e)
                            + "); choose another --port (0 = any free port)",
                    e);
        }
    }

    /** Starts serving {@code predictor} (loaded from {@code runDir}); returns once listening. */
    public static ModelServer start(Path runDir, Predictor predictor, Options options) {
        return new ModelServer(runDir, predictor, options);
    }

    /** The port actually listened on. */
    public int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** Runs on an IO thread: must not block. */
    private void route(HttpServerExchange ex) {
        try {
            String path = ex.getRequestPath();
            io.undertow.util.HttpString method = ex.getRequestMethod();
            boolean read =
                    method.equals(io.undertow.util.Methods.GET)
                            || method.equals(io.undertow.util.Methods.HEAD);
            switch (path) {
                case "/predict" -> {
                    if (!method.equals(io.undertow.util.Methods.POST)) {
                        error(ex, 405, "use POST /predict with a JSON body");
                        return;
                    }
                    predictRequests.incrementAndGet();
                    BodyReader.read(
                            ex,
                            options.maxBodyBytes(),
                            options.readTimeoutMillis(),
                            (e, body) -> e.dispatch(() -> answer(e, body)),
                            this::error);
                }
                case "/health" -> {
                    if (!read) {
                        error(ex, 405, "use GET /health");
                        return;
                    }
                    send(ex, 200, bytes(health()));
                }
                case "/model" -> {
                    if (!read) {
                        error(ex, 405, "use GET /model");
                        return;
                    }
                    send(ex, 200, modelBytes);
                }
                default ->
                        error(
                                ex,
                                404,
                                "no such endpoint "
                                        + clip(path)
                                        + "; use POST /predict, GET /health or GET /model");
            }
        } catch (RuntimeException | Error e) {
            internalError(ex, e);
        }
    }

    /** Runs on a worker thread with the whole body of a {@code POST /predict}. */
    private void answer(HttpServerExchange ex, byte[] body) {
        try {
            predict(ex, body);
        } catch (RuntimeException | Error e) {
            internalError(ex, e);
        }
    }

    private void internalError(HttpServerExchange ex, Throwable e) {
        serverErrors.incrementAndGet();
        System.err.println("serve: internal error: " + e);
        try {
            if (!ex.isResponseStarted()) {
                error(ex, 500, "internal error: " + rootMessage(e));
            }
        } catch (RuntimeException ignored) {
            // the connection is gone; nothing more to do for this request
        }
    }

    private void predict(HttpServerExchange ex, byte[] body) {
        try {
            Request req = parseRequest(body, queryTasks(ex), options.maxRecords());
            List<JsonNode> records = req.records();
            List<String> tasks = req.tasks();
            boolean single = req.single();
            int[] taskIdx = predictor.taskIndices(tasks);
            FeatureMatrix x = predictor.features(records);
            MicroBatcher.Outputs out;
            try {
                out = batcher.submit(x).get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof MicroBatcher.Overloaded o) {
                    error(ex, 503, o.getMessage());
                    return;
                }
                throw new IllegalStateException(
                        "forward pass failed: " + rootMessage(e.getCause()), e.getCause());
            } catch (TimeoutException e) {
                error(ex, 503, "the model did not answer within 60 s; the server is overloaded");
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error(ex, 503, "interrupted");
                return;
            }
            predictor.checkOutputs(out.raw(), out.rows());
            List<Map<String, Object>> preds =
                    predictor.format(out.raw(), out.rows(), 0, out.rows(), taskIdx);
            Map<String, Object> resp = new LinkedHashMap<>();
            if (single) {
                resp.put("prediction", preds.get(0));
            } else {
                resp.put("predictions", preds);
            }
            send(ex, 200, bytes(resp));
        } catch (Mtl4jException e) {
            error(ex, 400, e.getMessage());
        }
    }

    /** A parsed {@code POST /predict} body. */
    public record Request(List<JsonNode> records, List<String> tasks, boolean single) {}

    /**
     * Parses a {@code POST /predict} body: one record, an array of records, or {@code {"records":
     * [...], "tasks": [...]}}; {@code queryTasks} come from {@code ?tasks=}.
     *
     * @throws Mtl4jException with the message for the client for anything malformed
     */
    public static Request parseRequest(byte[] body, List<String> queryTasks, int maxRecords) {
        JsonNode root;
        checkUtf8(body);
        try {
            root = body.length == 0 ? null : READER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Mtl4jException("malformed JSON: " + Json.problem(e));
        } catch (IOException e) {
            throw new Mtl4jException("malformed JSON: cannot read the body");
        }
        if (root == null || root.isMissingNode()) {
            throw new Mtl4jException(
                    "empty body; send a JSON object of features, an array of them, or"
                            + " {\"records\": [...], \"tasks\": [...]}");
        }
        boolean single;
        List<JsonNode> records = new ArrayList<>();
        List<String> tasks = new ArrayList<>(queryTasks);
        if (root.isArray()) {
            single = false;
            root.forEach(records::add);
        } else if (root.isObject() && root.has("records")) {
            single = false;
            JsonNode r = root.get("records");
            if (!r.isArray()) {
                throw new Mtl4jException("\"records\" must be an array of records");
            }
            r.forEach(records::add);
            var it = root.fieldNames();
            while (it.hasNext()) {
                String k = it.next();
                if (!k.equals("records") && !k.equals("tasks")) {
                    throw new Mtl4jException(
                            "unknown key \""
                                    + clip(k)
                                    + "\" next to \"records\"; only"
                                    + " \"records\" and \"tasks\" belong there");
                }
            }
            if (root.has("tasks")) {
                JsonNode t = root.get("tasks");
                if (!t.isArray()) {
                    throw new Mtl4jException("\"tasks\" must be an array of task names");
                }
                for (JsonNode n : t) {
                    if (!n.isTextual()) {
                        throw new Mtl4jException("\"tasks\" must hold task names (strings)");
                    }
                    tasks.add(n.asText());
                }
            }
        } else {
            single = true;
            records.add(root);
        }
        if (records.isEmpty()) {
            throw new Mtl4jException("no records to predict");
        }
        if (records.size() > maxRecords) {
            throw new Mtl4jException(
                    records.size()
                            + " records in one request; at most "
                            + maxRecords
                            + " (split the request)");
        }
        return new Request(records, tasks, single);
    }

    /**
     * Refuses bytes that are not UTF-8 as RFC 3629 defines it (overlong forms, encoded surrogates
     * and code points past U+10FFFF included), which the JSON parser lets through.
     */
    private static void checkUtf8(byte[] body) {
        var decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(body);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(8192);
        while (true) {
            var r = decoder.decode(in, out, true);
            if (r.isError()) {
                throw new Mtl4jException(
                        "malformed JSON: the body is not valid UTF-8 (byte "
                                + (in.position() + 1)
                                + ")");
            }
            if (r.isUnderflow()) {
                return;
            }
            out.clear();
        }
    }

    private static List<String> queryTasks(HttpServerExchange ex) {
        var q = ex.getQueryParameters().get("tasks");
        if (q == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String v : q) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }

    private Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("uptime_seconds", (System.nanoTime() - started) / 1e9);
        m.put("predict_requests", predictRequests.get());
        m.put("client_errors", clientErrors.get());
        m.put("server_errors", serverErrors.get());
        long b = batcher.batches.get();
        m.put("forward_passes", b);
        m.put("rows_predicted", batcher.rows.get());
        m.put("requests_per_forward_pass", b == 0 ? 0 : batcher.requests.get() / (double) b);
        return m;
    }

    private Map<String, Object> describe(Path runDir) {
        Map<String, Object> m = new LinkedHashMap<>();
        Path manifest = runDir.resolve("manifest.json");
        String name = runDir.toAbsolutePath().normalize().getFileName().toString();
        JsonNode man = null;
        if (java.nio.file.Files.isRegularFile(manifest)) {
            man = Json.read(manifest);
            name = man.path("name").asText(name);
        }
        m.put("name", name);
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (int t = 0; t < predictor.tasks().size(); t++) {
            Task task = predictor.tasks().get(t);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("name", task.name());
            TaskType type = task.type();
            d.put("type", type.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
            var tc = predictor.description().tasks().get(t);
            if (type instanceof TaskType.Multiclass || type instanceof TaskType.Binary) {
                d.put(
                        "classes",
                        tc.classNames().isEmpty()
                                ? (type instanceof TaskType.Binary
                                        ? List.of("0", "1")
                                        : task.dimNames())
                                : tc.classNames());
            } else {
                d.put("outputs", task.dimNames());
            }
            tasks.add(d);
        }
        m.put("tasks", tasks);
        if (input == null) {
            Map<String, Object> audio =
                    new LinkedHashMap<>(predictor.description().audio().describe());
            m.put("audio", audio);
            m.put("example_request", Map.of("wav", "<base64 of a mono or stereo PCM WAV file>"));
        } else {
            Map<String, Object> features = new LinkedHashMap<>();
            input.features()
                    .forEach(
                            (k, v) -> features.put(k, v.name().toLowerCase(java.util.Locale.ROOT)));
            m.put("features", features);
            m.put("example_request", input.exampleRecord());
        }
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("max_body_bytes", options.maxBodyBytes());
        limits.put("max_records", options.maxRecords());
        limits.put("max_batch_rows", options.maxBatchRows());
        limits.put("batch_window_us", options.batchWindowMicros());
        limits.put("read_timeout_ms", options.readTimeoutMillis());
        limits.put("idle_timeout_ms", options.idleTimeoutMillis());
        m.put("limits", limits);
        Map<String, Object> versions = new LinkedHashMap<>();
        if (man != null && man.has("versions")) {
            versions.put("trained_with", man.get("versions"));
        }
        versions.put("serving_with", Versions.all());
        m.put("versions", versions);
        return m;
    }

    private void error(HttpServerExchange ex, int status, String message) {
        if (status < 500) {
            clientErrors.incrementAndGet();
        }
        send(ex, status, bytes(Map.of("error", message)));
    }

    private static byte[] bytes(Object body) {
        return (Json.line(body) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Sends without blocking (the exchange is never in blocking mode). */
    private static void send(HttpServerExchange ex, int status, byte[] bytes) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=utf-8");
        ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes.length);
        ex.getResponseSender().send(java.nio.ByteBuffer.wrap(bytes));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /**
     * Stops taking requests, lets those in flight finish (up to 30 s), then stops the server and
     * the batcher.
     */
    @Override
    public void close() {
        graceful.shutdown();
        try {
            graceful.awaitShutdown(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop();
        batcher.close();
    }
}
