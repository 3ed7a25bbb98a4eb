package org.mtl4j.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mtl4j.train.TrainerSpec;

/**
 * A whole experiment, validated: what the YAML config describes and what the Java API builds.
 *
 * @param balancer balancing method name (see {@code mtl4j methods})
 * @param balancerOptions its hyper-parameters
 * @param threads engine intra-op threads, 0 = engine default
 */
public record ExperimentConfig(
        String name,
        long seed,
        DataConfig data,
        List<TaskConfig> tasks,
        ModelConfig model,
        String balancer,
        Map<String, Object> balancerOptions,
        TrainerSpec trainer,
        int threads) {

    public ExperimentConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(balancer, "balancer");
        Objects.requireNonNull(trainer, "trainer");
        tasks = List.copyOf(tasks);
        balancerOptions = Map.copyOf(balancerOptions);
        if (threads < 0 || threads > 1024) {
            throw new IllegalArgumentException(
                    "threads must be between 0 (engine default) and 1024, got " + threads);
        }
        if ((model.encoder().usesBatchNorm() || model.head().usesBatchNorm())
                && trainer.batchSize() < 2) {
            throw new IllegalArgumentException(
                    "batch normalisation needs at least 2 rows per batch; raise trainer.batch_size"
                            + " or use norm: layer");
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("an experiment needs at least one task");
        }
        try {
            model.architecture().check(tasks.stream().map(TaskConfig::task).toList());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model.architecture: " + e.getMessage(), e);
        }
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException(
                    "name \"" + name + "\" may contain only letters, digits, '_', '.', '-'");
        }
    }

    /** The same experiment with other tasks, name and balancer (used for single-task baselines). */
    public ExperimentConfig withTasks(
            String newName,
            List<TaskConfig> newTasks,
            String newBalancer,
            Map<String, Object> options) {
        return new ExperimentConfig(
                newName, seed, data, newTasks, model, newBalancer, options, trainer, threads);
    }

    /** The same experiment with other trainer settings. */
    public ExperimentConfig withTrainer(TrainerSpec t) {
        return new ExperimentConfig(
                name, seed, data, tasks, model, balancer, balancerOptions, t, threads);
    }
}
