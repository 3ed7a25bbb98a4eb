package org.mtl4j.run;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.Mtl4jException;
import org.mtl4j.config.TaskConfig;
import org.mtl4j.data.Preprocessor;
import org.mtl4j.model.Activation;
import org.mtl4j.model.MlpSpec;
import org.mtl4j.model.ModelSpec;
import org.mtl4j.model.MultiTaskModel;
import org.mtl4j.model.Norm;
import org.mtl4j.task.LossKind;
import org.mtl4j.task.TargetScale;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;

/**
 * A saved model directory: {@code model.json} (tasks with their label columns, architecture,
 * feature preprocessing) and {@code parameters.bin} (DJL parameter format). The directory is staged
 * and renamed into place, so it is either complete or absent.
 */
public final class ModelFiles {
    /** Format version of {@code model.json}. */
    public static final int FORMAT = 1;

    /** What a loaded model directory describes. */
    public record Description(
            List<TaskConfig> tasks,
            ModelSpec spec,
            Preprocessor preprocessor,
            List<String> numericNames,
            org.mtl4j.data.audio.AudioSpec audio) {

        /** A model that does not read audio files. */
        public Description(
                List<TaskConfig> tasks,
                ModelSpec spec,
                Preprocessor preprocessor,
                List<String> numericNames) {
            this(tasks, spec, preprocessor, numericNames, null);
        }
    }

    private ModelFiles() {}

    /** Writes {@code model} to {@code dir} atomically. */
    public static void save(Path dir, MultiTaskModel model, Description d) {
        Path staged = dir.resolveSibling("." + dir.getFileName() + ".staging");
        try {
            AtomicFiles.deleteRecursively(staged);
            Files.createDirectories(staged);
            Json.write(staged.resolve("model.json"), describe(d));
            AtomicFiles.write(
                    staged.resolve("parameters.bin"),
                    out -> {
                        DataOutputStream dos = new DataOutputStream(out);
                        model.saveParameters(dos);
                        dos.flush();
                    });
        } catch (IOException e) {
            throw new Mtl4jException("cannot write model to " + dir + ": " + e.getMessage(), e);
        }
        AtomicFiles.replaceDirectory(staged, dir);
    }

    /** Reads the description in {@code dir/model.json}. */
    public static Description describe(Path dir) {
        try {
            return parse(dir);
        } catch (NullPointerException | IllegalArgumentException | ClassCastException e) {
            throw new Mtl4jException(
                    dir.resolve("model.json")
                            + ": incomplete or corrupt model description ("
                            + e.getClass().getSimpleName()
                            + "); save the model again with mtl4j train",
                    e);
        }
    }

    private static Description parse(Path dir) {
        Path file = dir.resolve("model.json");
        if (!Files.exists(file)) {
            throw new Mtl4jException(
                    dir
                            + ": no saved model here (model.json missing); pass a run"
                            + " directory written by mtl4j train, or its model/ subdirectory");
        }
        JsonNode j = Json.read(file);
        int format = j.path("format").asInt(-1);
        if (format != FORMAT) {
            throw new Mtl4jException(
                    file
                            + ": model format "
                            + format
                            + " is not supported by this"
                            + " mtl4j (expects "
                            + FORMAT
                            + ")");
        }
        List<TaskConfig> tasks = new ArrayList<>();
        for (JsonNode t : j.get("tasks")) {
            tasks.add(task(t));
        }
        JsonNode m = j.get("model");
        List<Integer> vocab = new ArrayList<>();
        m.get("vocabulary_sizes").forEach(v -> vocab.add(v.asInt()));
        ModelSpec spec =
                new ModelSpec(
                        m.get("numeric_width").asInt(),
                        vocab,
                        m.get("embedding_dim").asInt(),
                        encoder(m.get("encoder")),
                        mlp(m.get("head")),
                        architecture(m.get("architecture")),
                        slots(m.get("categorical_slots"), vocab.size()),
                        pooling(m.get("pooling"), vocab.size()));
        Preprocessor pre = null;
        if (j.hasNonNull("preprocessor")) {
            pre =
                    Preprocessor.fromState(
                            Json.mapper()
                                    .convertValue(j.get("preprocessor"), Preprocessor.State.class));
        }
        List<String> names = strings(j.get("numeric_names"));
        org.mtl4j.data.audio.AudioSpec audio =
                j.hasNonNull("audio") ? org.mtl4j.data.audio.AudioSpec.of(j.get("audio")) : null;
        return new Description(tasks, spec, pre, names, audio);
    }

