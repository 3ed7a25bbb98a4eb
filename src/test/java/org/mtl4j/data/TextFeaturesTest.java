package org.mtl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;
import org.mtl4j.api.Experiment;
import org.mtl4j.api.RunResult;
import org.mtl4j.config.ConfigLoader;
import org.mtl4j.config.ConfigWriter;
import org.mtl4j.train.Listeners;

/**
 * Text columns: words, the learned vocabulary, config (word and bpe tokenizers), and models that
 * learn from words and from subword pieces.
 */
class TextFeaturesTest {
    @TempDir Path tmp;

    @Test
    void wordsAreNormalisedLowerCasedAndCut() {
        TextSpec s = new TextSpec(6, 1, 100, true);
        assertEquals(
                List.of("héllo", "world", "3", "5", "fine", "don"),
                s.tokens("Héllo, WORLD! 3.5% \uFB01ne -- don't stop"));
        assertEquals(List.of("Hello"), new TextSpec(5, 1, 100, false).tokens("  Hello  "));
        assertEquals(List.of(), s.tokens(""));
        assertThrows(IllegalArgumentException.class, () -> new TextSpec(0, 1, 1, true));
        assertThrows(IllegalArgumentException.class, () -> new TextSpec(2000, 1, 1, true));
    }

    @Test
    void vocabularyKeepsFrequentWordsAndIdsPadTheRest() {
        CsvTable train =
                CsvTable.of(
                        "t",
                        List.of("doc"),
                        List.of(
                                new String[] {"the cat sat"},
                                new String[] {"the dog sat down"},
                                new String[] {"the end"}));
        TextSpec spec = new TextSpec(3, 2, 10, true);
        Preprocessor p =
                Preprocessor.fit(
                        new TabularSchema(
                                List.of(),
                                List.of("doc"),
                                Map.of(),
                                Map.of("doc", " "),
                                Map.of("doc", spec)),
                        train);
        // words seen twice: the (3), sat (2); most frequent first
        assertEquals(List.of("the", "sat"), p.state().vocabularies().get(0));
        assertEquals(3, p.slots()[0], "slots = most words in a training cell, at most max_tokens");
        int pad = p.vocabularySizes()[0] - 1;
        FeatureMatrix x =
                p.transform(
                        CsvTable.of(
                                "q",
                                List.of("doc"),
                                List.<String[]>of(
                                        new String[] {"SAT the zebra"}, new String[] {""})));
        assertEquals(
                List.of(2, 1, 0, pad, pad, pad),
                java.util.Arrays.stream(x.categorical()).boxed().toList());
        // saved and read back with the model
        Preprocessor q = Preprocessor.fromState(p.state());
        assertEquals(spec, q.state().text().get("doc"));
    }

