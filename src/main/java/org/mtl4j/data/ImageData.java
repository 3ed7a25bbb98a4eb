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
        if (!c.kind().equalsIgnoreCase("multi_fashion")) {
            throw new Mtl4jException(
                    "data.images.kind: unknown \"" + c.kind() + "\"; available: multi_fashion");
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

    private static Dataset pairs(DataConfig.Images c, String part, int limit, long seed) {
        Path dir = c.dir();
        IdxReader.Images images =
                IdxReader.readImages(
                        IdxReader.find(
                                dir, part + "-images-idx3-ubyte.gz", part + "-images-idx3-ubyte"));
        IdxReader.Labels labels =
                IdxReader.readLabels(
                        IdxReader.find(
                                dir, part + "-labels-idx1-ubyte.gz", part + "-labels-idx1-ubyte"));
        if (limit > 0 && limit < images.count()) {
            int px = images.rows() * images.cols();
            images =
                    new IdxReader.Images(
                            limit,
                            images.rows(),
                            images.cols(),
                            Arrays.copyOf(images.pixels(), limit * px));
            labels = new IdxReader.Labels(limit, Arrays.copyOf(labels.values(), limit));
        }
        return TwoObjectImages.buildCached(
                c.cacheDir(), "multi-fashion-" + part, images, labels, images, labels, seed);
    }
}
