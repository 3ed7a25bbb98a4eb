package org.mtl4j.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.data.SyntheticMmoe;
import org.mtl4j.task.Task;
import org.mtl4j.train.TrainerSpec;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Writes an {@link ExperimentConfig} back as YAML with every default filled in: the resolved config
 * stored in each run directory, which {@code mtl4j train} accepts as input.
 */
public final class ConfigWriter {
    private ConfigWriter() {}

    public static String toYaml(ExperimentConfig c) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setIndent(2);
        o.setPrettyFlow(true);
        return "# resolved mtl4j config: every default made explicit\n"
                + new Yaml(o).dump(toMap(c));
    }

    public static Map<String, Object> toMap(ExperimentConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("seed", c.seed());
        m.put("threads", c.threads());
        m.put("data", data(c.data()));
        List<Object> tasks = new ArrayList<>();
        for (TaskConfig t : c.tasks()) {
            tasks.add(task(t));
        }
        m.put("tasks", tasks);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("architecture", c.model().architecture().describe());
        if (c.model().textPooling().kind() != org.mtl4j.model.TextPooling.Kind.MEAN) {
            model.put("text_encoder", c.model().textPooling().describe());
        }
        model.put("encoder", c.model().encoder().describe());
        model.put("head", c.model().head().describe());
        model.put("embedding_dim", c.model().embeddingDim());
        m.put("model", model);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("method", c.balancer());
        b.putAll(c.balancerOptions());
        m.put("balancer", b);
        m.put("trainer", trainer(c.trainer()));
        return m;
    }

    private static Map<String, Object> data(DataConfig d) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (d instanceof DataConfig.Images im) {
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("kind", im.kind());
            i.put("dir", im.dir().toString());
            i.put("train_limit", im.trainLimit());
            i.put("test_limit", im.testLimit());
            i.put("cache", im.cacheDir().toString());
            if (im.mnistDir() != null) {
                i.put("mnist_dir", im.mnistDir().toString());
            }
            m.put("images", i);
            m.put("validation_fraction", im.validationFraction());
            m.put("test_fraction", im.testFraction());
            return m;
        }
        if (d instanceof DataConfig.Audio a) {
            Map<String, Object> au = new LinkedHashMap<>();
            putPath(au, "train", a.train());
            putPath(au, "validation", a.validation());
            putPath(au, "test", a.test());
            Map<String, Object> spec = new LinkedHashMap<>(a.spec().describe());
            spec.remove("frames");
            au.putAll(spec);
            au.put("cache", a.cacheDir() == null ? (Object) false : a.cacheDir().toString());
            m.put("audio", au);
            m.put("validation_fraction", a.validationFraction());
            m.put("test_fraction", a.testFraction());
            return m;
        }
        if (d instanceof DataConfig.Synthetic s) {
            SyntheticMmoe.Spec p = s.spec();
            Map<String, Object> syn = new LinkedHashMap<>();
            syn.put("tasks", p.tasks());
            syn.put("rho", p.rho());
            syn.put("rows", p.rows());
            syn.put("features", p.features());
            syn.put("sin_terms", p.sinTerms());
            syn.put("scale", p.scale());
            syn.put("noise_variance", p.noiseVariance());
            syn.put("separate_inputs", p.separateInputs());
            m.put("synthetic", syn);
            m.put("validation_fraction", s.validationFraction());
            m.put("test_fraction", s.testFraction());
        } else {
            DataConfig.Csv c = (DataConfig.Csv) d;
            putPath(m, "train", c.train());
            putPath(m, "validation", c.validation());
            putPath(m, "test", c.test());
            m.put("validation_fraction", c.validationFraction());
            m.put("test_fraction", c.testFraction());
            m.put("numeric", c.numeric());
            m.put("categorical", c.categorical());
            if (!c.vocabulary().keepsAll()) {
                m.put(
                        "vocabulary",
                        java.util.Map.of(
                                "min_count",
                                c.vocabulary().minCount(),
                                "max_size",
                                c.vocabulary().maxSize()));
            }
            if (!c.hashBuckets().isEmpty()) {
                m.put("hash_buckets", new java.util.TreeMap<>(c.hashBuckets()));
            }
            if (!c.multiValued().isEmpty()) {
                m.put("multi_valued", new java.util.TreeMap<>(c.multiValued()));
            }
            if (!c.text().isEmpty()) {
                Map<String, Object> text = new LinkedHashMap<>();
                c.text()
                        .forEach(
                                (col, s) -> {
                                    Map<String, Object> o = new LinkedHashMap<>();
                                    boolean bpe =
                                            s.tokenizer() == org.mtl4j.data.TextSpec.Tokenizer.BPE;
                                    if (bpe) {
                                        o.put("tokenizer", s.tokenizer().configName());
                                    }
                                    o.put("max_tokens", s.maxTokens());
                                    o.put("min_count", s.minCount());
                                    o.put(bpe ? "vocabulary" : "max_vocabulary", s.maxVocabulary());
                                    o.put("lowercase", s.lowercase());
                                    text.put(col, o);
                                });
                m.put("text", text);
            }
        }
        return m;
    }

    private static Map<String, Object> task(TaskConfig tc) {
        Task t = tc.task();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("type", t.type().typeName());
        if (t.type() instanceof org.mtl4j.task.TaskType.Multiclass mc) {
            m.put("classes", tc.classNames().isEmpty() ? (Object) mc.classes() : tc.classNames());
        } else if (!tc.classNames().isEmpty()) {
            m.put("classes", tc.classNames());
        }
        if (!tc.labelColumns().isEmpty()) {
            m.put("labels", tc.labelColumns());
        }
        m.put("loss", t.loss().configName());
        if (t.type() instanceof org.mtl4j.task.TaskType.Regression) {
            m.put("scale", t.targetScale().configName());
        }
        m.put("metrics", t.metrics());
        m.put("delta_metrics", t.deltaMetrics());
        putPath(m, "train", tc.train());
        putPath(m, "validation", tc.validation());
        putPath(m, "test", tc.test());
        return m;
    }

    private static Map<String, Object> trainer(TrainerSpec t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", t.epochs());
        m.put("batch_size", t.batchSize());
        Map<String, Object> opt = new LinkedHashMap<>();
        opt.put("type", t.optimizer().kind().name().toLowerCase(java.util.Locale.ROOT));
        opt.put("lr", t.optimizer().learningRate());
        opt.put("weight_decay", t.optimizer().weightDecay());
        if (t.optimizer().kind() == org.mtl4j.train.OptimizerSpec.Kind.SGD) {
            opt.put("momentum", t.optimizer().momentum());
        } else {
            opt.put("beta1", t.optimizer().beta1());
            opt.put("beta2", t.optimizer().beta2());
            opt.put("eps", t.optimizer().epsilon());
        }
        m.put("optimizer", opt);
        Map<String, Object> sch = new LinkedHashMap<>();
        sch.put("type", t.schedule().kind().name().toLowerCase(java.util.Locale.ROOT));
        sch.put("warmup_steps", t.schedule().warmupSteps());
        switch (t.schedule().kind()) {
            case STEP -> {
                sch.put("step_every", t.schedule().stepEvery());
                sch.put("gamma", t.schedule().gamma());
            }
            case COSINE -> sch.put("min_factor", t.schedule().minFactor());
            default -> {}
        }
        m.put("schedule", sch);
        m.put("clip_norm", t.clipNorm());
        m.put("select", t.selectMetric());
        m.put("patience", t.patience());
        m.put("checkpoint_every", t.checkpointEvery());
        m.put("log_every", t.logEvery());
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", t.sampler().kind().name().toLowerCase(java.util.Locale.ROOT));
        if (t.sampler().kind() == org.mtl4j.train.SamplerSpec.Kind.TEMPERATURE) {
            s.put("temperature", t.sampler().temperature());
        }
        m.put("sampler", s);
        m.put("eval_batch_size", t.evalBatchSize());
        m.put("diagnose_every", t.diagnoseEvery());
        m.put("on_non_finite", t.onNonFinite().name().toLowerCase(java.util.Locale.ROOT));
        return m;
    }

    private static void putPath(Map<String, Object> m, String key, Path p) {
        if (p != null) {
            m.put(key, p.toString());
        }
    }
}
