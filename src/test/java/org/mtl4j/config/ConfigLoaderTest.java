package org.mtl4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.Mtl4jException;
import org.mtl4j.model.TextPooling;
import org.mtl4j.task.LossKind;
import org.mtl4j.task.TaskType;
import org.mtl4j.train.OptimizerSpec;
import org.mtl4j.train.SamplerSpec;
import org.mtl4j.train.ScheduleSpec;

class ConfigLoaderTest {
    private static final String BASE =
            String.join(
                    "\n",
                    "name: t",
                    "data:",
                    "  train: d.csv",
                    "  numeric: [a, b]",
                    "tasks:",
                    "  - {name: y, type: binary, label: y}",
                    "  - name: z",
                    "    type: regression",
                    "    labels: [z1, z2]",
                    "    loss: l1",
                    "");

    private static ExperimentConfig load(String yaml) {
        return ConfigLoader.fromOptions(
                YamlReader.parse("c.yaml", new StringReader(yaml)), Path.of("/data"));
    }

    private static String error(String yaml) {
        return assertThrows(Mtl4jException.class, () -> load(yaml)).getMessage();
    }

    @Test
    void readsTasksDefaultsAndResolvesPaths() {
        ExperimentConfig c = load(BASE);
        assertEquals(2, c.tasks().size());
        assertEquals(new TaskType.Regression(2), c.tasks().get(1).task().type());
        assertEquals(LossKind.L1, c.tasks().get(1).task().loss());
        assertEquals(java.util.List.of("z1", "z2"), c.tasks().get(1).task().dimNames());
        assertEquals(Path.of("/data/d.csv"), ((DataConfig.Csv) c.data()).train());
        assertEquals("ew", c.balancer());
        assertEquals(20, c.trainer().epochs());
        assertEquals(OptimizerSpec.Kind.ADAM, c.trainer().optimizer().kind());
    }

    @Test
    void readsVocabularyLimitsAndTargetScaleWithClearErrors() {
        String withCategorical =
                BASE.replace("numeric: [a, b]", "numeric: [a]\n  categorical: [b]");
        ExperimentConfig c =
                load(
                        withCategorical.replace(
                                "  categorical: [b]",
                                "  categorical: [b]\n  vocabulary: {min_count: 5, max_size: 1000}"));
        assertEquals(
                new org.mtl4j.data.VocabularyLimits(5, 1000),
                ((DataConfig.Csv) c.data()).vocabulary());
        assertEquals(
                org.mtl4j.data.VocabularyLimits.none(),
                ((DataConfig.Csv) load(withCategorical).data()).vocabulary());
        String e =
                error(
                        withCategorical.replace(
                                "  categorical: [b]",
                                "  categorical: [b]\n  vocabulary: {min_count: 0}"));
        assertTrue(e.contains("vocabulary") && e.contains("min_count must be >= 1, got 0"), e);
        e =
                error(
                        withCategorical.replace(
                                "  categorical: [b]",
                                "  categorical: [b]\n  vocabulary: {min_cont: 3}"));
        assertTrue(e.contains("min_cont"), e);
        e = error(BASE.replace("numeric: [a, b]", "numeric: [a, b]\n  vocabulary: {min_count: 2}"));
        assertTrue(e.contains("no column under categorical learns one"), e);

        assertTrue(
                c.tasks().get(1).task().targetScale().standardize(),
                "regression: standard by default");
        ExperimentConfig none = load(BASE.replace("    loss: l1", "    loss: l1\n    scale: none"));
        assertEquals(org.mtl4j.task.TargetScale.none(), none.tasks().get(1).task().targetScale());
        e = error(BASE.replace("label: y}", "label: y, scale: standard}"));
        assertTrue(e.contains("scale applies to regression tasks only"), e);
        e = error(BASE.replace("    loss: l1", "    loss: l1\n    scale: minmax"));
        assertTrue(e.contains("unknown scale \"minmax\"; use standard (the default) or none"), e);
    }

    @Test
    void readsTrainerBlocksAndScientificNotation() {
        ExperimentConfig c =
                load(
                        BASE
                                + String.join(
                                        "\n",
                                        "balancer: {method: mgda, mode: rep, normalization: loss+}",
                                        "trainer:",
                                        "  lr: 3e-4",
                                        "  optimizer: {type: adamw, weight_decay: 0.05}",
                                        "  schedule: {type: cosine, warmup_steps: 10}",
                                        "  sampler: {type: temperature, temperature: 3}",
                                        ""));
        assertEquals(3e-4, c.trainer().optimizer().learningRate(), 0);
        assertEquals(0.05, c.trainer().optimizer().weightDecay(), 0);
        assertEquals(ScheduleSpec.Kind.COSINE, c.trainer().schedule().kind());
        assertEquals(SamplerSpec.Kind.TEMPERATURE, c.trainer().sampler().kind());
        assertEquals("mgda", c.balancer());
        assertEquals("rep", c.balancerOptions().get("mode"));
    }

