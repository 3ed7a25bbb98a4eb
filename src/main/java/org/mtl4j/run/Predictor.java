package org.mtl4j.run;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.Mtl4jException;
import org.mtl4j.config.TaskConfig;
import org.mtl4j.data.CsvTable;
import org.mtl4j.data.FeatureMatrix;
import org.mtl4j.model.MultiTaskModel;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;
import org.mtl4j.train.Evaluator;

/**
 * A saved model ready for inference: one forward pass gives every task's output. Safe to share
 * between threads (calls are serialised).
 */
public final class Predictor implements AutoCloseable {
    private final NDManager manager;
    private final MultiTaskModel model;
    private final ModelFiles.Description description;
    private volatile RecordInput recordInput;

    private Predictor(NDManager manager, MultiTaskModel model, ModelFiles.Description d) {
        this.manager = manager;
        this.model = model;
        this.description = d;
    }

    /** Loads from a run directory (its {@code model/}) or a model directory. */
    public static Predictor load(Path dir) {
        return load(dir, 0);
    }

    /**
     * Loads from a run directory (its {@code model/}) or a model directory.
     *
     * @param threads engine intra-op threads, 0 = keep the engine's setting
     */
    public static Predictor load(Path dir, int threads) {
        Path modelDir =
                Files.exists(dir.resolve("model").resolve("model.json"))
                        ? dir.resolve("model")
                        : dir;
        if (!Files.isDirectory(dir)) {
            throw new Mtl4jException(dir + ": no such run directory");
        }
        ModelFiles.Description d = ModelFiles.describe(modelDir);
        Engines.ensureStarted(threads);
        NDManager m = NDManager.newBaseManager();
        try {
            return new Predictor(m, ModelFiles.load(modelDir, m), d);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * The features a request record must give, from the saved preprocessing.
     *
     * @throws Mtl4jException for a model that reads images (records of named features do not
     *     describe an image)
     */
    public RecordInput recordInput() {
        RecordInput in = recordInput;
        if (in == null) {
            if (description.audio() != null) {
                throw new Mtl4jException(
                        "this model reads WAV files, not records of named features: send"
                                + " {\"wav\": \"<base64 of the file>\"} records, or use mtl4j"
                                + " predict with a CSV that lists the WAV files in column \""
                                + description.audio().pathColumn()
                                + "\"");
            }
            var enc = description.spec().encoder();
            if (enc instanceof org.mtl4j.model.LeNetSpec
                    || enc instanceof org.mtl4j.model.ResNetSpec) {
                throw new Mtl4jException(
                        "this model reads images; records of named features cannot describe them"
                                + " (serving image models is not supported yet: use mtl4j predict)");
            }
            var pre = description.preprocessor();
            in =
                    pre == null
                            ? new RecordInput(description.numericNames(), List.of(), Map.of())
                                    .withoutNulls()
                            : new RecordInput(
                                    pre.state().numeric(),
                                    pre.state().categorical(),
                                    pre.state().multiValued());
            recordInput = in;
        }
        return in;
    }

    /** Whether the model reads WAV files (its records are {@code {"wav": "<base64>"}}). */
    public boolean readsAudio() {
        return description.audio() != null;
    }

    /**
     * Model features of JSON records (see {@link RecordInput} for what each must hold; for an audio
     * model, each record is {@code {"wav": "<base64 of a WAV file>"}}).
     */
    public FeatureMatrix features(List<JsonNode> records) {
        if (readsAudio()) {
            return audioFeatures(records);
        }
        RecordInput in = recordInput();
        FeatureMatrix x = features(in.table(records));
        // a value far outside the training range can still overflow once standardised
        int w = x.numericWidth();
        float[] v = x.numeric();
        List<String> names = new java.util.ArrayList<>(in.features().keySet());
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new Mtl4jException(
                        (records.size() > 1 ? "record " + (i / w + 1) : "record")
                                + ", feature \""
                                + names.get(i % w)
                                + "\": the value is too far from the training values for this"
                                + " model (not finite once standardised)");
            }
        }
        return x;
    }

    /**
     * Indices of the named tasks, in the order given (every task when {@code names} is empty).
     *
     * @throws Mtl4jException naming an unknown or repeated task
     */
    public int[] taskIndices(List<String> names) {
        List<String> all = model.tasks().stream().map(Task::name).toList();
        if (names == null || names.isEmpty()) {
            return java.util.stream.IntStream.range(0, all.size()).toArray();
        }
        int[] idx = new int[names.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = all.indexOf(names.get(i));
            if (idx[i] < 0) {
                throw new Mtl4jException(
                        "unknown task \"" + names.get(i) + "\"; the model predicts " + all);
            }
            for (int j = 0; j < i; j++) {
                if (idx[j] == idx[i]) {
                    throw new Mtl4jException("task \"" + names.get(i) + "\" is named twice");
                }
            }
        }
        return idx;
    }

