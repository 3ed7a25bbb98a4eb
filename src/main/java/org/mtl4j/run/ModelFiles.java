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
        ModelJson f = new ModelJson(file);
        List<TaskConfig> tasks = new ArrayList<>();
        JsonNode ts = f.array(j, "tasks", "tasks");
        for (int i = 0; i < ts.size(); i++) {
            tasks.add(task(f, ts.get(i), "tasks[" + i + "]"));
        }
        JsonNode m = f.node(j, "model", "model");
        List<Integer> vocab =
                f.integers(
                        m,
                        "vocabulary_sizes",
                        "model.vocabulary_sizes",
                        0,
                        ModelJson.MAX_VOCABULARY);
        ModelSpec spec =
                new ModelSpec(
                        f.integer(m, "numeric_width", "model.numeric_width", 0, 1 << 24),
                        vocab,
                        f.integer(
                                m, "embedding_dim", "model.embedding_dim", 0, ModelJson.MAX_WIDTH),
                        encoder(f, f.node(m, "encoder", "model.encoder"), "model.encoder"),
                        mlp(f, f.node(m, "head", "model.head"), "model.head"),
                        architecture(f, m.get("architecture")),
                        slots(f, m.get("categorical_slots"), vocab.size()),
                        pooling(f, m.get("pooling"), vocab.size()));
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
        checkSize(dir, d);
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

    /**
     * Refuses a description whose layers alone need more parameters than {@code parameters.bin}
     * holds (4 bytes each): widths edited upwards would otherwise make the engine allocate them
     * (tens of gigabytes) before the load finds the mismatch. The count is a lower bound: the
     * weights between consecutive layers of an MLP encoder and of each task's head.
     */
    private static void checkSize(Path dir, Description d) {
        Path params = dir.resolve("parameters.bin");
        if (!Files.isRegularFile(params)) {
            return;
        }
        long need = 0;
        if (d.spec().encoder() instanceof MlpSpec e) {
            need += layers(d.spec().numericWidth(), e.hidden());
        }
        long head = layers(0, d.spec().head().hidden());
        for (TaskConfig tc : d.tasks()) {
            List<Integer> h = d.spec().head().hidden();
            need +=
                    head
                            + (h.isEmpty()
                                    ? 0
                                    : (long) h.get(h.size() - 1) * tc.task().type().outputWidth());
        }
        try {
            long have = Files.size(params);
            if (need > have / 4) {
                throw new Mtl4jException(
                        dir.resolve("model.json")
                                + ": its layer widths need at least "
                                + need
                                + " parameters, but "
                                + params.getFileName()
                                + " holds "
                                + have
                                + " bytes ("
                                + have / 4
                                + " at most); the files do not belong together (model.json edited?)");
            }
        } catch (IOException e) {
            throw new Mtl4jException(params + ": unreadable (" + e.getMessage() + ")", e);
        }
    }

    /** Weights between consecutive widths: in × h0 + h0 × h1 + … (in = 0: from h0 on). */
    private static long layers(int in, List<Integer> widths) {
        long n = 0;
        long prev = in;
        for (int w : widths) {
            n += prev * w;
            prev = w;
        }
        return n;
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

    private static TaskConfig task(ModelJson f, JsonNode n, String at) {
        String kind = f.text(n, "type", at + ".type");
        int w =
                f.integer(
                        n,
                        "width",
                        at + ".width",
                        kind.equals("multiclass") ? 2 : 1,
                        kind.equals("binary") ? 1 : ModelJson.MAX_WIDTH);
        TaskType type =
                switch (kind) {
                    case "binary" -> new TaskType.Binary();
                    case "multiclass" -> new TaskType.Multiclass(w);
                    case "multilabel" -> new TaskType.Multilabel(w);
                    case "regression" -> new TaskType.Regression(w);
                    default ->
                            throw f.bad(
                                    at + ".type",
                                    n.get("type"),
                                    "binary, multiclass, multilabel or regression");
                };
        Task t =
                new Task(
                        f.text(n, "name", at + ".name"),
                        type,
                        LossKind.parse(f.text(n, "loss", at + ".loss")),
                        f.strings(n, "metrics", at + ".metrics"),
                        f.strings(n, "delta_metrics", at + ".delta_metrics"),
                        f.strings(n, "dim_names", at + ".dim_names"),
                        targetScale(n.get("target_scale"), f.text(n, "name", at + ".name")));
        return new TaskConfig(
                t,
                f.strings(n, "label_columns", at + ".label_columns"),
                f.strings(n, "class_names", at + ".class_names"),
                null,
                null,
                null);
    }

    /** One slot per column when absent (model files written before multi-valued columns). */
    /** Per-column pooling of model.json (absent: every column mean-pooled). */
    private static List<org.mtl4j.model.TextPooling> pooling(ModelJson f, JsonNode n, int columns) {
        if (n == null || n.isNull()) {
            return null;
        }
        List<org.mtl4j.model.TextPooling> out = new ArrayList<>();
        int k = 0;
        for (JsonNode p : n) {
            String at = "model.pooling[" + k++ + "]";
            String type = f.text(p, "type", at + ".type");
            int wide = ModelJson.MAX_WIDTH;
            out.add(
                    switch (type) {
                        case "mean" -> org.mtl4j.model.TextPooling.mean();
                        case "max" -> org.mtl4j.model.TextPooling.max();
                        case "cnn" -> {
                            List<Integer> widths = f.integers(p, "widths", at + ".widths", 1, 1024);
                            yield org.mtl4j.model.TextPooling.cnn(
                                    f.integer(p, "filters", at + ".filters", 1, wide), widths);
                        }
                        case "gru" ->
                                org.mtl4j.model.TextPooling.gru(
                                        f.integer(p, "hidden", at + ".hidden", 1, wide),
                                        f.bool(p, "bidirectional", at + ".bidirectional"),
                                        pool(f, p, at));
                        case "transformer" ->
                                org.mtl4j.model.TextPooling.transformer(
                                        f.integer(p, "layers", at + ".layers", 1, 64),
                                        f.integer(p, "heads", at + ".heads", 1, 1024),
                                        f.integer(p, "ff", at + ".ff", 1, wide),
                                        f.real(p, "dropout", at + ".dropout", 0, 1),
                                        pool(f, p, at));
                        default -> throw new IllegalArgumentException("pooling type " + type);
                    });
        }
        if (out.size() != columns) {
            throw new IllegalArgumentException(
                    out.size() + " poolings for " + columns + " columns");
        }
        return out;
    }

    private static org.mtl4j.model.TextPooling.Pool pool(ModelJson f, JsonNode p, String at) {
        return org.mtl4j.model.TextPooling.Pool.valueOf(
                f.text(p, "pool", at + ".pool").toUpperCase(java.util.Locale.ROOT));
    }

    private static List<Integer> slots(ModelJson f, JsonNode n, int columns) {
        List<Integer> out = new ArrayList<>();
        if (n == null || !n.isArray()) {
            return java.util.Collections.nCopies(columns, 1);
        }
        for (int i = 0; i < n.size(); i++) {
            out.add(f.integer(n.get(i), "model.categorical_slots[" + i + "]", 1, 1024));
        }
        return out;
    }

    /** Older model files wrote the string "hard_parameter_sharing". */
    private static org.mtl4j.model.Architecture architecture(ModelJson f, JsonNode n) {
        String at = "model.architecture";
        String type = n != null && n.isObject() ? n.path("type").asText() : "hps";
        switch (type) {
            case "mmoe":
                return new org.mtl4j.model.Architecture.Mmoe(
                        f.integer(n, "experts", at + ".experts", 1, 1024));
            case "cgc":
                return new org.mtl4j.model.Architecture.Cgc(
                        f.integer(n, "shared_experts", at + ".shared_experts", 0, 1024),
                        f.integer(n, "task_experts", at + ".task_experts", 0, 1024));
            case "ple":
                return new org.mtl4j.model.Architecture.Ple(
                        f.integer(n, "levels", at + ".levels", 1, 1024),
                        f.integer(n, "shared_experts", at + ".shared_experts", 0, 1024),
                        f.integer(n, "task_experts", at + ".task_experts", 1, 1024));
            case "aitm":
                return new org.mtl4j.model.Architecture.Aitm(
                        f.real(n, "calibration", at + ".calibration", 0, 1e6));
            case "mtan":
                return new org.mtl4j.model.Architecture.Mtan();
            case "esmm":
                return new org.mtl4j.model.Architecture.Esmm();
            case "soft_sharing":
                return new org.mtl4j.model.Architecture.SoftSharing(
                        f.real(n, "penalty", at + ".penalty", 0, 1e6));
            case "dselect_k":
                return new org.mtl4j.model.Architecture.DselectK(
                        f.integer(n, "experts", at + ".experts", 1, 1024),
                        f.integer(n, "k", at + ".k", 1, 1024),
                        f.real(n, "gamma", at + ".gamma", 0, 1e6));
            case "cross_stitch":
                return new org.mtl4j.model.Architecture.CrossStitch(
                        f.real(n, "self_weight", at + ".self_weight", 0, 1e6));
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

    private static org.mtl4j.model.EncoderSpec encoder(ModelJson f, JsonNode n, String at) {
        int wide = ModelJson.MAX_WIDTH;
        String type = n.path("type").asText("mlp");
        if (type.equals("lenet")) {
            List<Integer> channels = f.integers(n, "channels", at + ".channels", 1, 4096);
            if (channels.size() < 2) {
                throw f.bad(at + ".channels", n.get("channels"), "two channel counts");
            }
            return new org.mtl4j.model.LeNetSpec(
                    channels.get(0),
                    channels.get(1),
                    f.integer(n, "hidden", at + ".hidden", 1, wide));
        }
        if (type.equals("audio_cnn")) {
            return new org.mtl4j.model.AudioCnnSpec(
                    f.integer(n, "bands", at + ".bands", 0, wide),
                    f.integers(n, "channels", at + ".channels", 1, 4096),
                    f.integer(n, "hidden", at + ".hidden", 1, wide),
                    f.real(n, "dropout", at + ".dropout", 0, 1));
        }
        if (type.equals("resnet")) {
            return new org.mtl4j.model.ResNetSpec(
                    f.integers(n, "channels", at + ".channels", 1, 4096),
                    f.integer(n, "blocks", at + ".blocks", 1, 64),
                    f.integer(n, "hidden", at + ".hidden", 0, wide));
        }
        return mlp(f, n, at);
    }

    private static MlpSpec mlp(ModelJson f, JsonNode n, String at) {
        return new MlpSpec(
                f.integers(n, "hidden", at + ".hidden", 1, ModelJson.MAX_WIDTH),
                Activation.parse(f.text(n, "activation", at + ".activation")),
                f.real(n, "dropout", at + ".dropout", 0, 1),
                Norm.parse(f.text(n, "norm", at + ".norm")));
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null) {
            n.forEach(x -> out.add(x.asText()));
        }
        return out;
    }
}
