package org.mtl4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.mtl4j.Mtl4jException;
import org.mtl4j.config.DataConfig;
import org.mtl4j.config.TaskConfig;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;

/** Builds {@link TrainingData} from a {@link DataConfig}: reads, splits, preprocesses, labels. */
public final class DataLoader {
    private DataLoader() {}

    public static TrainingData load(DataConfig config, List<TaskConfig> tasks, long seed) {
        if (config instanceof DataConfig.Synthetic s) {
            return synthetic(s, tasks, seed);
        }
        if (config instanceof DataConfig.Images im) {
            return ImageData.load(im, tasks, seed);
        }
        if (config instanceof DataConfig.Audio a) {
            return audio(a, tasks, seed);
        }
        return csv((DataConfig.Csv) config, tasks, seed);
    }

    private static TrainingData synthetic(
            DataConfig.Synthetic s, List<TaskConfig> tasks, long seed) {
        if (s.spec().tasks() != tasks.size()) {
            throw new Mtl4jException(
                    "data.synthetic.tasks is "
                            + s.spec().tasks()
                            + " but "
                            + tasks.size()
                            + " tasks are declared; declare one task per generated target");
        }
        for (TaskConfig t : tasks) {
            TaskType tt = t.task().type();
            if (!(tt instanceof TaskType.Binary) && !tt.equals(new TaskType.Regression(1))) {
                throw new Mtl4jException(
                        "task \""
                                + t.task().name()
                                + "\": synthetic data makes"
                                + " one-dimensional regression targets (or binary ones: target above its median); type "
                                + tt.typeName()
                                + " is not available");
            }
        }
        List<Dataset> raw =
                s.spec().separateInputs()
                        ? SyntheticMmoe.generatePerTask(s.spec(), seed)
                        : List.of(SyntheticMmoe.generate(s.spec(), seed));
        List<Dataset> train = new ArrayList<>();
        Dataset val = null;
        Dataset test = null;
        for (int i = 0; i < raw.size(); i++) {
            Dataset d = binarize(raw.get(i), tasks);
            int[][] split =
                    Splits.random(d.rows(), s.validationFraction(), s.testFraction(), seed + i);
            train.add(d.select(split[0]));
            val = append(val, split[1].length == 0 ? null : d.select(split[1]));
            test = append(test, split[2].length == 0 ? null : d.select(split[2]));
        }
        List<String> names =
                IntStream.range(0, s.spec().features()).mapToObj(i -> "x" + i).toList();
        return new TrainingData(train, val, test, null, names, List.of());
    }

    /** Median of the observed values (the sine terms shift targets away from 0). */
    private static float median(TaskLabels l) {
        float[] obs = new float[l.observedCount()];
        for (int r = 0, k = 0; r < l.rows(); r++) {
            if (l.observed()[r]) {
                obs[k++] = l.values()[r];
            }
        }
        java.util.Arrays.sort(obs);
        return obs.length == 0 ? 0 : obs[obs.length / 2];
    }

    /** Binary tasks: 1 where the generated target is above its median (balanced classes). */
    private static Dataset binarize(Dataset d, List<TaskConfig> tasks) {
        List<TaskLabels> labels = new ArrayList<>(d.labels());
        for (int t = 0; t < tasks.size(); t++) {
            if (tasks.get(t).task().type() instanceof TaskType.Binary) {
                TaskLabels l = labels.get(t);
                float[] v = new float[l.rows()];
                float median = median(l);
                for (int r = 0; r < v.length; r++) {
                    v[r] = l.values()[r] > median ? 1f : 0f;
                }
                labels.set(t, new TaskLabels(l.rows(), 1, v, l.observed().clone()));
            }
        }
        return new Dataset(d.features(), labels);
    }

    private static TrainingData csv(DataConfig.Csv c, List<TaskConfig> tasks, long seed) {
        TabularSchema schema;
        try {
            schema =
                    new TabularSchema(
                            c.numeric(),
                            c.categoricalWithText(),
                            c.hashBuckets(),
                            c.multiValuedWithText(),
                            c.text(),
                            c.vocabulary());
        } catch (IllegalArgumentException e) {
            throw new Mtl4jException("data: " + e.getMessage(), e);
        }
        boolean perTask = tasks.stream().allMatch(t -> t.train() != null);
        if (!perTask && tasks.stream().anyMatch(t -> t.train() != null)) {
            throw new Mtl4jException(
                    "either every task has its own train: file (multi-input) or none"
                            + " does (all tasks read data.train); tasks with files: "
                            + tasks.stream()
                                    .filter(t -> t.train() != null)
                                    .map(t -> t.task().name())
                                    .toList());
        }
        if (perTask && (c.train() != null || c.validation() != null || c.test() != null)) {
            throw new Mtl4jException(
                    "data.train/validation/test are not used when every task has its own train:"
                            + " file; remove them, or give validation:/test: files per task");
        }
        for (TaskConfig t : tasks) {
            if (t.train() == null && (t.validation() != null || t.test() != null)) {
                throw new Mtl4jException(
                        "task \""
                                + t.task().name()
                                + "\": validation:/test: files need the task's own train: file too");
            }
            for (String col : t.labelColumns()) {
                if (c.numeric().contains(col) || c.categorical().contains(col)) {
                    throw new Mtl4jException(
                            "column \""
                                    + col
                                    + "\" is both a feature and the label of task \""
                                    + t.task().name()
                                    + "\"; remove it from data.numeric/categorical");
                }
            }
        }
        List<CsvTable[]> parts = new ArrayList<>();
        if (perTask) {
            for (int i = 0; i < tasks.size(); i++) {
                TaskConfig t = tasks.get(i);
                parts.add(splitTables(t.train(), t.validation(), t.test(), c, seed + i));
            }
        } else {
            parts.add(splitTables(c.train(), c.validation(), c.test(), c, seed));
        }
        Preprocessor pre = Preprocessor.fit(schema, parts.stream().map(p -> p[0]).toList());
        List<Dataset> train = new ArrayList<>();
        Dataset val = null;
        Dataset test = null;
        for (int p = 0; p < parts.size(); p++) {
            int only = perTask ? p : -1;
            train.add(labelled(parts.get(p)[0], pre, tasks, only));
            val =
                    append(
                            val,
                            parts.get(p)[1] == null
                                    ? null
                                    : labelled(parts.get(p)[1], pre, tasks, only));
            test =
                    append(
                            test,
                            parts.get(p)[2] == null
                                    ? null
                                    : labelled(parts.get(p)[2], pre, tasks, only));
        }
        for (int i = 0; i < tasks.size(); i++) {
            int t = i;
            int n = train.stream().mapToInt(d -> d.labels().get(t).observedCount()).sum();
            if (n == 0) {
                throw new Mtl4jException(
                        "task \""
                                + tasks.get(i).task().name()
                                + "\" has no labelled row"
                                + " in the training data (all cells of "
                                + tasks.get(i).labelColumns()
                                + " are empty)");
            }
        }
        return new TrainingData(
                train,
                val,
                test,
                pre,
                c.numeric(),
                java.util.Arrays.stream(pre.vocabularySizes()).boxed().toList());
    }

