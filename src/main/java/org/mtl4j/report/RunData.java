package org.mtl4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.Mtl4jException;
import org.mtl4j.config.TaskConfig;
import org.mtl4j.run.Json;
import org.mtl4j.run.ModelFiles;
import org.mtl4j.task.Task;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What a run directory records, read back for reports and exports: the resolved config, the
 * summary, and the step, epoch, diagnostics and warning records of {@code metrics.jsonl}. A run
 * still in progress (no summary yet) can be read too.
 *
 * @param tasks the tasks with their metrics, when the run saved its model (null otherwise)
 * @param taskNames task names in model order
 * @param summary {@code summary.json}, or null while the run is in progress
 * @param config the resolved {@code config.yaml} as nested maps (empty if absent)
 */
record RunData(
        Path dir,
        String name,
        List<String> taskNames,
        List<Task> tasks,
        JsonNode summary,
        Map<String, Object> config,
        List<JsonNode> steps,
        List<JsonNode> epochs,
        List<JsonNode> diagnostics,
        List<JsonNode> warnings) {

    /** Whether {@code dir} looks like a run directory (a manifest or a summary). */
    static boolean isRun(Path dir) {
        return Files.isRegularFile(dir.resolve("manifest.json"))
                || Files.isRegularFile(dir.resolve("summary.json"));
    }

    static RunData load(Path dir) {
        Path manifestFile = dir.resolve("manifest.json");
        Path summaryFile = dir.resolve("summary.json");
        if (!isRun(dir)) {
            throw new Mtl4jException(
                    dir
                            + ": not an mtl4j run directory (no manifest.json or summary.json); pass"
                            + " the directory given to train --out, or a compare output directory");
        }
        JsonNode manifest = Files.isRegularFile(manifestFile) ? Json.read(manifestFile) : null;
        JsonNode summary = Files.isRegularFile(summaryFile) ? Json.read(summaryFile) : null;
        List<String> names = new ArrayList<>();
        JsonNode taskList = manifest != null ? manifest.get("tasks") : null;
        if (taskList != null && taskList.isArray()) {
            taskList.forEach(n -> names.add(n.asText()));
        } else if (summary != null && summary.has("metrics")) {
            summary.get("metrics").fieldNames().forEachRemaining(names::add);
        }
        List<Task> tasks = null;
        if (Files.isRegularFile(dir.resolve("model").resolve("model.json"))) {
            tasks =
                    ModelFiles.describe(dir.resolve("model")).tasks().stream()
                            .map(TaskConfig::task)
                            .toList();
        }
        String name =
                summary != null && summary.hasNonNull("name")
                        ? summary.get("name").asText()
                        : manifest != null && manifest.hasNonNull("name")
                                ? manifest.get("name").asText()
                                : dir.getFileName().toString();
        List<JsonNode> steps = new ArrayList<>();
        List<JsonNode> epochs = new ArrayList<>();
        List<JsonNode> diagnostics = new ArrayList<>();
        List<JsonNode> warnings = new ArrayList<>();
        readMetrics(dir.resolve("metrics.jsonl"), steps, epochs, diagnostics, warnings);
        return new RunData(
                dir,
                name,
                List.copyOf(names),
                tasks,
                summary,
                readConfig(dir.resolve("config.yaml")),
                steps,
                epochs,
                diagnostics,
                warnings);
    }

    private static void readMetrics(
            Path file,
            List<JsonNode> steps,
            List<JsonNode> epochs,
            List<JsonNode> diagnostics,
            List<JsonNode> warnings) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = Json.mapper().readTree(line);
                } catch (IOException e) {
                    // the last line of a run killed mid-write may be cut; anything else is damage
                    if (r.readLine() == null) {
                        break;
                    }
                    throw new Mtl4jException(
                            file + " line " + n + ": not a JSON record; the file is damaged", e);
                }
                switch (node.path("type").asText()) {
                    case "step" -> steps.add(node);
                    case "epoch" -> epochs.add(node);
                    case "diagnostics" -> diagnostics.add(node);
                    case "warning" -> warnings.add(node);
                    default -> {} // records of later versions are skipped
                }
            }
        } catch (NoSuchFileException e) {
            // a run that has not logged yet: no curves
        } catch (IOException e) {
            throw new Mtl4jException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readConfig(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            Object o =
                    new Yaml(new SafeConstructor(new LoaderOptions()))
                            .load(Files.readString(file, StandardCharsets.UTF_8));
            return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        } catch (IOException | RuntimeException e) {
            throw new Mtl4jException(file + ": cannot be read as YAML (" + e.getMessage() + ")", e);
        }
    }

    /** A value of the config by dotted path ({@code balancer.method}), or null. */
    Object configValue(String path) {
        Object o = config;
        for (String part : path.split("\\.")) {
            if (!(o instanceof Map<?, ?> m)) {
                return null;
            }
            o = m.get(part);
        }
        return o;
    }

    String balancerLabel() {
        Object method = configValue("balancer.method");
        if (method == null && summary != null && summary.hasNonNull("balancer")) {
            method = summary.get("balancer").asText();
        }
        Object mode = configValue("balancer.mode");
        return (method == null ? "?" : method.toString()) + (mode == null ? "" : "/" + mode);
    }

    /** The config without what varies between replicates of one setting (name, seed, threads…). */
    @SuppressWarnings("unchecked")
    Map<String, Object> settingKey() {
        Map<String, Object> key = new LinkedHashMap<>(config);
        key.remove("name");
        key.remove("seed");
        key.remove("threads");
        // written as {type: hps} by later versions, absent before: the same setting
        if (key.get("model") instanceof Map<?, ?> mo
                && mo.get("architecture") instanceof Map<?, ?> a
                && "hps".equals(a.get("type"))
                && a.size() == 1) {
            Map<String, Object> model = new LinkedHashMap<>((Map<String, Object>) mo);
            model.remove("architecture");
            key.put("model", model);
        }
        if (key.get("trainer") instanceof Map<?, ?> t) {
            Map<String, Object> tr = new LinkedHashMap<>((Map<String, Object>) t);
            tr.remove("log_every");
            tr.remove("diagnose_every");
            tr.remove("checkpoint_every");
            key.put("trainer", tr);
        }
        if (key.get("data") instanceof Map<?, ?> d
                && d.get("images") instanceof Map<?, ?> im
                && im.containsKey("cache")) {
            Map<String, Object> data = new LinkedHashMap<>((Map<String, Object>) d);
            Map<String, Object> images = new LinkedHashMap<>((Map<String, Object>) im);
            images.remove("cache");
            data.put("images", images);
            key.put("data", data);
        }
        return key;
    }

    /** Final metrics of a task ({@code summary.json}), or an empty map. */
    Map<String, Double> finalMetrics(String task) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (summary != null) {
            summary.path("metrics")
                    .path(task)
                    .fields()
                    .forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble(Double.NaN)));
        }
        return m;
    }

    /** The metric that stands for a task in tables: its first Δm metric, else its first. */
    String mainMetric(String task) {
        if (tasks != null) {
            for (Task t : tasks) {
                if (t.name().equals(task)) {
                    return t.deltaMetrics().isEmpty()
                            ? t.metrics().get(0)
                            : t.deltaMetrics().get(0);
                }
            }
        }
        for (JsonNode e : epochs) {
            var it = e.path("validation").path(task).fieldNames();
            if (it.hasNext()) {
                return it.next();
            }
        }
        return "loss";
    }
}
