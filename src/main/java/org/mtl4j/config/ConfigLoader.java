package org.mtl4j.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mtl4j.Mtl4jException;
import org.mtl4j.data.SyntheticMmoe;
import org.mtl4j.model.Activation;
import org.mtl4j.model.MlpSpec;
import org.mtl4j.model.Norm;
import org.mtl4j.task.LossKind;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;
import org.mtl4j.train.OptimizerSpec;
import org.mtl4j.train.SamplerSpec;
import org.mtl4j.train.ScheduleSpec;
import org.mtl4j.train.TrainerSpec;

/**
 * Turns a YAML config into a validated {@link ExperimentConfig}. Every unknown key, wrong type or
 * invalid value is a {@link Mtl4jException} naming the file, the key and its line. Relative data
 * paths are resolved against the config file's directory. The format is documented in {@code
 * docs/config.md}.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** Reads and validates {@code file}. */
    public static ExperimentConfig load(Path file) {
        Options root = YamlReader.read(file);
        Path base = file.toAbsolutePath().getParent();
        return fromOptions(root, base);
    }

    /** Validates parsed options; relative paths are resolved against {@code base}. */
    public static ExperimentConfig fromOptions(Options root, Path base) {
        String name = root.getString("name", "experiment");
        double seedValue = root.getDouble("seed", 42);
        if (seedValue != Math.rint(seedValue) || Math.abs(seedValue) > 1e15) {
            throw new Mtl4jException(root.at("seed") + ": expected an integer, got " + seedValue);
        }
        long seed = (long) seedValue;
        int threads = root.getInt("threads", 0);
        Options data = require(root, "data");
        List<TaskConfig> tasks = tasks(root, base);
        DataConfig dataConfig = data(data, base, tasks);
        ModelConfig model = model(root.getSection("model"));
        String method = "ew";
        Map<String, Object> balancerOptions = new LinkedHashMap<>();
        Object b = root.values().get("balancer");
        if (b instanceof Options bo) {
            root.getSection("balancer");
            method = bo.getString("method", null);
            if (method == null) {
                throw new Mtl4jException(
                        root.at("balancer") + ": give the method, e.g. method: pcgrad");
            }
            bo.values()
                    .forEach(
                            (k, v) -> {
                                // an empty value (also an anchor without one) means the default
                                if (!k.equals("method") && v != null) {
                                    balancerOptions.put(k, v);
                                }
                            });
            // validate now, so a bad option is reported with its line before any data is read
            org.mtl4j.balance.Balancer bal =
                    org.mtl4j.balance.BalancerRegistry.create(method, bo.without("method"));
            guard(
                    bo,
                    () -> {
                        bal.init(tasks.size(), seed);
                        return bal;
                    });
        } else {
            method = root.getString("balancer", "ew"); // an empty value means the default
            org.mtl4j.balance.BalancerRegistry.create(
                    method, Options.of(root.at("balancer"), Map.of()));
        }
        TrainerSpec trainer = trainer(root.getSection("trainer"));
        try {
            org.mtl4j.train.Trainer.checkSelect(
                    trainer.selectMetric(), tasks.stream().map(TaskConfig::task).toList());
        } catch (Mtl4jException e) {
            throw new Mtl4jException(
                    Options.join(root.where(), "trainer.select") + ": " + e.getMessage(), e);
        }
        root.finish();
        try {
            return new ExperimentConfig(
                    name,
                    seed,
                    dataConfig,
                    tasks,
                    model,
                    method,
                    balancerOptions,
                    trainer,
                    threads);
        } catch (IllegalArgumentException e) {
            throw new Mtl4jException(root.where() + " " + e.getMessage(), e);
        }
    }

    /** {@code data.vocabulary: {min_count, max_size}} for the learned categorical vocabularies. */
    private static org.mtl4j.data.VocabularyLimits vocabulary(
            Options d, List<String> categorical, java.util.Map<String, Integer> hashBuckets) {
        Options v = d.getSection("vocabulary");
        if (v == null) {
            return org.mtl4j.data.VocabularyLimits.none();
        }
        int minCount = v.getInt("min_count", 1);
        int maxSize = v.getInt("max_size", 0);
        v.finish();
        if (categorical.stream().allMatch(hashBuckets::containsKey)) {
            throw new Mtl4jException(
                    d.at("vocabulary")
                            + ": applies to the vocabularies of categorical columns, and no"
                            + " column under categorical learns one (list some, or remove it)");
        }
        try {
            return new org.mtl4j.data.VocabularyLimits(minCount, maxSize);
        } catch (IllegalArgumentException e) {
            throw new Mtl4jException(d.at("vocabulary") + ": " + e.getMessage(), e);
        }
    }

    private static Options require(Options o, String key) {
        Options s = o.getSection(key);
        if (s == null) {
            throw new Mtl4jException(
                    Options.join(o.where(), key) + ": missing; see examples/ for samples");
        }
        return s;
    }

    private static DataConfig data(Options d, Path base, List<TaskConfig> tasks) {
        double val = d.getDouble("validation_fraction", 0.1);
        double test = d.getDouble("test_fraction", 0.1);
        Options images = d.getSection("images");
        if (images != null) {
            DataConfig.Images im =
                    new DataConfig.Images(
                            images.getString("kind", "multi_fashion"),
                            pathOr(
                                    images,
                                    "dir",
                                    base,
                                    Path.of("/usr/share/datasets/fashion-mnist")),
                            images.getInt("train_limit", 0),
                            images.getInt("test_limit", 0),
                            images.has("cache")
                                    ? pathOr(images, "cache", base, null)
                                    : Path.of("runs", "cache").toAbsolutePath(),
                            val,
                            path(images, "mnist_dir", base),
                            test);
            images.getString("cache", null);
            if (im.trainLimit() < 0 || im.testLimit() < 0) {
                throw new Mtl4jException(images.where() + ": train_limit/test_limit must be >= 0");
            }
            images.finish();
            // the Fashion-MNIST kinds test on the t10k files; the MNIST ones split by test_fraction
            d.finish();
            return im;
        }
        Options audio = d.getSection("audio");
        if (audio != null) {
            DataConfig.Audio au = audio(audio, base, val, test);
            d.finish();
            return au;
        }
        Options syn = d.getSection("synthetic");
        DataConfig out;
        if (syn != null) {
            out =
                    guard(
                            syn,
                            () ->
                                    new DataConfig.Synthetic(
                                            new SyntheticMmoe.Spec(
                                                    syn.getInt("tasks", tasks.size()),
                                                    syn.getDouble("rho", 0.5),
                                                    syn.getInt("rows", 10000),
                                                    syn.getInt("features", 100),
                                                    syn.getInt("sin_terms", 10),
                                                    syn.getDouble("scale", 1.0),
                                                    syn.getDouble("noise_variance", 0.01),
                                                    syn.getBoolean("separate_inputs", false)),
                                            val,
                                            test));
            syn.finish();
            d.finish();
            return out;
        }
        Path train = path(d, "train", base);
        boolean perTask = tasks.stream().allMatch(t -> t.train() != null);
        if (train == null && !perTask) {
            throw new Mtl4jException(
                    d.where()
                            + ": give either synthetic: {...} or train: FILE.csv"
                            + " (or a train: file for every task)");
        }
        List<String> numeric = orEmpty(d.getStringList("numeric"));
        List<String> categorical = orEmpty(d.getStringList("categorical"));
        java.util.Map<String, Integer> hashBuckets = new java.util.LinkedHashMap<>();
        Options hb = d.getSection("hash_buckets");
        if (hb != null) {
            for (String col : hb.values().keySet()) {
                int n = hb.getInt(col, 0);
                if (!categorical.contains(col)) {
                    throw new Mtl4jException(
                            hb.at(col)
                                    + ": \""
                                    + col
                                    + "\" is not listed under categorical; hash_buckets applies to"
                                    + " categorical columns");
                }
                if (n < 1 || n > org.mtl4j.data.TabularSchema.MAX_BUCKETS) {
                    throw new Mtl4jException(
                            hb.at(col)
                                    + ": buckets must be between 1 and "
                                    + org.mtl4j.data.TabularSchema.MAX_BUCKETS
                                    + ", got "
                                    + n);
                }
                hashBuckets.put(col, n);
            }
            hb.finish();
        }
        java.util.Map<String, String> multiValued = new java.util.LinkedHashMap<>();
        Options mv = d.getSection("multi_valued");
        if (mv != null) {
            for (String col : mv.values().keySet()) {
                String sep = mv.getString(col, "");
                if (!categorical.contains(col)) {
                    throw new Mtl4jException(
                            mv.at(col)
                                    + ": \""
                                    + col
                                    + "\" is not listed under categorical; multi_valued applies to"
                                    + " categorical columns");
                }
                if (sep.isEmpty()) {
                    throw new Mtl4jException(
                            mv.at(col) + ": give the separator of the values, e.g. \"|\"");
                }
                if (hashBuckets.containsKey(col)) {
                    throw new Mtl4jException(
                            mv.at(col)
                                    + ": \""
                                    + col
                                    + "\" is also under hash_buckets; a column is either hashed"
                                    + " or multi-valued");
                }
                multiValued.put(col, sep);
            }
            mv.finish();
        }
        java.util.Map<String, org.mtl4j.data.TextSpec> text = textColumns(d, numeric, categorical);
        if (numeric.isEmpty() && categorical.isEmpty() && text.isEmpty()) {
            throw new Mtl4jException(
                    d.where()
                            + ": list the feature columns under numeric: [...],"
                            + " categorical: [...] and/or text: [...]");
        }
        out =
                new DataConfig.Csv(
                        train,
                        path(d, "validation", base),
                        path(d, "test", base),
                        val,
                        test,
                        numeric,
                        categorical,
                        hashBuckets,
                        multiValued,
                        text,
                        vocabulary(d, categorical, hashBuckets));
        d.finish();
        return out;
    }

    /**
     * {@code data.audio}: {@code train} (a CSV listing the WAV files and their labels), optional
     * {@code validation}/{@code test} lists, the feature settings of {@link
     * org.mtl4j.data.audio.AudioSpec} and {@code cache} (a directory, or {@code false}).
     */
    private static DataConfig.Audio audio(Options a, Path base, double val, double test) {
        Path train = path(a, "train", base);
        if (train == null) {
            throw new Mtl4jException(
                    a.at("train")
                            + ": missing; give the CSV that lists the WAV files (a path column and"
                            + " one column per task label)");
        }
        org.mtl4j.data.audio.AudioSpec d = org.mtl4j.data.audio.AudioSpec.defaults();
        Path cache;
        Object c = a.values().get("cache");
        if (Boolean.FALSE.equals(c)) {
            a.getBoolean("cache", false);
            cache = null;
        } else {
            cache = pathOr(a, "cache", base, Path.of("runs", "cache").toAbsolutePath());
        }
        org.mtl4j.data.audio.AudioSpec spec =
                guard(
                        a,
                        () ->
                                new org.mtl4j.data.audio.AudioSpec(
                                        a.getString("path_column", d.pathColumn()),
                                        a.getDouble("seconds", d.seconds()),
                                        a.getDouble("window_ms", d.windowMs()),
                                        a.getDouble("hop_ms", d.hopMs()),
                                        a.getInt("bands", d.bands()),
                                        a.getDouble("max_hz", d.maxHz())));
        DataConfig.Audio out =
                new DataConfig.Audio(
                        train,
                        path(a, "validation", base),
                        path(a, "test", base),
                        val,
                        test,
                        spec,
                        cache);
        a.finish();
        return out;
    }

    /**
     * {@code data.text}: a list of text columns (default settings), or a mapping column → {@code
     * {tokenizer, max_tokens, min_count, max_vocabulary or vocabulary, lowercase}}.
     */
    private static java.util.Map<String, org.mtl4j.data.TextSpec> textColumns(
            Options d, List<String> numeric, List<String> categorical) {
        java.util.Map<String, org.mtl4j.data.TextSpec> out = new java.util.LinkedHashMap<>();
        if (!d.has("text")) {
            return out;
        }
        org.mtl4j.data.TextSpec dflt = org.mtl4j.data.TextSpec.defaults();
        Object v = d.values().get("text");
        if (v instanceof List<?>) {
            for (String col : d.getStringList("text")) {
                out.put(col, dflt);
            }
        } else {
            Options t = d.getSection("text");
            for (String col : t.values().keySet()) {
                Object spec = t.values().get(col);
                if (spec == null) {
                    out.put(col, dflt);
                    continue;
                }
                out.put(col, textSpec(t.getSection(col)));
            }
            t.finish();
        }
        for (String col : out.keySet()) {
            if (numeric.contains(col) || categorical.contains(col)) {
                throw new Mtl4jException(
                        d.at("text")
                                + ": \""
                                + col
                                + "\" is also listed under "
                                + (numeric.contains(col) ? "numeric" : "categorical")
                                + "; a column is read one way: remove it from one list");
            }
        }
        return out;
    }

    /**
     * One text column's options: {@code tokenizer} (word or bpe), {@code max_tokens}, {@code
     * min_count}, {@code lowercase}, and {@code max_vocabulary} (word) or {@code vocabulary} (bpe).
     */
    private static org.mtl4j.data.TextSpec textSpec(Options o) {
        org.mtl4j.data.TextSpec dflt = org.mtl4j.data.TextSpec.defaults();
        String name = o.getString("tokenizer", "word");
        org.mtl4j.data.TextSpec.Tokenizer tok = org.mtl4j.data.TextSpec.Tokenizer.parse(name);
        if (tok == null) {
            throw new Mtl4jException(
                    o.at("tokenizer")
                            + ": unknown tokenizer \""
                            + name
                            + "\"; use one of "
                            + org.mtl4j.data.TextSpec.Tokenizer.names());
        }
        boolean bpe = tok == org.mtl4j.data.TextSpec.Tokenizer.BPE;
        String own = bpe ? "vocabulary" : "max_vocabulary";
        String other = bpe ? "max_vocabulary" : "vocabulary";
        if (o.has(other)) {
            throw new Mtl4jException(
                    o.at(other)
                            + ": not an option of tokenizer "
                            + tok.configName()
                            + (bpe
                                    ? "; the number of subword pieces is set by vocabulary"
                                    : "; vocabulary sets the number of pieces of tokenizer: bpe,"
                                            + " the word vocabulary is capped by max_vocabulary"));
        }
        int size =
                o.getInt(
                        own,
                        bpe
                                ? org.mtl4j.data.TextSpec.DEFAULT_BPE_VOCABULARY
                                : dflt.maxVocabulary());
        if (bpe && size < org.mtl4j.data.TextSpec.MIN_BPE_VOCABULARY) {
            throw new Mtl4jException(
                    o.at(own)
                            + ": must be at least "
                            + org.mtl4j.data.TextSpec.MIN_BPE_VOCABULARY
                            + " subword pieces (the characters and the end-of-word symbol are"
                            + " pieces too), got "
                            + size);
        }
        org.mtl4j.data.TextSpec s =
                guard(
                        o,
                        () ->
                                new org.mtl4j.data.TextSpec(
                                        o.getInt("max_tokens", dflt.maxTokens()),
                                        o.getInt("min_count", dflt.minCount()),
                                        size,
                                        o.getBoolean("lowercase", dflt.lowercase()),
                                        tok));
        o.finish();
        return s;
    }

    private static List<TaskConfig> tasks(Options root, Path base) {
        List<Object> list = root.getList("tasks");
        if (list == null || list.isEmpty()) {
            throw new Mtl4jException(
                    root.where()
                            + " tasks: missing; declare at least one task,"
                            + " e.g. tasks: [{name: price, type: regression, label: price}]");
        }
        List<TaskConfig> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Options t)) {
                throw new Mtl4jException(
                        Options.join(root.where(), "tasks[" + i + "]")
                                + ": each task is a mapping with name, type and label");
            }
            TaskConfig tc = task(t, base);
            if (!names.add(tc.task().name())) {
                throw new Mtl4jException(
                        t.at("name") + ": duplicate task name \"" + tc.task().name() + "\"");
            }
            out.add(tc);
        }
        return out;
    }

    private static TaskConfig task(Options t, Path base) {
        String name = t.getString("name", null);
        if (name == null) {
            throw new Mtl4jException(t.where() + ": task without a name");
        }
        String type = t.getString("type", null);
        List<String> labels = t.has("labels") ? t.getStringList("labels") : null;
        String label = t.getString("label", null);
        if (labels != null && label != null) {
            throw new Mtl4jException(
                    t.at("label") + ": give either label: COLUMN or labels: [COLUMNS], not both");
        }
        if (labels == null) {
            labels = label == null ? List.of() : List.of(label);
        }
        Object classes = t.values().get("classes");
        List<String> classNames = classes instanceof List ? t.getStringList("classes") : List.of();
        TaskType tt =
                guard(
                        t,
                        () ->
                                type(
                                        t,
                                        type,
                                        classes,
                                        classNames,
                                        t.has("labels") ? t.getStringList("labels") : null));
        String lossName = t.getString("loss", null);
        LossKind loss = null;
        if (lossName != null && (loss = LossKind.parse(lossName)) == null) {
            throw new Mtl4jException(
                    t.at("loss")
                            + ": unknown loss \""
                            + lossName
                            + "\"; allowed for "
                            + tt.typeName()
                            + ": "
                            + tt.allowedLosses().stream().map(LossKind::configName).toList());
        }
        List<String> metrics = t.getStringList("metrics");
        List<String> delta = t.getStringList("delta_metrics");
        List<String> dims =
                tt instanceof TaskType.Multiclass && !classNames.isEmpty()
                        ? classNames
                        : (tt instanceof TaskType.Regression || tt instanceof TaskType.Multilabel)
                                        && labels.size() == tt.outputWidth()
                                        && labels.size() > 1
                                ? labels
                                : null;
        LossKind lossKind = loss;
        org.mtl4j.task.TargetScale scale = null;
        String scaleName = t.getString("scale", null);
        if (scaleName != null) {
            scale = org.mtl4j.task.TargetScale.parse(scaleName);
            if (scale == null || !(tt instanceof TaskType.Regression)) {
                throw new Mtl4jException(
                        t.at("scale")
                                + (scale == null
                                        ? ": unknown scale \""
                                                + (scaleName.length() > 40
                                                        ? scaleName.substring(0, 40) + "…"
                                                        : scaleName)
                                                + "\"; use standard (the default) or none"
                                        : ": scale applies to regression tasks only (their"
                                                + " targets are standardised by default); remove"
                                                + " it"));
            }
        }
        org.mtl4j.task.TargetScale targetScale = scale;
        Task task = guard(t, () -> new Task(name, tt, lossKind, metrics, delta, dims, targetScale));
        for (String m : task.metrics()) {
            if (!org.mtl4j.eval.Metrics.knownFor(tt).contains(m)) {
                throw new Mtl4jException(
                        t.at("metrics")
                                + ": metric \""
                                + m
                                + "\" does not apply to a "
                                + tt.typeName()
                                + " task; known: "
                                + org.mtl4j.eval.Metrics.knownFor(tt));
            }
        }
        for (String m : task.deltaMetrics()) {
            if (!task.metrics().contains(m)) {
                throw new Mtl4jException(
                        t.at("delta_metrics")
                                + ": \""
                                + m
                                + "\" is not among the task's"
                                + " metrics "
                                + task.metrics());
            }
        }
        TaskConfig tc =
                new TaskConfig(
                        task,
                        labels,
                        classNames,
                        path(t, "train", base),
                        path(t, "validation", base),
                        path(t, "test", base));
        t.finish();
        return tc;
    }

    private static TaskType type(
            Options t, String type, Object classes, List<String> classNames, List<String> labels) {
        if (type == null) {
            throw new Mtl4jException(
                    t.where()
                            + ": missing type; use binary, multiclass, multilabel"
                            + " or regression");
        }
        switch (type.toLowerCase(java.util.Locale.ROOT)) {
            case "binary":
                return new TaskType.Binary();
            case "multiclass":
                if (classes == null) {
                    throw new Mtl4jException(
                            t.where()
                                    + ": a multiclass task needs classes: K (a count) or"
                                    + " classes: [names]");
                }
                return new TaskType.Multiclass(
                        classNames.isEmpty() ? t.getInt("classes", 0) : classNames.size());
            case "multilabel":
                if (labels == null || labels.isEmpty()) {
                    throw new Mtl4jException(
                            t.where() + ": a multilabel task needs labels: [col1, col2, ...]");
                }
                return new TaskType.Multilabel(labels.size());
            case "regression":
                return new TaskType.Regression(
                        labels == null || labels.isEmpty() ? 1 : labels.size());
            default:
                throw new Mtl4jException(
                        t.at("type")
                                + ": unknown task type \""
                                + type
                                + "\"; use binary, multiclass, multilabel or regression");
        }
    }

    private static ModelConfig model(Options m) {
        if (m == null) {
            return ModelConfig.defaults();
        }
        ModelConfig d = ModelConfig.defaults();
        Options encOptions = m.getSection("encoder");
        String encType =
                encOptions == null
                        ? "mlp"
                        : encOptions.getString("type", "mlp").toLowerCase(java.util.Locale.ROOT);
        org.mtl4j.model.EncoderSpec enc =
                switch (encType) {
                    case "lenet" -> lenet(encOptions);
                    case "resnet" -> resnet(encOptions);
                    case "audio_cnn" -> audioCnn(encOptions);
                    default -> mlp(encOptions, (MlpSpec) d.encoder());
                };
        MlpSpec head = mlp(m.getSection("head"), d.head());
        int emb = m.getInt("embedding_dim", d.embeddingDim());
        org.mtl4j.model.Architecture arch = architecture(m);
        org.mtl4j.model.TextPooling text = textEncoder(m, emb);
        m.finish();
        return guard(m, () -> new ModelConfig(enc, head, emb, arch, text));
    }

    /**
     * {@code text_encoder: mean | max | {type: cnn, filters: 100, widths: [3, 4, 5]} | {type: gru,
     * hidden: 64, bidirectional: true, pool: max} | {type: transformer, layers: 2, heads: 4, ff:
     * 128, dropout: 0.1, pool: mean}}: how the words of a text column are combined. The
     * transformer's width is the embedding width {@code emb}, which its heads must divide.
     */
    private static org.mtl4j.model.TextPooling textEncoder(Options m, int emb) {
        if (!m.has("text_encoder")) {
            return org.mtl4j.model.TextPooling.mean();
        }
        Options t =
                m.values().get("text_encoder") instanceof String
                        ? null
                        : m.getSection("text_encoder");
        String type = t == null ? m.getString("text_encoder", "mean") : t.getString("type", "mean");
        Options o = t == null ? Options.of(Options.join(m.where(), "text_encoder"), Map.of()) : t;
        org.mtl4j.model.TextPooling out;
        switch (type) {
            case "mean" -> out = org.mtl4j.model.TextPooling.mean();
            case "max" -> out = org.mtl4j.model.TextPooling.max();
            case "cnn" -> {
                List<Double> ws = o.getDoubleList("widths");
                List<Integer> widths =
                        ws == null ? List.of(3, 4, 5) : ws.stream().map(Double::intValue).toList();
                int filters = o.getInt("filters", 100);
                out = guard(o, () -> org.mtl4j.model.TextPooling.cnn(filters, widths));
            }
            case "gru" -> {
                int hidden = o.getInt("hidden", 64);
                boolean bidirectional = o.getBoolean("bidirectional", true);
                var pool = textPool(o, "max", List.of("max", "mean", "last"));
                out = guard(o, () -> org.mtl4j.model.TextPooling.gru(hidden, bidirectional, pool));
            }
            case "transformer" -> {
                int layers = o.getInt("layers", 2);
                int heads = o.getInt("heads", 4);
                int ff = o.getInt("ff", 128);
                double dropout = o.getDouble("dropout", 0.1);
                var pool = textPool(o, "mean", List.of("mean", "first"));
                if (heads > 0 && emb % heads != 0) {
                    throw new Mtl4jException(
                            o.at("heads")
                                    + ": "
                                    + heads
                                    + " heads do not divide embedding_dim "
                                    + emb
                                    + " (the transformer's width); use a divisor of "
                                    + emb
                                    + " or change embedding_dim");
                }
                out =
                        guard(
                                o,
                                () ->
                                        org.mtl4j.model.TextPooling.transformer(
                                                layers, heads, ff, dropout, pool));
            }
            default ->
                    throw new Mtl4jException(
                            m.at("text_encoder")
                                    + ": unknown \""
                                    + type
                                    + "\"; use mean, max, {type: cnn, filters: 100, widths: [3, 4,"
                                    + " 5]}, {type: gru, hidden: 64} or {type: transformer, layers:"
                                    + " 2, heads: 4}");
        }
        if (t != null) {
            t.finish();
        }
        return out;
    }

    /** {@code pool} of a gru or transformer text encoder, one of {@code allowed}. */
    private static org.mtl4j.model.TextPooling.Pool textPool(
            Options o, String dflt, List<String> allowed) {
        String name = o.getString("pool", dflt);
        if (!allowed.contains(name)) {
            throw new Mtl4jException(
                    o.at("pool")
                            + ": unknown pooling \""
                            + name
                            + "\"; use "
                            + String.join(", ", allowed.subList(0, allowed.size() - 1))
                            + " or "
                            + allowed.get(allowed.size() - 1));
        }
        return org.mtl4j.model.TextPooling.Pool.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * {@code architecture: hps} (the default), or {@code architecture: {type: mmoe, experts: 4}}.
     */
    private static org.mtl4j.model.Architecture architecture(Options m) {
        if (!m.has("architecture")) {
            return new org.mtl4j.model.Architecture.HardSharing();
        }
        Options a =
                m.values().get("architecture") instanceof String
                        ? null
                        : m.getSection("architecture");
        String type;
        if (a == null) {
            type = m.getString("architecture", "hps");
        } else {
            type = a.getString("type", "hps");
        }
        switch (type.toLowerCase(java.util.Locale.ROOT)) {
            case "hps":
            case "hard_sharing":
                if (a != null) {
                    a.finish();
                }
                return new org.mtl4j.model.Architecture.HardSharing();
            case "mmoe":
                {
                    int experts = a == null ? 4 : a.getInt("experts", 4);
                    if (a != null) {
                        a.finish();
                    }
                    Options where = a == null ? m : a;
                    return guard(where, () -> new org.mtl4j.model.Architecture.Mmoe(experts));
                }
            case "cgc":
                {
                    int shared = a == null ? 2 : a.getInt("shared_experts", 2);
                    int own = a == null ? 1 : a.getInt("task_experts", 1);
                    if (a != null) {
                        a.finish();
                    }
                    Options where = a == null ? m : a;
                    return guard(where, () -> new org.mtl4j.model.Architecture.Cgc(shared, own));
                }
            case "cross_stitch":
                {
                    double self = a == null ? 0.9 : a.getDouble("self_weight", 0.9);
                    if (a != null) {
                        a.finish();
                    }
                    Options where = a == null ? m : a;
                    return guard(where, () -> new org.mtl4j.model.Architecture.CrossStitch(self));
                }
            case "ple":
                {
                    int levels = a == null ? 2 : a.getInt("levels", 2);
                    int shared = a == null ? 2 : a.getInt("shared_experts", 2);
                    int own = a == null ? 1 : a.getInt("task_experts", 1);
                    if (a != null) {
                        a.finish();
                    }
                    Options where = a == null ? m : a;
                    return guard(
                            where, () -> new org.mtl4j.model.Architecture.Ple(levels, shared, own));
                }
            case "aitm":
                {
                    double cal = a == null ? 0.6 : a.getDouble("calibration", 0.6);
                    if (a != null) {
                        a.finish();
                    }
                    Options where = a == null ? m : a;
                    return guard(where, () -> new org.mtl4j.model.Architecture.Aitm(cal));
                }
            case "mtan":
                if (a != null) {
                    a.finish();
                }
                return new org.mtl4j.model.Architecture.Mtan();
            case "esmm":
                if (a != null) {
                    a.finish();
                }
                return new org.mtl4j.model.Architecture.Esmm();
            case "soft_sharing":
                {
                    double penalty = a == null ? 0.01 : a.getDouble("penalty", 0.01);
                    if (a != null) {
                        a.finish();
                    }
                    Options where = a == null ? m : a;
                    return guard(
                            where, () -> new org.mtl4j.model.Architecture.SoftSharing(penalty));
                }
            case "dselect_k":
                {
                    int experts = a == null ? 4 : a.getInt("experts", 4);
                    int k = a == null ? 2 : a.getInt("k", 2);
                    double gamma = a == null ? 1.0 : a.getDouble("gamma", 1.0);
                    if (a != null) {
                        a.finish();
                    }
                    Options where = a == null ? m : a;
                    return guard(
                            where,
                            () -> new org.mtl4j.model.Architecture.DselectK(experts, k, gamma));
                }
            default:
                throw new Mtl4jException(
                        (a == null ? m.at("architecture") : a.at("type"))
                                + ": unknown architecture \""
                                + type
                                + "\"; use hps (hard parameter sharing), mmoe, cgc,"
                                + " cross_stitch, dselect_k, soft_sharing, esmm, ple, aitm or"
                                + " mtan");
        }
    }

    /** {@code type: lenet}, optional {@code channels: [c1, c2]} and {@code hidden: H}. */
    private static org.mtl4j.model.LeNetSpec lenet(Options o) {
        org.mtl4j.model.LeNetSpec d = org.mtl4j.model.LeNetSpec.standard();
        List<Double> ch = o.getDoubleList("channels");
        if (ch != null && (ch.size() != 2 || ch.stream().anyMatch(c -> c != Math.rint(c)))) {
            throw new Mtl4jException(
                    o.at("channels") + ": give two integer channel counts, e.g. [10, 20]");
        }
        int hidden = o.getInt("hidden", d.hidden());
        o.finish();
        return guard(
                o,
                () ->
                        new org.mtl4j.model.LeNetSpec(
                                ch == null ? d.channels1() : ch.get(0).intValue(),
                                ch == null ? d.channels2() : ch.get(1).intValue(),
                                hidden));
    }

    /**
     * {@code type: audio_cnn}, optional {@code channels}, {@code hidden}, {@code dropout} and
     * {@code bands} (taken from {@code data.audio} when left out).
     */
    private static org.mtl4j.model.AudioCnnSpec audioCnn(Options o) {
        org.mtl4j.model.AudioCnnSpec d = org.mtl4j.model.AudioCnnSpec.standard();
        List<Double> ch = o.getDoubleList("channels");
        if (ch != null && ch.stream().anyMatch(c -> c != Math.rint(c) || c < 1)) {
            throw new Mtl4jException(
                    o.at("channels")
                            + ": give 1 to 5 positive integer stage widths, e.g. [16, 32, 64]");
        }
        int hidden = o.getInt("hidden", d.hidden());
        double dropout = o.getDouble("dropout", d.dropout());
        int bands = o.getInt("bands", 0);
        o.finish();
        return guard(
                o,
                () ->
                        new org.mtl4j.model.AudioCnnSpec(
                                bands,
                                ch == null
                                        ? d.channels()
                                        : ch.stream().map(Double::intValue).toList(),
                                hidden,
                                dropout));
    }

    /** {@code type: resnet}, optional {@code channels}, {@code blocks} and {@code hidden}. */
    private static org.mtl4j.model.ResNetSpec resnet(Options o) {
        org.mtl4j.model.ResNetSpec d = org.mtl4j.model.ResNetSpec.standard();
        List<Double> ch = o.getDoubleList("channels");
        if (ch != null && (ch.isEmpty() || ch.stream().anyMatch(c -> c != Math.rint(c) || c < 1))) {
            throw new Mtl4jException(
                    o.at("channels")
                            + ": give 1 to 4 positive integer stage widths, e.g. [16, 32, 64]");
        }
        int blocks = o.getInt("blocks", d.blocks());
        int hidden = o.getInt("hidden", d.hidden());
        o.finish();
        return guard(
                o,
                () ->
                        new org.mtl4j.model.ResNetSpec(
                                ch == null
                                        ? d.channels()
                                        : ch.stream().map(Double::intValue).toList(),
                                blocks,
                                hidden));
    }

    private static MlpSpec mlp(Options o, MlpSpec dflt) {
        if (o == null) {
            return dflt;
        }
        String type = o.getString("type", "mlp");
        if (!type.equalsIgnoreCase("mlp")) {
            throw new Mtl4jException(
                    o.at("type")
                            + ": unknown type \""
                            + type
                            + "\"; available: mlp (and lenet, resnet or audio_cnn for the"
                            + " encoder)");
        }
        List<Object> hidden = o.getList("hidden");
        List<Integer> widths = new ArrayList<>();
        if (hidden != null) {
            for (Object h : hidden) {
                if (!(h instanceof Long l) || l < 1 || l > 1_000_000) {
                    throw new Mtl4jException(
                            o.at("hidden") + ": layer widths must be positive integers, got " + h);
                }
                widths.add(l.intValue());
            }
        }
        String act = o.getString("activation", "relu");
        Activation a = Activation.parse(act);
        if (a == null) {
            throw new Mtl4jException(
                    o.at("activation")
                            + ": unknown \""
                            + act
                            + "\"; use one of "
                            + Activation.names());
        }
        String normName = o.getString("norm", "none");
        Norm norm = Norm.parse(normName);
        if (norm == null) {
            throw new Mtl4jException(
                    o.at("norm") + ": unknown \"" + normName + "\"; use none, batch or layer");
        }
        double dropout = o.getDouble("dropout", 0);
        o.finish();
        return guard(
                o, () -> new MlpSpec(hidden == null ? dflt.hidden() : widths, a, dropout, norm));
    }

    private static TrainerSpec trainer(Options o) {
        TrainerSpec d = TrainerSpec.defaults(20, 128, 1e-3);
        if (o == null) {
            return d;
        }
        OptimizerSpec opt = optimizer(o);
        ScheduleSpec schedule = schedule(o);
        SamplerSpec sampler = sampler(o);
        TrainerSpec spec =
                guard(
                        o,
                        () ->
                                new TrainerSpec(
                                        o.getInt("epochs", d.epochs()),
                                        o.getInt("batch_size", d.batchSize()),
                                        opt,
                                        schedule,
                                        o.getDouble("clip_norm", 0),
                                        o.getString("select", "loss"),
                                        o.getInt("patience", 0),
                                        o.getInt("checkpoint_every", 0),
                                        o.getInt("log_every", d.logEvery()),
                                        sampler,
                                        o.getInt("eval_batch_size", d.evalBatchSize()),
                                        o.getInt("diagnose_every", d.diagnoseEvery()),
                                        nonFinite(o)));
        o.finish();
        return spec;
    }

    private static TrainerSpec.NonFinite nonFinite(Options o) {
        String v = o.getString("on_non_finite", "stop");
        TrainerSpec.NonFinite p = TrainerSpec.NonFinite.parse(v);
        if (p == null) {
            throw new Mtl4jException(
                    o.at("on_non_finite") + ": unknown \"" + v + "\"; use stop or skip");
        }
        return p;
    }

    private static OptimizerSpec optimizer(Options o) {
        double lr = o.getDouble("lr", 1e-3);
        Object v = o.values().get("optimizer");
        Options opt = v instanceof Options x ? o.getSection("optimizer") : null;
        String type =
                opt != null ? opt.getString("type", "adam") : o.getString("optimizer", "adam");
        OptimizerSpec.Kind kind = OptimizerSpec.Kind.parse(type);
        if (kind == null) {
            throw new Mtl4jException(
                    o.at("optimizer")
                            + ": unknown optimizer \""
                            + type
                            + "\"; use adam, adamw or sgd");
        }
        Options p = opt != null ? opt : Options.of(o.where(), Map.of());
        double wdDefault = kind == OptimizerSpec.Kind.ADAMW ? 0.01 : 0;
        boolean adam = kind != OptimizerSpec.Kind.SGD;
        OptimizerSpec spec =
                guard(
                        p,
                        () ->
                                new OptimizerSpec(
                                        kind,
                                        p.getDouble("lr", lr),
                                        p.getDouble("weight_decay", wdDefault),
                                        // options of other optimisers are not read, so giving
                                        // them is reported as an unknown option
                                        adam ? p.getDouble("beta1", 0.9) : 0.9,
                                        adam ? p.getDouble("beta2", 0.999) : 0.999,
                                        adam ? p.getDouble("eps", 1e-8) : 1e-8,
                                        adam ? 0 : p.getDouble("momentum", 0.9)));
        p.finish();
        return spec;
    }

    private static ScheduleSpec schedule(Options o) {
        Object v = o.values().get("schedule");
        Options s = v instanceof Options ? o.getSection("schedule") : null;
        String type =
                s != null ? s.getString("type", "constant") : o.getString("schedule", "constant");
        ScheduleSpec.Kind kind = ScheduleSpec.Kind.parse(type);
        if (kind == null) {
            throw new Mtl4jException(
                    o.at("schedule")
                            + ": unknown schedule \""
                            + type
                            + "\"; use constant, step or cosine");
        }
        Options p = s != null ? s : Options.of(o.where(), Map.of());
        boolean step = kind == ScheduleSpec.Kind.STEP;
        ScheduleSpec spec =
                guard(
                        p,
                        () ->
                                new ScheduleSpec(
                                        kind,
                                        p.getInt("warmup_steps", 0),
                                        step ? p.getInt("step_every", 1000) : 1000,
                                        step ? p.getDouble("gamma", 0.1) : 0.1,
                                        kind == ScheduleSpec.Kind.COSINE
                                                ? p.getDouble("min_factor", 0)
                                                : 0));
        p.finish();
        return spec;
    }

    private static SamplerSpec sampler(Options o) {
        Object v = o.values().get("sampler");
        Options s = v instanceof Options ? o.getSection("sampler") : null;
        String type =
                s != null
                        ? s.getString("type", "round_robin")
                        : o.getString("sampler", "round_robin");
        SamplerSpec.Kind kind =
                switch (type.toLowerCase(java.util.Locale.ROOT)) {
                    case "round_robin" -> SamplerSpec.Kind.ROUND_ROBIN;
                    case "proportional" -> SamplerSpec.Kind.PROPORTIONAL;
                    case "temperature" -> SamplerSpec.Kind.TEMPERATURE;
                    default ->
                            throw new Mtl4jException(
                                    o.at("sampler")
                                            + ": unknown sampler \""
                                            + type
                                            + "\"; use round_robin, proportional or temperature");
                };
        Options p = s != null ? s : Options.of(o.where(), Map.of());
        SamplerSpec spec =
                guard(
                        p,
                        () ->
                                new SamplerSpec(
                                        kind,
                                        kind == SamplerSpec.Kind.TEMPERATURE
                                                ? p.getDouble("temperature", 2.0)
                                                : 2.0));
        p.finish();
        return spec;
    }

    private static Path pathOr(Options o, String key, Path base, Path dflt) {
        Path p = path(o, key, base);
        return p == null ? dflt : p;
    }

    private static Path path(Options o, String key, Path base) {
        String s = o.getString(key, null);
        return s == null ? null : base.resolve(s).normalize();
    }

    private static List<String> orEmpty(List<String> l) {
        return l == null ? List.of() : l;
    }

    private static <T> T guard(Options where, java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (IllegalArgumentException e) {
            throw new Mtl4jException(where.where() + ": " + e.getMessage(), e);
        }
    }
}