    @Test
    void errorsNameTheKeyAndLine() {
        assertTrue(
                error(BASE + "trainer: {epochs: 3, bacth_size: 4}\n")
                        .contains("unknown option \"bacth_size\""));
        String e = error(BASE + "trainer:\n  epochs: 3\n  bacth_size: 4\n");
        assertTrue(e.contains("trainer.bacth_size (line 13)"), e);
        e = error(BASE + "trainer:\n  epochs: many\n");
        assertTrue(e.contains("trainer.epochs (line 12): expected an integer, got \"many\""), e);
        e = error(BASE.replace("loss: l1", "loss: bce"));
        assertTrue(e.contains("loss bce does not apply to a regression task"), e);
        e = error(BASE + "balancer: {method: fixed, weights: [1.0]}\n");
        assertTrue(e.contains("1 weights") && e.contains("2 tasks"), e);
        e = error(BASE + "balancer: {method: dwa, temprature: 2}\n");
        assertTrue(e.contains("unknown option \"temprature\"") && e.contains("line 11"), e);
        e = error(BASE + "trainer: {optimizer: {type: adam, momentum: 0.9}}\n");
        assertTrue(e.contains("unknown option \"momentum\""), e);
        e = error(BASE + "trainer: {sampler: {type: round_robin, temperature: 3}}\n");
        assertTrue(e.contains("unknown option \"temperature\""), e);
        e = error(BASE + "trainer: {schedule: {type: cosine, gamma: 0.5}}\n");
        assertTrue(e.contains("unknown option \"gamma\""), e);
        e = error(BASE.replace("type: binary", "type: multiclass"));
        assertTrue(e.contains("needs classes"), e);
        e = error("name: t\ntasks: []\ndata: {train: x.csv, numeric: [a]}\n");
        assertTrue(e.contains("declare at least one task"), e);
        e = error("name: [oops\n");
        assertTrue(e.contains("c.yaml line") && e.contains("invalid YAML"), e);
        e = error(BASE + "tasks: []\n");
        assertTrue(e.contains("duplicate key"), e);
    }

    @Test
    void resolvedConfigReadsBackToTheSameExperiment() {
        for (String extra :
                List.of(
                        "balancer: {method: pcgrad, mode: representation}\n",
                        "trainer: {optimizer: {type: sgd, momentum: 0.5}, schedule: {type: step,"
                                + " step_every: 7, gamma: 0.5}, sampler: {type: temperature,"
                                + " temperature: 3}}\n",
                        "trainer: {schedule: {type: cosine, min_factor: 0.2}}\n",
                        "")) {
            ExperimentConfig c = load(BASE + extra);
            String yaml = ConfigWriter.toYaml(c);
            ExperimentConfig again =
                    ConfigLoader.fromOptions(
                            YamlReader.parse("resolved.yaml", new StringReader(yaml)),
                            Path.of("/elsewhere"));
            assertEquals(c, again, extra);
        }
    }

    @Test
    void textEncodersAreReadWithDefaultsCheckedAndWrittenBack() {
        TextPooling gru = load(BASE + "model: {text_encoder: gru}\n").model().textPooling();
        assertEquals(TextPooling.gru(64, true, TextPooling.Pool.MAX), gru);
        TextPooling t =
                load(BASE + "model: {embedding_dim: 32, text_encoder: {type: transformer}}\n")
                        .model()
                        .textPooling();
        assertEquals(TextPooling.transformer(2, 4, 128, 0.1, TextPooling.Pool.MEAN), t);
        for (String encoder :
                List.of(
                        "{type: gru, hidden: 16, bidirectional: false, pool: last}",
                        "{type: transformer, layers: 1, heads: 2, ff: 32, dropout: 0.0, pool:"
                                + " first}")) {
            ExperimentConfig c = load(BASE + "model: {text_encoder: " + encoder + "}\n");
            String yaml = ConfigWriter.toYaml(c);
            ExperimentConfig again =
                    ConfigLoader.fromOptions(
                            YamlReader.parse("resolved.yaml", new StringReader(yaml)),
                            Path.of("/data"));
            assertEquals(c, again, encoder);
        }
        String e = error(BASE + "model:\n  text_encoder: {type: gru, hidden: 0}\n");
        assertTrue(e.contains("model.text_encoder: hidden must be 1 to 4096, got 0"), e);
        e = error(BASE + "model:\n  text_encoder: {type: gru, pool: first}\n");
        assertTrue(
                e.contains(
                        "model.text_encoder.pool (line 12): unknown pooling \"first\"; use max,"
                                + " mean or last"),
                e);
        e =
                error(
                        BASE
                                + "model:\n  embedding_dim: 8\n  text_encoder: {type: transformer, heads: 3}\n");
        assertTrue(
                e.contains("model.text_encoder.heads")
                        && e.contains("3 heads do not divide embedding_dim 8"),
                e);
        e = error(BASE + "model:\n  text_encoder: {type: transformer, dropout: 1}\n");
        assertTrue(e.contains("model.text_encoder: dropout must be in [0, 1), got 1.0"), e);
        e = error(BASE + "model:\n  text_encoder: {type: transformer, pool: max}\n");
        assertTrue(e.contains("unknown pooling \"max\"; use mean or first"), e);
        e = error(BASE + "model:\n  text_encoder: {type: gru, hiden: 8}\n");
        assertTrue(e.contains("unknown option \"hiden\""), e);
        e = error(BASE + "model:\n  text_encoder: lstm\n");
        assertTrue(e.contains("unknown \"lstm\"") && e.contains("{type: gru"), e);
    }
}