    /**
     * Audio clips listed in CSV files: log-mel features of each WAV file (cached), labels from the
     * other columns.
     */
    private static TrainingData audio(DataConfig.Audio a, List<TaskConfig> tasks, long seed) {
        for (TaskConfig t : tasks) {
            if (t.train() != null) {
                throw new Mtl4jException(
                        "task \""
                                + t.task().name()
                                + "\": per-task train: files are not supported with data.audio;"
                                + " list every clip in data.audio.train and leave a label cell"
                                + " empty where a task has no label");
            }
            if (t.labelColumns().contains(a.spec().pathColumn())) {
                throw new Mtl4jException(
                        "task \""
                                + t.task().name()
                                + "\": its label column is the WAV path column \""
                                + a.spec().pathColumn()
                                + "\"");
            }
        }
        if (!java.nio.file.Files.exists(a.train())) {
            throw new Mtl4jException(
                    "data.audio.train: "
                            + a.train()
                            + " not found"
                            + (a.train().toString().contains("spoken-words")
                                    ? "; generate the spoken-words clips first with python3"
                                            + " scripts/data/make-spoken-words.py (needs apt-get"
                                            + " install espeak-ng)"
                                    : ""));
        }
        CsvTable[] parts =
                splitTables(
                        a.train(),
                        a.validation(),
                        a.test(),
                        a.validationFraction(),
                        a.testFraction(),
                        seed);
        Dataset[] sets = new Dataset[3];
        for (int p = 0; p < 3; p++) {
            if (parts[p] == null) {
                continue;
            }
            FeatureMatrix x =
                    org.mtl4j.data.audio.AudioFeatures.compute(a.spec(), parts[p], a.cacheDir());
            List<TaskLabels> labels = new ArrayList<>();
            for (TaskConfig tc : tasks) {
                labels.add(
                        LabelReader.read(tc.task(), tc.labelColumns(), tc.classNames(), parts[p]));
            }
            sets[p] = new Dataset(x, labels);
        }
        for (int i = 0; i < tasks.size(); i++) {
            if (sets[0].labels().get(i).observedCount() == 0) {
                throw new Mtl4jException(
                        "task \""
                                + tasks.get(i).task().name()
                                + "\" has no labelled clip in the training data (all cells of "
                                + tasks.get(i).labelColumns()
                                + " are empty)");
            }
        }
        // the frames × bands inputs are described by the audio settings, not named one by one
        return new TrainingData(
                List.of(sets[0]), sets[1], sets[2], null, List.of(), List.of(), a.spec());
    }

    /** {train, validation, test}; missing files are split off the training file. */
    private static CsvTable[] splitTables(
            Path train, Path val, Path test, DataConfig.Csv c, long seed) {
        return splitTables(train, val, test, c.validationFraction(), c.testFraction(), seed);
    }

    private static CsvTable[] splitTables(
            Path train, Path val, Path test, double valFraction, double testFraction, long seed) {
        CsvTable all = CsvTable.read(train);
        double vf = val == null ? valFraction : 0;
        double tf = test == null ? testFraction : 0;
        int[][] split = Splits.random(all.rows(), vf, tf, seed);
        CsvTable v =
                val != null
                        ? CsvTable.read(val)
                        : split[1].length > 0 ? all.select(split[1]) : null;
        CsvTable te =
                test != null
                        ? CsvTable.read(test)
                        : split[2].length > 0 ? all.select(split[2]) : null;
        return new CsvTable[] {all.select(split[0]), v, te};
    }

    /** Features and labels of a table; with {@code only >= 0}, other tasks are left unlabelled. */
    private static Dataset labelled(
            CsvTable t, Preprocessor pre, List<TaskConfig> tasks, int only) {
        FeatureMatrix x = pre.transform(t);
        List<TaskLabels> labels = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            TaskConfig tc = tasks.get(i);
            Task task = tc.task();
            labels.add(
                    only >= 0 && only != i
                            ? TaskLabels.missing(t.rows(), task.type().labelWidth())
                            : LabelReader.read(task, tc.labelColumns(), tc.classNames(), t));
        }
        return new Dataset(x, labels);
    }

    private static Dataset append(Dataset a, Dataset b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.concat(b);
    }
}
