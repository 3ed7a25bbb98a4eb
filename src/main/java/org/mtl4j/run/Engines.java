package org.mtl4j.run;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Engine start-up: offline (the native library comes from the classpath, nothing is downloaded),
 * thread count, and seeding.
 */
public final class Engines {
    private Engines() {}

    /**
     * Sets the engine properties that must be in place before its first use. Call before anything
     * touches DJL. {@code threads <= 0} keeps the engine default (one per core).
     */
    public static void configure(int threads) {
        System.setProperty("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    /** Starts the engine (if needed), applies the thread count, and seeds its generators. */
    public static Engine start(int threads, long seed) {
        configure(threads);
        Engine e = Engine.getInstance();
        if (threads > 0) {
            JniUtils.setNumThreads(threads);
        }
        e.setRandomSeed((int) seed);
        return e;
    }

    /**
     * Starts the engine (if needed) and applies the thread count ({@code threads <= 0}: keep the
     * current setting), without touching the random seed.
     */
    public static Engine ensureStarted(int threads) {
        configure(threads);
        Engine e = Engine.getInstance();
        if (threads > 0) {
            JniUtils.setNumThreads(threads);
        }
        return e;
    }

    /** Intra-op threads the engine will use. */
    public static int threads() {
        return JniUtils.getNumThreads();
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
