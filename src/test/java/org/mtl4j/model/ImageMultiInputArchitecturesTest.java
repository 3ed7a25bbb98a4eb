package org.mtl4j.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.Experiment;
import org.mtl4j.api.RunResult;
import org.mtl4j.testing.TestData;
import org.mtl4j.train.TrainingListener;

/**
 * Every architecture, including the recommendation ones, with a LeNet encoder on a multi-input
 * problem (each task its own file of 28×28 pixel rows), under EW, PCGrad and MGDA.
 */
class ImageMultiInputArchitecturesTest {
    @TempDir Path dir;

    @Test
    void everyArchitectureTrainsLeNetOnMultiInputImagesUnderThreeBalancers() throws Exception {
        TestData.halfBrightImages(dir.resolve("first.csv"), 64, 1, false);
        TestData.halfBrightImages(dir.resolve("second.csv"), 64, 2, true);
        StringBuilder pixels = new StringBuilder();
        for (int p = 0; p < 784; p++) {
            pixels.append(p == 0 ? "" : ", ").append('p').append(p);
        }
        List<String> archs =
                List.of(
                        "hps",
                        "{type: mmoe, experts: 2}",
                        "{type: cgc, shared_experts: 1, task_experts: 1}",
                        "{type: ple, levels: 2, shared_experts: 1, task_experts: 1}",
                        "{type: cross_stitch}",
                        "{type: dselect_k, experts: 2, k: 1}",
                        "{type: soft_sharing, penalty: 0.01}",
                        "mtan",
                        "esmm",
                        "{type: aitm, calibration: 0.5}");
        int runs = 0;
        for (String arch : archs) {
            for (String balancer : List.of("ew", "pcgrad", "mgda")) {
                String yaml =
                        String.join(
                                "\n",
                                "name: images-multi-input",
                                "seed: 3",
                                "threads: 1",
                                "data: {validation_fraction: 0.25, test_fraction: 0.25, numeric: ["
                                        + pixels
                                        + "]}",
                                "tasks:",
                                "  - {name: first, type: binary, label: label, train: first.csv}",
                                "  - {name: second, type: binary, label: label, train: second.csv}",
                                "model:",
                                "  architecture: " + arch,
                                "  encoder: {type: lenet, channels: [2, 4], hidden: 8}",
                                "  head: {hidden: []}",
                                "balancer: " + balancer,
                                "trainer: {epochs: 4, batch_size: 8, lr: 0.005}",
                                "");
                Path cfg = dir.resolve("cfg.yaml");
                Files.writeString(cfg, yaml);
                List<double[]> losses = new ArrayList<>();
                RunResult r =
                        Experiment.fromYaml(cfg)
                                .train(
                                        dir.resolve("run" + runs++),
                                        new TrainingListener() {
                                            @Override
                                            public void onEpoch(Epoch e) {
                                                losses.add(e.trainLosses());
                                            }
                                        });
                String what = arch + " " + balancer;
                // the multi-task objective falls (a gradient method may trade one task for the
                // other over a few steps, so the sum is compared, not each task)
                double first = losses.get(0)[0] + losses.get(0)[1];
                double last = losses.get(3)[0] + losses.get(3)[1];
                assertTrue(
                        Double.isFinite(last) && last < first, what + ": " + first + " -> " + last);
                assertTrue(Double.isFinite(r.metrics().get("second").get("auc")), what);
            }
        }
    }
}