    @Test
    void configReadsTextColumnsAndRefusesDoubleListing() throws Exception {
        Path csv = tmp.resolve("d.csv");
        Files.writeString(csv, "doc,y\nhello world,1\nbye now,0\n");
        String base =
                "name: t\ndata:\n  train: d.csv\n%s\ntasks: [{name: y, type: binary, label: y}]\n";
        Path list = tmp.resolve("list.yaml");
        Files.writeString(list, String.format(base, "  text: [doc]"));
        var c = ConfigLoader.load(list);
        Path again = tmp.resolve("again.yaml");
        Files.writeString(again, ConfigWriter.toYaml(c));
        assertEquals(
                ConfigWriter.toYaml(c),
                ConfigWriter.toYaml(ConfigLoader.load(again)),
                "round trip");
        Path map = tmp.resolve("map.yaml");
        Files.writeString(
                map, String.format(base, "  text:\n    doc: {max_tokens: 50, lowercase: false}"));
        var d = (org.mtl4j.config.DataConfig.Csv) ConfigLoader.load(map).data();
        assertEquals(new TextSpec(50, 2, 20_000, false), d.text().get("doc"));
        Path both = tmp.resolve("both.yaml");
        Files.writeString(both, String.format(base, "  categorical: [doc]\n  text: [doc]"));
        Mtl4jException e = assertThrows(Mtl4jException.class, () -> ConfigLoader.load(both));
        assertTrue(
                e.getMessage().contains("\"doc\" is also listed under categorical"),
                e.getMessage());
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, String.format(base, "  text:\n    doc: {max_tokens: 0}"));
        Mtl4jException e2 = assertThrows(Mtl4jException.class, () -> ConfigLoader.load(bad));
        assertTrue(e2.getMessage().contains("max_tokens"), e2.getMessage());
    }

    @Test
    void configReadsTheBpeTokenizerAndNamesBadValues() throws Exception {
        Path csv = tmp.resolve("d.csv");
        Files.writeString(csv, "doc,y\nhello world,1\nbye now,0\n");
        String base =
                "name: t\ndata:\n  train: d.csv\n  text:\n    doc: %s\n"
                        + "tasks: [{name: y, type: binary, label: y}]\n";
        Path bpe = tmp.resolve("bpe.yaml");
        Files.writeString(bpe, String.format(base, "{tokenizer: bpe, vocabulary: 300}"));
        var c = ConfigLoader.load(bpe);
        assertEquals(
                TextSpec.bpe(200, 2, 300, true),
                ((org.mtl4j.config.DataConfig.Csv) c.data()).text().get("doc"));
        String yaml = ConfigWriter.toYaml(c);
        assertTrue(yaml.contains("tokenizer: bpe") && yaml.contains("vocabulary: 300"), yaml);
        Path again = tmp.resolve("again.yaml");
        Files.writeString(again, yaml);
        assertEquals(yaml, ConfigWriter.toYaml(ConfigLoader.load(again)), "round trip");
        Path dflt = tmp.resolve("dflt.yaml");
        Files.writeString(dflt, String.format(base, "{tokenizer: bpe}"));
        var d = (org.mtl4j.config.DataConfig.Csv) ConfigLoader.load(dflt).data();
        assertEquals(TextSpec.DEFAULT_BPE_VOCABULARY, d.text().get("doc").maxVocabulary());
        Path word = tmp.resolve("word.yaml");
        Files.writeString(word, String.format(base, "{tokenizer: word, max_tokens: 5}"));
        var w = (org.mtl4j.config.DataConfig.Csv) ConfigLoader.load(word).data();
        assertEquals(new TextSpec(5, 2, 20_000, true), w.text().get("doc"));
        assertFalse(ConfigWriter.toYaml(ConfigLoader.load(word)).contains("tokenizer"));
        assertConfigError(
                base,
                "{tokenizer: wordpiece}",
                "data.text.doc.tokenizer",
                "\"wordpiece\"",
                "word, bpe");
        assertConfigError(
                base,
                "{tokenizer: bpe, vocabulary: 20}",
                "data.text.doc.vocabulary",
                "at least 50",
                "got 20");
        assertConfigError(
                base,
                "{tokenizer: bpe, max_vocabulary: 900}",
                "data.text.doc.max_vocabulary",
                "vocabulary");
        assertConfigError(base, "{vocabulary: 900}", "data.text.doc.vocabulary", "bpe");
    }

    private void assertConfigError(String base, String spec, String... parts) throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, String.format(base, spec));
        Mtl4jException e = assertThrows(Mtl4jException.class, () -> ConfigLoader.load(bad));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), part + " not in: " + e.getMessage());
        }
    }

    @Test
    void aBpeModelLearnsAndPredictsRawTextTheSameAfterReloading() throws Exception {
        Path cfg = wordsConfig("", "{doc: {tokenizer: bpe, vocabulary: 60, max_tokens: 40}}");
        Files.write(tmp.resolve("words-test.csv"), words(200, 5));
        Files.writeString(
                cfg,
                Files.readString(cfg)
                        .replace("test_fraction: 0.2", "test: words-test.csv")
                        .replace("epochs: 15", "epochs: 8"));
        Path run = tmp.resolve("bpe");
        RunResult res = Experiment.fromYaml(cfg).train(run, Listeners.none());
        for (String t : List.of("good", "bad")) {
            double auc = res.metrics().get(t).get("auc");
            assertTrue(auc > 0.95, t + " auc " + auc);
        }
        var json = org.mtl4j.run.Json.read(run.resolve("model").resolve("model.json"));
        var pre = json.get("preprocessor");
        assertTrue(pre.get("merges").get("doc").size() > 0, "the merges are saved");
        // the ten distinct words become whole pieces before the vocabulary is full
        assertTrue(pre.get("vocabularies").get(0).size() <= 60, "at most 60 pieces");
        assertTrue(pre.get("vocabularies").get(0).toString().contains("excellent</w>"));
        try (org.mtl4j.run.Predictor p = org.mtl4j.run.Predictor.load(run)) {
            CsvTable test = CsvTable.read(tmp.resolve("words-test.csv"));
            var tasks = p.tasks();
            assertEquals(
                    res.metrics(),
                    p.evaluate(p.labelled(test)).byTask(tasks),
                    "the reloaded model scores the test texts as in training");
            // raw text, as in a serve request: the same outputs as the table
            List<Map<String, Object>> records = new ArrayList<>();
            for (int r = 0; r < 5; r++) {
                records.add(Map.of("doc", test.cell(r, test.columnIndex("doc"))));
            }
            float[][] raw = p.predictRaw(p.features(test));
            assertEquals(
                    p.format(raw, test.rows(), 0, 5, p.taskIndices(List.of())),
                    p.predict(records, List.of()));
        }
    }

    @Test
    void maxPoolingTakesTheLargestOfTheWordsAndIgnoresPadding() {
        org.mtl4j.run.Engines.start(1, 5);
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            org.mtl4j.model.FeatureInput in =
                    new org.mtl4j.model.FeatureInput(
                            0,
                            List.of(5),
                            List.of(3),
                            2,
                            List.of(org.mtl4j.model.TextPooling.max()));
            in.initialize(
                    m,
                    ai.djl.ndarray.types.DataType.FLOAT32,
                    new ai.djl.ndarray.types.Shape(2, 0),
                    new ai.djl.ndarray.types.Shape(2, 3));
            float[] table = in.getParameters().get(0).getValue().getArray().toFloatArray(); // 5 x 2
            ai.djl.ndarray.NDArray ids =
                    m.create(new long[] {1, 2, 4, 4, 4, 4}, new ai.djl.ndarray.types.Shape(2, 3));
            float[] out =
                    in.forward(
                                    new ai.djl.training.ParameterStore(m, false),
                                    new ai.djl.ndarray.NDList(
                                            m.zeros(new ai.djl.ndarray.types.Shape(2, 0)), ids),
                                    false)
                            .singletonOrThrow()
                            .toFloatArray();
            for (int d = 0; d < 2; d++) {
                assertEquals(Math.max(table[2 + d], table[4 + d]), out[d], 1e-6, "row 1, dim " + d);
                assertEquals(0f, out[2 + d], 1e-9, "an all-padding row gives zeros");
            }
        }
    }

    @Test
    void aConvolutionalTextEncoderLearnsAndIsSavedWithTheModel() throws Exception {
        Path cfg = wordsConfig("  text_encoder: {type: cnn, filters: 16, widths: [2, 3]}\n");
        Path run = tmp.resolve("cnn");
        RunResult res = Experiment.fromYaml(cfg).train(run, Listeners.none());
        for (String t : List.of("good", "bad")) {
            double auc = res.metrics().get(t).get("auc");
            assertTrue(auc > 0.95, t + " auc " + auc);
        }
        String json = Files.readString(run.resolve("model").resolve("model.json"));
        assertTrue(
                json.contains("\"type\":\"cnn\"") || json.contains("\"type\" : \"cnn\""),
                "pooling saved");
        try (org.mtl4j.run.Predictor p = org.mtl4j.run.Predictor.load(run)) {
            CsvTable test = CsvTable.read(tmp.resolve("words.csv"));
            var e = p.evaluate(p.labelled(test));
            assertTrue(Double.isFinite(e.losses()[0]), "the reloaded model runs");
        }
        Path bad = tmp.resolve("bad-cnn.yaml");
        Files.writeString(bad, Files.readString(cfg).replace("filters: 16", "filters: 0"));
        Mtl4jException ex = assertThrows(Mtl4jException.class, () -> ConfigLoader.load(bad));
        assertTrue(ex.getMessage().contains("filters"), ex.getMessage());
    }

    @Test
    void aModelLearnsWhichWordsMatter() throws Exception {
        RunResult res =
                Experiment.fromYaml(wordsConfig("")).train(tmp.resolve("run"), Listeners.none());
        for (String t : List.of("good", "bad")) {
            double auc = res.metrics().get(t).get("auc");
            assertTrue(auc > 0.95, t + " auc " + auc);
        }
    }

    /**
     * 600 texts of 8 filler words, plus "Excellent" for label good and "awful" for label bad; the
     * config trains both tasks on the text column ({@code extraModel}: more model lines).
     */
    private Path wordsConfig(String extraModel) throws Exception {
        return wordsConfig(extraModel, "[doc]");
    }

    /** {@link #wordsConfig(String)} with the given {@code data.text}. */
    private Path wordsConfig(String extraModel, String text) throws Exception {
        Files.write(tmp.resolve("words.csv"), words(600, 3));
        Path cfg = tmp.resolve("words.yaml");
        Files.writeString(
                cfg,
                String.join(
                        "\n",
                        "name: words",
                        "seed: 2",
                        "threads: 1",
                        "data: {train: words.csv, validation_fraction: 0.2, test_fraction: 0.2,"
                                + " text: "
                                + text
                                + "}",
                        "tasks:",
                        "  - {name: good, type: binary, label: good}",
                        "  - {name: bad, type: binary, label: bad}",
                        "model:",
                        "  embedding_dim: 8",
                        "  encoder: {hidden: [16]}",
                        extraModel + "trainer: {epochs: 15, batch_size: 32, lr: 0.01}",
                        ""));
        return cfg;
    }

    /** {@code n} lines of the words CSV (and its header), seeded. */
    private static List<String> words(int n, long seed) {
        Random r = new Random(seed);
        String[] filler = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"};
        List<String> lines = new ArrayList<>(List.of("doc,good,bad"));
        for (int i = 0; i < n; i++) {
            StringBuilder b = new StringBuilder();
            boolean good = r.nextBoolean();
            boolean bad = r.nextBoolean();
            for (int k = 0; k < 8; k++) {
                b.append(filler[r.nextInt(filler.length)]).append(' ');
            }
            if (good) {
                b.append("Excellent ");
            }
            if (bad) {
                b.append("awful");
            }
            lines.add("\"" + b.toString().strip() + "\"," + (good ? 1 : 0) + "," + (bad ? 1 : 0));
        }
        return lines;
    }
}
