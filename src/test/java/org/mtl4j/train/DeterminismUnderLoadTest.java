package org.mtl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.Experiment;
import org.mtl4j.testing.StaleMemory;
import org.mtl4j.testing.TestData;

/**
 * The same seed gives the same bits: identical seeded trainings of a convolutional multi-task
 * model, run one after another in one JVM while another thread keeps the garbage collector busy and
 * the engine's freed memory is filled with NaN before every step, end with bit-identical parameters
 * and without a non-finite step. ({@code .ci/run} also runs this class beside two CPU burners.)
 * Before convolutions were computed in whole channel blocks, these runs stopped with "gradient is
 * not finite" or ended with different parameters.
 */
class DeterminismUnderLoadTest {
    @TempDir Path dir;

    @Test
    void seededRunsGiveIdenticalParametersUnderGcPressureAndStaleMemory() throws Exception {
        TestData.halfBrightImages(dir.resolve("first.csv"), 48, 1, false);
        TestData.halfBrightImages(dir.resolve("second.csv"), 48, 2, true);
        StringBuilder pixels = new StringBuilder();
        for (int p = 0; p < 784; p++) {
            pixels.append(p == 0 ? "" : ", ").append('p').append(p);
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread gc = new Thread(() -> churn(stop), "gc-pressure");
        gc.setDaemon(true);
        gc.start();
        List<String> digests = new ArrayList<>();
        try {
            for (String balancer : List.of("ew", "pcgrad")) {
                String first = null;
                for (int run = 0; run < 3; run++) {
                    Path cfg = dir.resolve("cfg.yaml");
                    Files.writeString(cfg, config(pixels, balancer));
                    Path out = dir.resolve(balancer + run);
                    Experiment.fromYaml(cfg).train(out, new Poisoner());
                    String d = sha1(out.resolve("model/parameters.bin"));
                    if (first == null) {
                        first = d;
                    }
                    digests.add(balancer + " run " + run + ": " + d);
                    assertEquals(first, d, "seeded runs differ: " + digests);
                }
            }
        } finally {
            stop.set(true);
            gc.join();
        }
    }

    /** Fills freed engine memory with NaN before every step. */
    private static final class Poisoner implements TrainingListener {
        private NDManager manager;

        @Override
        public void onStart(int epochs, int stepsPerEpoch, List<String> taskNames) {
            manager = NDManager.newBaseManager();
            StaleMemory.poison(manager);
        }

        @Override
        public void onStep(Step step) {
            StaleMemory.poison(manager);
        }

        @Override
        public void onEnd(boolean earlyStopped, int bestEpoch) {
            manager.close();
        }
    }

    /** Allocates short-lived garbage and asks for collections until told to stop. */
    private static void churn(AtomicBoolean stop) {
        List<byte[]> keep = new ArrayList<>();
        while (!stop.get()) {
            for (int i = 0; i < 64; i++) {
                keep.add(new byte[16 * 1024]);
            }
            keep.clear();
            System.gc();
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String config(CharSequence pixels, String balancer) {
        return String.join(
                "\n",
                "name: determinism",
                "seed: 11",
                "threads: 1",
                "data: {validation_fraction: 0.25, test_fraction: 0.25, numeric: [" + pixels + "]}",
                "tasks:",
                "  - {name: first, type: binary, label: label, train: first.csv}",
                "  - {name: second, type: binary, label: label, train: second.csv}",
                "model:",
                "  architecture: hps",
                "  encoder: {type: lenet, channels: [2, 4], hidden: 8}",
                "  head: {hidden: []}",
                "balancer: " + balancer,
                "trainer: {epochs: 3, batch_size: 8, lr: 0.005}",
                "");
    }

    private static String sha1(Path file) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(file)));
    }
}
