package org.mtl4j.data.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;
import org.mtl4j.api.Experiment;
import org.mtl4j.api.RunResult;
import org.mtl4j.config.ConfigLoader;
import org.mtl4j.config.ConfigWriter;
import org.mtl4j.config.DataConfig;
import org.mtl4j.data.CsvTable;
import org.mtl4j.data.FeatureMatrix;
import org.mtl4j.train.Listeners;

/**
 * Audio clips listed in a CSV, end to end: synthetic "words" (a rising, a falling or a warbling
 * tone) said by two "voices" (base pitch 250 or 500 Hz) at random lengths, with noise; three tasks
 * share one audio_cnn encoder.
 */
class AudioDataTest {
    @TempDir Path tmp;

    private static final String[] WORDS = {"rise", "fall", "warble"};
    private static final int RATE = 8000;

    /** 16-bit mono PCM. */
    static void writeWav(Path f, float[] x, int rate) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(b.capacity() - 8).put("WAVE".getBytes());
        b.put("fmt ".getBytes())
                .putInt(16)
                .putShort((short) 1)
                .putShort((short) 1)
                .putInt(rate)
                .putInt(rate * 2)
                .putShort((short) 2)
                .putShort((short) 16);
        b.put("data".getBytes()).putInt(2 * x.length);
        for (float v : x) {
            b.putShort((short) Math.round(Math.max(-1, Math.min(1, v)) * 32767));
        }
        Files.createDirectories(f.getParent());
        Files.write(f, b.array());
    }

    /** One clip: the word's pitch contour over the voice's base pitch, plus white noise. */
    static float[] clip(int word, double base, double seconds, Random r) {
        int n = (int) (seconds * RATE);
        float[] x = new float[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double t = i / (double) n;
            double f =
                    switch (word) {
                        case 0 -> base * (1 + t);
                        case 1 -> base * (2 - t);
                        default -> base * 1.5 * (1 + 0.2 * Math.sin(2 * Math.PI * 6 * t));
                    };
            phase += 2 * Math.PI * f / RATE;
            double env = Math.min(1, Math.min(i, n - i) / (0.02 * RATE));
            x[i] =
                    (float)
                            (0.5 * env * (Math.sin(phase) + 0.3 * Math.sin(2 * phase))
                                    + 0.02 * r.nextGaussian());
        }
        return x;
    }

    /**
     * {@code clips} clips in {@code dir}/wav and {@code dir}/clips.csv (path, word, voice, length
     * in tenths of a second).
     */
    static Path dataset(Path dir, int clips, long seed) throws Exception {
        Random r = new Random(seed);
        List<String> lines = new ArrayList<>(List.of("path,word,voice,length_ds"));
        for (int i = 0; i < clips; i++) {
            int word = i % 3;
            int voice = (i / 3) % 2;
            double seconds = 0.25 + 0.45 * r.nextDouble();
            double base = (voice == 0 ? 250 : 500) * (0.95 + 0.1 * r.nextDouble());
            String name = "wav/c" + i + ".wav";
            writeWav(dir.resolve(name), clip(word, base, seconds, r), RATE);
            lines.add(
                    name
                            + ","
                            + WORDS[word]
                            + ","
                            + (voice == 0 ? "low" : "high")
                            + ","
                            + String.format(java.util.Locale.ROOT, "%.3f", seconds * 10));
        }
        Path csv = dir.resolve("clips.csv");
        Files.write(csv, lines);
        return csv;
    }

    private Path config(Path list, String encoder, String extraData) throws Exception {
        Path cfg = tmp.resolve("audio.yaml");
        Files.writeString(
                cfg,
                "name: tones\n"
                        + "seed: 4\n"
                        + "data:\n"
                        + "  audio:\n"
                        + "    train: "
                        + list
                        + "\n"
                        + "    seconds: 0.8\n"
                        + "    bands: 24\n"
                        + "    max_hz: 4000\n"
                        + "    cache: "
                        + tmp.resolve("cache")
                        + "\n"
                        + extraData
                        + "  validation_fraction: 0.15\n"
                        + "  test_fraction: 0.2\n"
                        + "tasks:\n"
                        + "  - {name: word, type: multiclass, label: word, classes: [rise, fall, warble]}\n"
                        + "  - {name: voice, type: multiclass, label: voice, classes: [low, high]}\n"
                        + "  - {name: length, type: regression, label: length_ds}\n"
                        + "model:\n"
                        + "  encoder: "
                        + encoder
                        + "\n"
                        + "  head: {hidden: []}\n"
                        + "trainer: {epochs: 30, batch_size: 16, lr: 0.003,"
                        + " diagnose_every: 0}\n");
        return cfg;
    }

    @Test
    void threeTasksLearnFromOneSharedSpectrogramEncoderAndPredictionsReadTheWavs()
            throws Exception {
        Path list = dataset(tmp.resolve("clips"), 180, 11);
        Path cfg = config(list, "{type: audio_cnn, channels: [8, 16], hidden: 32}", "");
        var c = ConfigLoader.load(cfg);
        assertEquals(
                ConfigWriter.toYaml(c),
                ConfigWriter.toYaml(
                        ConfigLoader.load(
                                Files.writeString(
                                        tmp.resolve("again.yaml"), ConfigWriter.toYaml(c)))),
                "the written config reads back the same");
        Path run = tmp.resolve("run");
        RunResult res = Experiment.fromYaml(cfg).train(run, Listeners.none());
        double word = res.metrics().get("word").get("accuracy");
        double voice = res.metrics().get("voice").get("accuracy");
        double r2 = res.metrics().get("length").get("r2");
        System.out.println("audio tones: " + res.metrics() + " best epoch " + res.bestEpoch());
        assertTrue(word > 0.9, "word accuracy " + word);
        assertTrue(voice > 0.9, "voice accuracy " + voice);
        assertTrue(r2 > 0.5, "length r2 " + r2);
        String json = Files.readString(run.resolve("model").resolve("model.json"));
        assertTrue(json.contains("audio_cnn") && json.contains("path_column"), json);

        // predictions from the saved model read the WAV files again, the same way
        try (org.mtl4j.run.Predictor p = org.mtl4j.run.Predictor.load(run)) {
            CsvTable all = CsvTable.read(list);
            FeatureMatrix again = p.features(all);
            FeatureMatrix cached =
                    AudioFeatures.computeWithOutcome(
                                    c.data() instanceof DataConfig.Audio a ? a.spec() : null,
                                    all,
                                    tmp.resolve("cache2"))
                            .features();
            assertArrayEquals(cached.numeric(), again.numeric(), 0f);
            var e = p.evaluate(p.labelled(all));
            assertTrue(Double.isFinite(e.losses()[2]), "the reloaded model evaluates");
            Path out = tmp.resolve("pred.csv");
            p.writeCsv(all, out);
            List<String> pred = Files.readAllLines(out);
            assertEquals(181, pred.size());
            assertTrue(pred.get(0).startsWith("word,word_prob_"), pred.get(0));
            Mtl4jException serve = assertThrows(Mtl4jException.class, p::recordInput);
            assertTrue(serve.getMessage().contains("wav"), serve.getMessage());

            // served: a WAV file sent as base64 gives the same outputs as the CSV row
            String b64 =
                    java.util.Base64.getEncoder()
                            .encodeToString(Files.readAllBytes(list.resolveSibling("wav/c0.wav")));
            float[][] fromCsv = p.predictRaw(p.features(CsvTable.read(list).select(new int[] {0})));
            try (org.mtl4j.serve.ModelServer server =
                    org.mtl4j.serve.ModelServer.start(
                            run,
                            p,
                            new org.mtl4j.serve.ModelServer.Options(
                                    "127.0.0.1", 0, 2, 256 * 1024, 10, 0, 64))) {
                var http = java.net.http.HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + server.port();
                var ok =
                        http.send(
                                java.net.http.HttpRequest.newBuilder(
                                                java.net.URI.create(base + "/predict"))
                                        .POST(
                                                java.net.http.HttpRequest.BodyPublishers.ofString(
                                                        "{\"wav\": \"" + b64 + "\"}"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(200, ok.statusCode(), ok.body());
                var answer = org.mtl4j.run.Json.mapper().readTree(ok.body());
                double served = answer.at("/prediction/length/value").asDouble(Double.NaN);
                assertEquals(fromCsv[2][0], served, 1e-5, ok.body());
                var bad =
                        http.send(
                                java.net.http.HttpRequest.newBuilder(
                                                java.net.URI.create(base + "/predict"))
                                        .POST(
                                                java.net.http.HttpRequest.BodyPublishers.ofString(
                                                        "{\"wav\": \"aGVsbG8=\"}"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(400, bad.statusCode(), bad.body());
                assertTrue(bad.body().contains("record"), bad.body());
                var model =
                        http.send(
                                java.net.http.HttpRequest.newBuilder(
                                                java.net.URI.create(base + "/model"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString());
                assertTrue(model.body().contains("\"path_column\""), model.body());
            }
        }
    }

    @Test
    void compareTrainsSingleTaskBaselinesOnTheSameSpectrograms() throws Exception {
        Path list = dataset(tmp.resolve("clips"), 60, 8);
        Path cfg = config(list, "{type: audio_cnn, channels: [4, 8], hidden: 16}", "");
        Files.writeString(cfg, Files.readString(cfg).replace("epochs: 30", "epochs: 2"));
        Path dir = tmp.resolve("compare");
        var r = Experiment.fromYaml(cfg).compare(dir, label -> Listeners.none());
        assertEquals(List.of("word", "voice", "length"), r.taskNames());
        assertTrue(Double.isFinite(r.deltaM().overall()), "Δm " + r.deltaM());
        for (String t : List.of("word", "voice", "length")) {
            String json = Files.readString(dir.resolve("stl-" + t).resolve("model/model.json"));
            assertTrue(
                    json.contains("path_column"), "single-task " + t + " keeps the audio settings");
        }
    }

    @Test
    void attentionAndCrossStitchArchitecturesRunOnSpectrogramsOfAnySize() throws Exception {
        // 78 frames x 24 bands: not multiples of 2^3, padded inside the encoder so MTAN's
        // attention maps line up with every pooling stage
        Path list = dataset(tmp.resolve("clips"), 30, 9);
        for (String arch : List.of("mtan", "cross_stitch")) {
            Path cfg = config(list, "{type: audio_cnn, channels: [4, 4, 8], hidden: 8}", "");
            Files.writeString(
                    cfg,
                    Files.readString(cfg)
                            .replace("epochs: 30", "epochs: 1")
                            .replace(
                                    "  head: {hidden: []}\n",
                                    "  head: {hidden: []}\n  architecture: " + arch + "\n"));
            RunResult r = Experiment.fromYaml(cfg).train(tmp.resolve(arch), Listeners.none());
            assertTrue(Double.isFinite(r.metrics().get("length").get("mse")), arch);
        }
    }

    @Test
    void featuresAreCachedAndRecomputedWhenAFileChanges() throws Exception {
        Path list = dataset(tmp.resolve("clips"), 12, 5);
        AudioSpec spec = new AudioSpec("path", 0.8, 25, 10, 24, 4000);
        CsvTable t = CsvTable.read(list);
        Path cache = tmp.resolve("cache");
        AudioFeatures.Outcome first = AudioFeatures.computeWithOutcome(spec, t, cache);
        assertFalse(first.fromCache());
        assertTrue(Files.exists(first.cacheFile()));
        assertEquals(12, first.features().rows());
        assertEquals(spec.frames() * 24, first.features().numericWidth());
        assertEquals(78, spec.frames(), "1 + (800 - 25) / 10");
        AudioFeatures.Outcome second = AudioFeatures.computeWithOutcome(spec, t, cache);
        assertTrue(second.fromCache());
        assertArrayEquals(first.features().numeric(), second.features().numeric(), 0f);

        // a clip replaced (new content, later time stamp) gives a new key
        Path c0 = tmp.resolve("clips/wav/c0.wav");
        writeWav(c0, clip(1, 300, 0.5, new Random(1)), RATE);
        Files.setLastModifiedTime(
                c0, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        AudioFeatures.Outcome third = AudioFeatures.computeWithOutcome(spec, t, cache);
        assertFalse(third.fromCache());
        assertFalse(
                java.util.Arrays.equals(first.features().numeric(), third.features().numeric()));

        // a damaged cache file is ignored and rewritten
        Files.write(third.cacheFile(), new byte[] {1, 2, 3});
        AudioFeatures.Outcome fourth = AudioFeatures.computeWithOutcome(spec, t, cache);
        assertFalse(fourth.fromCache());
        assertArrayEquals(third.features().numeric(), fourth.features().numeric(), 0f);
        assertTrue(AudioFeatures.computeWithOutcome(spec, t, cache).fromCache());
    }

    @Test
    void eachClipIsStandardisedAndShortClipsArePaddedAtTheirQuietestLevel() throws Exception {
        AudioSpec spec = new AudioSpec("path", 0.5, 25, 10, 16, 4000);
        LogMel lm = new LogMel(RATE, 25, 10, 16, 4000);
        float[] loud = clip(0, 300, 0.3, new Random(2));
        float[] quiet = loud.clone();
        for (int i = 0; i < quiet.length; i++) {
            quiet[i] *= 0.1f;
        }
        int w = spec.width();
        float[] a = new float[w];
        float[] b = new float[w];
        assertFalse(AudioFeatures.clip(spec, new WavReader.Audio(loud, RATE), a, 0, lm));
        AudioFeatures.clip(spec, new WavReader.Audio(quiet, RATE), b, 0, lm);
        int real = lm.frames(loud.length);
        double mean = 0;
        double sq = 0;
        for (int i = 0; i < real * 16; i++) {
            mean += a[i];
            sq += a[i] * (double) a[i];
        }
        mean /= real * 16;
        assertEquals(0, mean, 1e-4, "mean 0 over the real frames");
        assertEquals(1, Math.sqrt(sq / (real * 16) - mean * mean), 1e-3, "sd 1");
        float min = Float.MAX_VALUE;
        for (int i = 0; i < real * 16; i++) {
            min = Math.min(min, a[i]);
            assertEquals(a[i], b[i], 0.05, "loudness is removed (value " + i + ")");
        }
        for (int i = real * 16; i < w; i++) {
            assertEquals(min, a[i], 0f, "padding at the quietest level");
        }
        float[] longer = clip(0, 300, 0.9, new Random(2));
        assertTrue(
                AudioFeatures.clip(spec, new WavReader.Audio(longer, RATE), a, 0, lm),
                "a clip longer than seconds is reported as cut");
    }

    @Test
    void clipsSampledBelow1000HzAreReadWhenMaxHzAllowsThem() throws Exception {
        // max_hz may be as low as 100 Hz, so any file sampled at twice max_hz or more is valid
        Path wav = tmp.resolve("low/a.wav");
        float[] x = new float[400];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 100 * i / 800.0));
        }
        writeWav(wav, x, 800);
        Path list = tmp.resolve("low/list.csv");
        Files.write(list, List.of("path,y", "a.wav,1"));
        AudioSpec spec = new AudioSpec("path", 0.5, 25, 10, 8, 400);
        FeatureMatrix m = AudioFeatures.compute(spec, CsvTable.read(list), null);
        assertEquals(spec.width(), m.numericWidth());
        for (float v : m.numeric()) {
            assertTrue(Float.isFinite(v), "value " + v);
        }
    }

    @Test
    void badListsAndSettingsAreRefusedNamingTheLineOrField() throws Exception {
        Path list = dataset(tmp.resolve("clips"), 6, 3);
        List<String> lines = new ArrayList<>(Files.readAllLines(list));
        lines.set(4, lines.get(4).replace("wav/c3.wav", "wav/missing.wav"));
        Path broken = tmp.resolve("clips/broken.csv");
        Files.write(broken, lines);
        AudioSpec spec = new AudioSpec("path", 0.8, 25, 10, 24, 4000);
        Mtl4jException e =
                assertThrows(
                        Mtl4jException.class,
                        () -> AudioFeatures.compute(spec, CsvTable.read(broken), null));
        assertTrue(
                e.getMessage().contains("broken.csv line 5")
                        && e.getMessage().contains("missing.wav"),
                e.getMessage());

        AudioSpec high = new AudioSpec("path", 0.8, 25, 10, 24, 8000);
        e =
                assertThrows(
                        Mtl4jException.class,
                        () -> AudioFeatures.compute(high, CsvTable.read(list), null));
        assertTrue(
                e.getMessage().contains("8000 Hz")
                        && e.getMessage().contains("max_hz")
                        // also read by predict, where the model's max_hz is fixed
                        && e.getMessage().contains("resample"),
                e.getMessage());

        AudioSpec otherColumn = new AudioSpec("file", 0.8, 25, 10, 24, 4000);
        e =
                assertThrows(
                        Mtl4jException.class,
                        () -> AudioFeatures.compute(otherColumn, CsvTable.read(list), null));
        assertTrue(e.getMessage().contains("\"file\""), e.getMessage());

        Mtl4jException cfg =
                assertThrows(
                        Mtl4jException.class,
                        () ->
                                ConfigLoader.load(
                                        config(list, "{type: audio_cnn}", "    hop_ms: 50\n")));
        assertTrue(cfg.getMessage().contains("hop_ms"), cfg.getMessage());
        cfg =
                assertThrows(
                        Mtl4jException.class,
                        () ->
                                ConfigLoader.load(
                                        config(list, "{type: audio_cnn, channels: [0]}", "")));
        assertTrue(cfg.getMessage().contains("channels"), cfg.getMessage());

        // too many pooling stages for 24 bands
        Path deep = config(list, "{type: audio_cnn, channels: [4, 4, 4, 4, 4]}", "");
        e =
                assertThrows(
                        Mtl4jException.class,
                        () ->
                                Experiment.fromYaml(deep)
                                        .train(tmp.resolve("deep"), Listeners.none()));
        assertTrue(e.getMessage().contains("32 frames and bands"), e.getMessage());

        // audio_cnn needs audio data
        Path csv = tmp.resolve("t.csv");
        Files.write(csv, List.of("a,y", "1,0", "2,1", "3,0", "4,1", "5,1"));
        Path tab = tmp.resolve("tab.yaml");
        Files.writeString(
                tab,
                "name: t\ndata: {train: "
                        + csv
                        + ", numeric: [a], validation_fraction: 0, test_fraction: 0}\n"
                        + "tasks: [{name: y, type: binary, label: y}]\n"
                        + "model: {encoder: {type: audio_cnn}}\ntrainer: {epochs: 1, batch_size: 2}\n");
        e =
                assertThrows(
                        Mtl4jException.class,
                        () -> Experiment.fromYaml(tab).train(tmp.resolve("tab"), Listeners.none()));
        assertTrue(e.getMessage().contains("data.audio"), e.getMessage());
    }
}