    /**
     * Predictions of rows {@code from} to {@code from + count - 1} of raw outputs covering {@code
     * rows} rows: per row, task name → that task's prediction (see {@link #predict}).
     */
    public List<Map<String, Object>> format(
            float[][] raw, int rows, int from, int count, int[] tasks) {
        List<Map<String, Object>> out = new ArrayList<>(count);
        for (int r = from; r < from + count; r++) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int t : tasks) {
                row.put(
                        model.tasks().get(t).name(),
                        PredictionFormat.json(description.tasks().get(t), raw[t], r));
            }
            out.add(row);
        }
        return out;
    }

    /**
     * Every named task's prediction for each record, from one forward pass: binary {@code class}
     * and {@code probability}; multiclass {@code class} and {@code probabilities}; multilabel
     * {@code labels} and {@code probabilities}; regression {@code value} (or {@code values}).
     * Thread-safe.
     *
     * @param records feature name → value (a number, a string, an array for a multi-valued feature,
     *     or null for a missing value)
     * @param tasks task names, or empty for all
     */
    /**
     * Checks that every output of the rows is finite; a record whose values lie far outside the
     * training range can overflow the network even when each feature is finite.
     *
     * @throws Mtl4jException naming the record and the task
     */
    public void checkOutputs(float[][] raw, int rows) {
        checkOutputs(raw, rows, r -> rows > 1 ? "record " + (r + 1) : "record");
    }

    /** {@link #checkOutputs(float[][], int)} naming row r by {@code where.apply(r)}. */
    public void checkOutputs(
            float[][] raw, int rows, java.util.function.IntFunction<String> where) {
        for (int t = 0; t < raw.length; t++) {
            int w = raw[t].length / Math.max(rows, 1);
            for (int i = 0; i < raw[t].length; i++) {
                if (!Float.isFinite(raw[t][i])) {
                    throw new Mtl4jException(
                            where.apply(i / w)
                                    + ": the model's output for task \""
                                    + model.tasks().get(t).name()
                                    + "\" is not finite; the values are too far from the training"
                                    + " values for this model");
                }
            }
        }
    }

    public List<Map<String, Object>> predict(
            List<? extends Map<String, ?>> records, List<String> tasks) {
        int[] idx = taskIndices(tasks);
        List<JsonNode> nodes = new ArrayList<>(records.size());
        for (Map<String, ?> r : records) {
            nodes.add(Json.mapper().valueToTree(r));
        }
        FeatureMatrix x = features(nodes);
        float[][] raw = predictRaw(x);
        checkOutputs(raw, x.rows());
        return format(raw, x.rows(), 0, x.rows(), idx);
    }

    public List<Task> tasks() {
        return model.tasks();
    }

    public ModelFiles.Description description() {
        return description;
    }

    public MultiTaskModel model() {
        return model;
    }

    /** Raw outputs per task (logits or values), rows × width each. */
    public synchronized float[][] predictRaw(FeatureMatrix x) {
        return Evaluator.predict(model, manager, x, 1024);
    }

    private FeatureMatrix audioFeatures(List<JsonNode> records) {
        List<org.mtl4j.data.audio.WavReader.Audio> clips = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            String name = records.size() > 1 ? "record " + (i + 1) : "record";
            JsonNode r = records.get(i);
            String hint = "; send {\"wav\": \"<the WAV file's bytes in base64>\"}";
            if (r == null || !r.isObject()) {
                throw new Mtl4jException(
                        name
                                + ": expected a JSON object, got "
                                + (r == null
                                        ? "null"
                                        : r.getNodeType()
                                                .toString()
                                                .toLowerCase(java.util.Locale.ROOT))
                                + hint);
            }
            java.util.Iterator<String> keys = r.fieldNames();
            while (keys.hasNext()) {
                String k = keys.next();
                if (!k.equals("wav")) {
                    throw new Mtl4jException(
                            name + ": unknown key \"" + k + "\"; this model reads audio" + hint);
                }
            }
            JsonNode wav = r.get("wav");
            if (wav == null || !wav.isTextual()) {
                throw new Mtl4jException(name + ": missing \"wav\" string" + hint);
            }
            byte[] bytes;
            try {
                bytes = java.util.Base64.getMimeDecoder().decode(wav.textValue());
            } catch (IllegalArgumentException e) {
                throw new Mtl4jException(
                        name + ", \"wav\": not base64 (" + e.getMessage() + ")" + hint);
            }
            clips.add(org.mtl4j.data.audio.WavReader.parse(name, bytes));
            names.add(name);
        }
        return org.mtl4j.data.audio.AudioFeatures.ofClips(description.audio(), clips, names);
    }

    /** Model features of a table, with the preprocessing saved at training time. */
    public FeatureMatrix features(CsvTable table) {
        if (description.audio() != null) {
            // no cache: predictions read the files as they are now
            return org.mtl4j.data.audio.AudioFeatures.compute(description.audio(), table, null);
        }
        if (description.preprocessor() != null) {
            return description.preprocessor().transform(table);
        }
        List<String> names = description.numericNames();
        int[] idx = names.stream().mapToInt(n -> table.requireColumn(n, "feature")).toArray();
        float[] v = new float[table.rows() * idx.length];
        for (int r = 0; r < table.rows(); r++) {
            for (int k = 0; k < idx.length; k++) {
                String cell = table.cell(r, idx[k]);
                try {
                    double d = Double.parseDouble(cell.trim());
                    org.mtl4j.data.FeatureValues.checkRange(
                            d,
                            table.source()
                                    + " line "
                                    + table.line(r)
                                    + ", column \""
                                    + names.get(k)
                                    + "\"",
                            cell);
                    v[r * idx.length + k] = (float) d;
                } catch (NumberFormatException e) {
                    throw new Mtl4jException(
                            table.source()
                                    + " line "
                                    + table.line(r)
                                    + ", column \""
                                    + names.get(k)
                                    + "\": \""
                                    + Mtl4jException.clip(cell)
                                    + "\" is not a number");
                }
            }
        }
        return new FeatureMatrix(table.rows(), idx.length, v, 0, new int[0]);
    }

    /**
     * Writes predictions for every row of {@code input} to a CSV: per task, the predicted class (or
     * value) and probabilities. Column names: binary {@code t}, {@code t_prob}; multiclass {@code
     * t}, {@code t_prob_<class>}; multilabel {@code t_<label>}, {@code t_<label>_prob}; regression
     * {@code t} or {@code t_<dim>}. The file is written atomically.
     */
    public void writeCsv(CsvTable input, Path output) {
        float[][] raw = predictRaw(features(input));
        checkOutputs(raw, input.rows(), r -> input.source() + " line " + input.line(r));
        List<String> header = new ArrayList<>();
        for (TaskConfig tc : description.tasks()) {
            header.addAll(columns(tc));
        }
        AtomicFiles.write(
                output,
                out -> {
                    BufferedWriter w =
                            new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
                    w.write(
                            String.join(
                                    ",",
                                    header.stream().map(PredictionFormat::csvEscape).toList()));
                    w.newLine();
                    for (int r = 0; r < input.rows(); r++) {
                        List<String> cells = new ArrayList<>();
                        for (int t = 0; t < raw.length; t++) {
                            cells.addAll(
                                    PredictionFormat.cells(description.tasks().get(t), raw[t], r));
                        }
                        w.write(String.join(",", cells));
                        w.newLine();
                    }
                    w.flush();
                });
    }

    private static List<String> columns(TaskConfig tc) {
        Task t = tc.task();
        String n = t.name();
        List<String> c = new ArrayList<>();
        TaskType type = t.type();
        if (type instanceof TaskType.Binary) {
            c.add(n);
            c.add(n + "_prob");
        } else if (type instanceof TaskType.Multiclass) {
            c.add(n);
            t.dimNames().forEach(d -> c.add(n + "_prob_" + d));
        } else if (type instanceof TaskType.Multilabel) {
            t.dimNames()
                    .forEach(
                            d -> {
                                c.add(n + "_" + d);
                                c.add(n + "_" + d + "_prob");
                            });
        } else {
            if (type.outputWidth() == 1) {
                c.add(n);
            } else {
                t.dimNames().forEach(d -> c.add(n + "_" + d));
            }
        }
        return c;
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Per-task loss and metrics of the saved model on labelled rows. */
    public synchronized Evaluator.Evaluation evaluate(org.mtl4j.data.Dataset data) {
        return evaluate(data, r -> "row " + (r + 1) + " of the evaluated data");
    }

    /**
     * {@link #evaluate(org.mtl4j.data.Dataset)}, refusing rows whose outputs are not finite (as
     * {@code predict} and {@code serve} do) and naming row r by {@code where.apply(r)}.
     */
    public synchronized Evaluator.Evaluation evaluate(
            org.mtl4j.data.Dataset data, java.util.function.IntFunction<String> where) {
        float[][] raw = Evaluator.predict(model, manager, data.features(), 1024);
        checkOutputs(raw, data.rows(), where);
        return Evaluator.evaluate(model.tasks(), manager, data, raw);
    }

    /** Features and labels of a CSV that has the training label columns. */
    public org.mtl4j.data.Dataset labelled(CsvTable table) {
        FeatureMatrix x = features(table);
        List<org.mtl4j.data.TaskLabels> labels = new ArrayList<>();
        for (TaskConfig tc : description.tasks()) {
            if (tc.labelColumns().isEmpty()) {
                throw new Mtl4jException(
                        "task \""
                                + tc.task().name()
                                + "\" was trained on synthetic data"
                                + " and has no label column; evaluate it without --data");
            }
            labels.add(
                    org.mtl4j.data.LabelReader.read(
                            tc.task(), tc.labelColumns(), tc.classNames(), table));
        }
        return new org.mtl4j.data.Dataset(x, labels);
    }
}
