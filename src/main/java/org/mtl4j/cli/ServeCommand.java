package org.mtl4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.mtl4j.run.Predictor;
import org.mtl4j.serve.ModelServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** HTTP JSON API of a saved model. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve a trained model over HTTP: POST /predict (one record, an array of records, or"
                    + " {\"records\": [...], \"tasks\": [...]}) returns every task's prediction"
                    + " from one forward pass; GET /health; GET /model (tasks, features, an"
                    + " example request, versions). Stops on Ctrl-C or SIGTERM.",
            "Example: curl -s localhost:8080/predict -d '{\"age\": 39, \"education\": \"Bachelors\"}'"
        })
final class ServeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "Run (or model) directory.")
    Path run;

    @Option(
            names = "--port",
            description = "TCP port, 0 = any free one (default: ${DEFAULT-VALUE}).")
    int port = 8080;

    @Option(
            names = "--host",
            description =
                    "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0"
                            + " for every interface).")
    String host = "127.0.0.1";

    @Option(names = "--threads", description = "Request threads (default: ${DEFAULT-VALUE}).")
    int threads = 8;

    @Option(
            names = "--engine-threads",
            description = "Engine threads for the forward pass (default: one per core).")
    int engineThreads = 0;

    @Option(
            names = "--max-body",
            paramLabel = "BYTES",
            description = "Largest request body (default: ${DEFAULT-VALUE}).")
    int maxBody = 1 << 20;

    @Option(
            names = "--max-records",
            description = "Most records per request (default: ${DEFAULT-VALUE}).")
    int maxRecords = 10_000;

    @Option(
            names = "--batch-window-us",
            description =
                    "Microseconds a forward pass waits for more concurrent requests to batch; 0 ="
                            + " batch only what is already waiting (default: ${DEFAULT-VALUE}).")
    long batchWindow = 0;

    @Option(
            names = "--max-batch-rows",
            description = "Most rows per forward pass (default: ${DEFAULT-VALUE}).")
    int maxBatchRows = 1024;

    @Option(
            names = "--read-timeout-ms",
            description =
                    "Time a client has to send a request's headers, and then its body; slower"
                            + " connections get 408 or are closed (default: ${DEFAULT-VALUE}).")
    int readTimeoutMs = 10_000;

    @Option(
            names = "--idle-timeout-ms",
            description =
                    "Time a kept-alive connection may stay open with no request (default:"
                            + " ${DEFAULT-VALUE}).")
    int idleTimeoutMs = 60_000;

    @Option(
            names = {"-v", "--verbose"},
            description = "Show engine log messages and stack traces.")
    boolean verbose;

    /** Kept so the settings hold: java.util.logging keeps only weak references to loggers. */
    private static final java.util.List<java.util.logging.Logger> QUIET =
            new java.util.ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        if (!verbose) {
            for (String name : new String[] {"io.undertow", "org.xnio", "org.jboss"}) {
                java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
                l.setLevel(java.util.logging.Level.WARNING);
                QUIET.add(l);
            }
        }
        ModelServer.Options o =
                new ModelServer.Options(
                        host,
                        port,
                        threads,
                        maxBody,
                        maxRecords,
                        batchWindow,
                        maxBatchRows,
                        readTimeoutMs,
                        idleTimeoutMs);
        Predictor p = Predictor.load(run, engineThreads);
        ModelServer server;
        try {
            server = ModelServer.start(run, p, o);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    server.close();
                                    p.close();
                                    stop.countDown();
                                }));
        System.out.printf(
                "serving %s (tasks %s) on http://%s:%d  POST /predict, GET /health, GET /model%n",
                run,
                p.tasks().stream().map(org.mtl4j.task.Task::name).toList(),
                host,
                server.port());
        System.out.flush();
        stop.await();
        return 0;
    }
}
