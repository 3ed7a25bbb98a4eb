package org.mtl4j.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.mtl4j.Mtl4jException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code mtl4j} command line. */
@Command(
        name = "mtl4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description =
                "Multi-task learning on the JVM: train several related tasks with one shared model.",
        subcommands = {
            DemoCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            PredictCommand.class,
            CompareCommand.class,
            MethodsCommand.class,
            ServeCommand.class,
            ReportCommand.class,
            ExportCommand.class,
            BenchCommand.class,
            BenchWorkerCommand.class
        })
public final class Main implements Callable<Integer> {

    /** Options every command accepts. */
    static final class Common {
        @Option(
                names = {"-v", "--verbose"},
                description = "Show engine log messages and stack traces.")
        boolean verbose;

        @Option(
                names = "--threads",
                description = "Engine threads (default: the config's, else one per core).")
        Integer threads;

        /** The --threads value checked (0 when absent); warns when above the core count. */
        int threads() {
            if (threads == null) {
                return 0;
            }
            if (threads < 0 || threads > 1024) {
                throw new Mtl4jException(
                        "--threads " + threads + ": use 1 to 1024 (0 or absent: one per core)");
            }
            int cores = Runtime.getRuntime().availableProcessors();
            if (threads > cores) {
                System.err.println(
                        "warning: --threads "
                                + threads
                                + " is more than the "
                                + cores
                                + " cores here; training will be slower, not faster");
            }
            return threads;
        }
    }

    @Option(
            names = {"-v", "--verbose"},
            description = "Show engine log messages and stack traces (also after the command).")
    boolean verbose;

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the CLI and returns its exit code (0 ok, 1 internal error, 2 user error). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean verbose =
                Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"));
        configureLogging(verbose);
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setExecutionExceptionHandler(
                (ex, line, parsed) -> {
                    if (ex instanceof Mtl4jException) {
                        err.println("error: " + bounded(ex.getMessage()));
                        if (verbose) {
                            ex.printStackTrace(err);
                        }
                        return 2;
                    }
                    err.println("internal error: " + ex);
                    if (verbose) {
                        ex.printStackTrace(err);
                    } else {
                        err.println("(run again with --verbose for the stack trace)");
                    }
                    return 1;
                });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("error: " + outOfMemory(e, args));
            if (verbose) {
                e.printStackTrace(err);
            }
            return 2;
        } catch (StackOverflowError e) {
            err.println(
                    "error: the Java stack overflowed (input nested too deeply?); raise the thread"
                            + " stack with MTL4J_JAVA_OPTS=-Xss16m, or run again with --verbose");
            if (verbose) {
                e.printStackTrace(err);
            }
            return 2;
        } catch (Error e) {
            err.println(
                    "error: the Java runtime failed ("
                            + bounded(String.valueOf(e))
                            + "); run again with --verbose for the stack trace");
            if (verbose) {
                e.printStackTrace(err);
            }
            return 2;
        }
    }

    /** What ran out and which setting to raise, in one line. */
    static String outOfMemory(OutOfMemoryError e, String[] args) {
        String command = args.length > 0 && !args[0].startsWith("-") ? args[0] : "mtl4j";
        String what = String.valueOf(e.getMessage());
        long maxMiB = Runtime.getRuntime().maxMemory() >> 20;
        if (what.contains("Metaspace")) {
            return "out of memory (Java metaspace) during \""
                    + command
                    + "\"; raise it with MTL4J_JAVA_OPTS=-XX:MaxMetaspaceSize=1g";
        }
        if (what.contains("native thread")) {
            return "out of memory: cannot create a thread during \""
                    + command
                    + "\"; use fewer --threads or raise the process limit (ulimit -u)";
        }
        if (what.contains("Direct buffer")) {
            return "out of memory (Java direct buffers) during \""
                    + command
                    + "\"; raise them with MTL4J_JAVA_OPTS=-XX:MaxDirectMemorySize=4g";
        }
        long suggest = Math.max(1024, Integer.highestOneBit((int) Math.min(maxMiB, 1 << 29)) * 4L);
        return "out of memory (the Java heap, at most "
                + maxMiB
                + " MiB, is full) during \""
                + command
                + "\"; raise it with MTL4J_JAVA_OPTS=-Xmx"
                + (suggest >= 1024 ? suggest / 1024 + "g" : suggest + "m")
                + ", or use smaller data files or a smaller batch_size";
    }

    /** A message cut to 4000 characters: a safety net behind the clipping of quoted values. */
    static String bounded(String message) {
        String m = String.valueOf(message);
        return m.length() <= 4000 ? m : m.substring(0, 3997) + "...";
    }

    /** Engine INFO/WARN noise off by default; everything at INFO with --verbose. */
    static void configureLogging(boolean verbose) {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        if (!verbose) {
            setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
            setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.pytorch.jni.LibUtils", "error");
            setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.Platform", "error");
        }
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
    }

    private static void setIfAbsent(String k, String v) {
        if (System.getProperty(k) == null) {
            System.setProperty(k, v);
        }
    }

    /** Prints mtl4j's version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mtl4j " + org.mtl4j.run.Versions.mtl4j()};
        }
    }
}
