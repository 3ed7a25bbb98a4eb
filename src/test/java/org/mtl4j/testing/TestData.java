package org.mtl4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** Small deterministic data files for tests. */
public final class TestData {
    private TestData() {}

    /**
     * Writes a CSV with numeric features a, b, c, a categorical feature color, and labels: buy
     * (binary), size (multiclass 0..2), price (regression). Every 7th row has no buy label and
     * every 11th row no price label.
     */
    public static Path customersCsv(Path dir, int rows, long seed) throws IOException {
        Random r = new Random(seed);
        String[] colors = {"red", "green", "blue", "black"};
        List<String> lines = new ArrayList<>();
        lines.add("a,b,c,color,buy,size,price");
        for (int i = 0; i < rows; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian();
            double c = r.nextGaussian();
            int color = r.nextInt(colors.length);
            double latent = a + 0.5 * b - 0.3 * c + 0.4 * color;
            String buy = i % 7 == 3 ? "" : (latent + 0.3 * r.nextGaussian() > 0.5 ? "1" : "0");
            int size = latent < 0 ? 0 : latent < 1 ? 1 : 2;
            String price =
                    i % 11 == 5
                            ? ""
                            : String.format(
                                    Locale.ROOT, "%.4f", 10 + 3 * latent + r.nextGaussian());
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "%.5f,%.5f,%.5f,%s,%s,%d,%s",
                            a,
                            b,
                            c,
                            colors[color],
                            buy,
                            size,
                            price));
        }
        Files.createDirectories(dir);
        Path p = dir.resolve("customers.csv");
        Files.write(p, lines);
        return p;
    }

    /** A YAML config for {@link #customersCsv}, with the given balancer block and epochs. */
    public static Path customersConfig(Path dir, Path csv, String balancer, int epochs)
            throws IOException {
        String yaml =
                String.join(
                        "\n",
                        "name: customers",
                        "seed: 3",
                        "threads: 1",
                        "data:",
                        "  train: " + csv.getFileName(),
                        "  validation_fraction: 0.2",
                        "  test_fraction: 0.2",
                        "  numeric: [a, b, c]",
                        "  categorical: [color]",
                        "tasks:",
                        "  - {name: buy, type: binary, label: buy}",
                        "  - {name: size, type: multiclass, classes: 3, label: size}",
                        "  - {name: price, type: regression, label: price}",
                        "model:",
                        "  encoder: {hidden: [16]}",
                        "  head: {hidden: [8]}",
                        "  embedding_dim: 3",
                        "balancer: " + balancer,
                        "trainer:",
                        "  epochs: " + epochs,
                        "  batch_size: 32",
                        "  lr: 0.01",
                        "  log_every: 5",
                        "");
        Path p = dir.resolve("customers.yaml");
        Files.writeString(p, yaml);
        return p;
    }

    /**
     * Writes {@code rows} 28×28 images (columns p0..p783, then label) whose bright half decides a
     * 0/1 label: the left half ({@code byRows} false) or the top half (true). Pixels in [0, 1].
     */
    public static void halfBrightImages(Path file, int rows, long seed, boolean byRows)
            throws IOException {
        java.util.Random r = new java.util.Random(seed);
        StringBuilder b = new StringBuilder();
        for (int p = 0; p < 784; p++) {
            b.append('p').append(p).append(',');
        }
        b.append("label\n");
        for (int i = 0; i < rows; i++) {
            int label = r.nextInt(2);
            for (int p = 0; p < 784; p++) {
                boolean bright = (byRows ? p / 28 < 14 : p % 28 < 14) == (label == 1);
                b.append(bright ? 0.8 + 0.2 * r.nextDouble() : 0.1 * r.nextDouble()).append(',');
            }
            b.append(label).append('\n');
        }
        java.nio.file.Files.writeString(file, b);
    }
}