    /** Rebuilds the model in {@code dir} with its trained parameters. */
    public static MultiTaskModel load(Path dir, NDManager manager) {
        Description d = describe(dir);
        MultiTaskModel model =
                new MultiTaskModel(d.spec(), d.tasks().stream().map(TaskConfig::task).toList());
        model.initialize(manager);
        try (InputStream in =
                new BufferedInputStream(Files.newInputStream(dir.resolve("parameters.bin")))) {
            model.loadParameters(manager, new DataInputStream(in));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw new Mtl4jException(
                    dir.resolve("parameters.bin")
                            + ": cannot load parameters ("
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage())
                            + "); the file is damaged or belongs to another model",
                    e);
        }
        return model;
    }

    private static Map<String, Object> describe(Description d) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("format", FORMAT);
        j.put("mtl4j_version", Versions.mtl4j());
        List<Object> tasks = new ArrayList<>();
        for (TaskConfig tc : d.tasks()) {
            tasks.add(taskJson(tc));
        }
        j.put("tasks", tasks);
        ModelSpec s = d.spec();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", s.architecture().describe());
        m.put("numeric_width", s.numericWidth());
        m.put("vocabulary_sizes", s.vocabularySizes());
        m.put("categorical_slots", s.slots());
        if (s.pooling().stream().anyMatch(p -> p.kind() != org.mtl4j.model.TextPooling.Kind.MEAN)) {
            m.put(
                    "pooling",
                    s.pooling().stream().map(org.mtl4j.model.TextPooling::describe).toList());
        }
        m.put("embedding_dim", s.embeddingDim());
        m.put("encoder", s.encoder().describe());
        m.put("head", s.head().describe());
        j.put("model", m);
        j.put("preprocessor", d.preprocessor() == null ? null : d.preprocessor().state());
        j.put("numeric_names", d.numericNames());
        if (d.audio() != null) {
            j.put("audio", d.audio().describe());
        }
        return j;
    }

    static Map<String, Object> taskJson(TaskConfig tc) {
        Task t = tc.task();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("type", t.type().typeName());
        m.put("width", t.type().outputWidth());
        m.put("loss", t.loss().configName());
        m.put("metrics", t.metrics());
        m.put("delta_metrics", t.deltaMetrics());
        m.put("dim_names", t.dimNames());
        m.put("label_columns", tc.labelColumns());
        m.put("class_names", tc.classNames());
        TargetScale scale = t.targetScale();
        if (scale.active()) {
            Map<String, Object> sc = new LinkedHashMap<>();
            sc.put("type", scale.configName());
            sc.put("mean", scale.mean());
            sc.put("std", scale.std());
            m.put("target_scale", sc);
        } else if (t.type() instanceof TaskType.Regression) {
            m.put("target_scale", Map.of("type", TargetScale.none().configName()));
        }
        return m;
    }

    /**
     * A task's target scale in model.json: absent (files written before targets were scaled) or
     * {@code none} means unscaled; {@code standard} carries the training mean and std.
     */
    private static TargetScale targetScale(JsonNode n, String task) {
        if (n == null || n.isNull() || "none".equals(n.path("type").asText())) {
            return TargetScale.none();
        }
        String where = "model.json: task \"" + task + "\": target_scale";
        if (!"standard".equals(n.path("type").asText())
                || !n.path("mean").isArray()
                || !n.path("std").isArray()) {
            throw new Mtl4jException(
                    where + " must be {type: none} or {type: standard, mean: [...], std: [...]}");
        }
        double[] mean = doubles(n.get("mean"), where + ".mean");
        double[] std = doubles(n.get("std"), where + ".std");
        try {
            return new TargetScale(true, mean, std);
        } catch (IllegalArgumentException e) {
            throw new Mtl4jException(where + ": " + e.getMessage(), e);
        }
    }

    private static double[] doubles(JsonNode a, String where) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            if (!a.get(i).isNumber()) {
                throw new Mtl4jException(where + "[" + i + "] is not a number");
            }
            v[i] = a.get(i).asDouble();
        }
        return v;
    }

    private static TaskConfig task(JsonNode n) {
        int w = n.get("width").asInt();
        TaskType type =
                switch (n.get("type").asText()) {
                    case "binary" -> new TaskType.Binary();
                    case "multiclass" -> new TaskType.Multiclass(w);
                    case "multilabel" -> new TaskType.Multilabel(w);
                    case "regression" -> new TaskType.Regression(w);
                    default ->
                            throw new Mtl4jException(
                                    "model.json: unknown task type " + n.get("type"));
                };
        Task t =
                new Task(
                        n.get("name").asText(),
                        type,
                        LossKind.parse(n.get("loss").asText()),
                        strings(n.get("metrics")),
                        strings(n.get("delta_metrics")),
                        strings(n.get("dim_names")),
                        targetScale(n.get("target_scale"), n.get("name").asText()));
        return new TaskConfig(
                t,
                strings(n.get("label_columns")),
                strings(n.get("class_names")),
                null,
                null,
                null);
    }

    /** One slot per column when absent (model files written before multi-valued columns). */
    /** Per-column pooling of model.json (absent: every column mean-pooled). */
    private static List<org.mtl4j.model.TextPooling> pooling(JsonNode n, int columns) {
        if (n == null || n.isNull()) {
            return null;
        }
        List<org.mtl4j.model.TextPooling> out = new ArrayList<>();
        for (JsonNode p : n) {
            String type = p.get("type").asText();
            out.add(
                    switch (type) {
                        case "mean" -> org.mtl4j.model.TextPooling.mean();
                        case "max" -> org.mtl4j.model.TextPooling.max();
                        case "cnn" -> {
                            List<Integer> widths = new ArrayList<>();
                            p.get("widths").forEach(w -> widths.add(w.asInt()));
                            yield org.mtl4j.model.TextPooling.cnn(p.get("filters").asInt(), widths);
                        }
                        case "gru" ->
                                org.mtl4j.model.TextPooling.gru(
                                        p.get("hidden").asInt(),
                                        p.get("bidirectional").asBoolean(),
                                        pool(p));
                        case "transformer" ->
                                org.mtl4j.model.TextPooling.transformer(
                                        p.get("layers").asInt(),
                                        p.get("heads").asInt(),
                                        p.get("ff").asInt(),
                                        p.get("dropout").asDouble(),
                                        pool(p));
                        default -> throw new IllegalArgumentException("pooling type " + type);
                    });
        }
        if (out.size() != columns) {
            throw new IllegalArgumentException(
                    out.size() + " poolings for " + columns + " columns");
        }
        return out;
    }

    private static org.mtl4j.model.TextPooling.Pool pool(JsonNode p) {
        return org.mtl4j.model.TextPooling.Pool.valueOf(
                p.get("pool").asText().toUpperCase(java.util.Locale.ROOT));
    }

    private static List<Integer> slots(JsonNode n, int columns) {
        List<Integer> out = new ArrayList<>();
        if (n == null || !n.isArray()) {
            return java.util.Collections.nCopies(columns, 1);
        }
        n.forEach(k -> out.add(k.asInt()));
        return out;
    }

    /** Older model files wrote the string "hard_parameter_sharing". */
    private static org.mtl4j.model.Architecture architecture(JsonNode n) {
        String type = n != null && n.isObject() ? n.path("type").asText() : "hps";
        switch (type) {
            case "mmoe":
                return new org.mtl4j.model.Architecture.Mmoe(n.get("experts").asInt());
            case "cgc":
                return new org.mtl4j.model.Architecture.Cgc(
                        n.get("shared_experts").asInt(), n.get("task_experts").asInt());
            case "ple":
                return new org.mtl4j.model.Architecture.Ple(
                        n.get("levels").asInt(),
                        n.get("shared_experts").asInt(),
                        n.get("task_experts").asInt());
            case "aitm":
                return new org.mtl4j.model.Architecture.Aitm(n.get("calibration").asDouble());
            case "mtan":
                return new org.mtl4j.model.Architecture.Mtan();
            case "esmm":
                return new org.mtl4j.model.Architecture.Esmm();
            case "soft_sharing":
                return new org.mtl4j.model.Architecture.SoftSharing(n.get("penalty").asDouble());
            case "dselect_k":
                return new org.mtl4j.model.Architecture.DselectK(
                        n.get("experts").asInt(), n.get("k").asInt(), n.get("gamma").asDouble());
            case "cross_stitch":
                return new org.mtl4j.model.Architecture.CrossStitch(
                        n.get("self_weight").asDouble());
            case "hps":
                break;
            default:
                throw new Mtl4jException(
                        "model.json: unknown architecture \""
                                + type
                                + "\" (written by another mtl4j version?); this version reads hps,"
                                + " mmoe, cgc, ple, cross_stitch, dselect_k, soft_sharing, esmm, aitm"
                                + " and mtan");
        }
        return new org.mtl4j.model.Architecture.HardSharing();
    }

    private static org.mtl4j.model.EncoderSpec encoder(JsonNode n) {
        if (n.path("type").asText("mlp").equals("lenet")) {
            return new org.mtl4j.model.LeNetSpec(
                    n.get("channels").get(0).asInt(),
                    n.get("channels").get(1).asInt(),
                    n.get("hidden").asInt());
        }
        if (n.path("type").asText("mlp").equals("audio_cnn")) {
            List<Integer> channels = new ArrayList<>();
            n.get("channels").forEach(c -> channels.add(c.asInt()));
            return new org.mtl4j.model.AudioCnnSpec(
                    n.get("bands").asInt(),
                    channels,
                    n.get("hidden").asInt(),
                    n.get("dropout").asDouble());
        }
        if (n.path("type").asText("mlp").equals("resnet")) {
            List<Integer> channels = new ArrayList<>();
            n.get("channels").forEach(c -> channels.add(c.asInt()));
            return new org.mtl4j.model.ResNetSpec(
                    channels, n.get("blocks").asInt(), n.get("hidden").asInt());
        }
        return mlp(n);
    }

    private static MlpSpec mlp(JsonNode n) {
        List<Integer> hidden = new ArrayList<>();
        n.get("hidden").forEach(h -> hidden.add(h.asInt()));
        return new MlpSpec(
                hidden,
                Activation.parse(n.get("activation").asText()),
                n.get("dropout").asDouble(),
                Norm.parse(n.get("norm").asText()));
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null) {
            n.forEach(x -> out.add(x.asText()));
        }
        return out;
    }
}
