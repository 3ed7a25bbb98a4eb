package org.mtl4j.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.Mtl4jException;
import org.mtl4j.balance.BalancerRegistry;
import org.mtl4j.config.DataConfig;
import org.mtl4j.config.ExperimentConfig;
import org.mtl4j.config.ModelConfig;
import org.mtl4j.config.Options;
import org.mtl4j.config.TaskConfig;
import org.mtl4j.data.SyntheticMmoe;
import org.mtl4j.model.EncoderSpec;
import org.mtl4j.model.MlpSpec;
import org.mtl4j.task.Task;
import org.mtl4j.train.OptimizerSpec;
import org.mtl4j.train.TrainerSpec;

/** Fluent construction of an {@link Experiment} from Java; the same checks as a YAML config. */
public final class ExperimentBuilder {
    private org.mtl4j.model.Architecture architecture =
            new org.mtl4j.model.Architecture.HardSharing();
    private final String name;
    private long seed = 42;
    private int threads;
    private DataConfig data;
    private final List<TaskConfig> tasks = new ArrayList<>();
    private EncoderSpec encoder = ModelConfig.defaults().encoder();
    private MlpSpec head = ModelConfig.defaults().head();
    private int embeddingDim = ModelConfig.defaults().embeddingDim();
    private String balancer = "ew";
    private Map<String, Object> balancerOptions = new LinkedHashMap<>();
    private TrainerSpec trainer = TrainerSpec.defaults(20, 128, 1e-3);

    ExperimentBuilder(String name) {
        this.name = name;
    }

    public ExperimentBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Engine intra-op threads (0 = one per core). */
    public ExperimentBuilder threads(int threads) {
        this.threads = threads;
        return this;
    }

    /** Synthetic data (Ma et al. 2018), 10 % validation and 10 % test rows. */
    public ExperimentBuilder syntheticData(SyntheticMmoe.Spec spec) {
        return syntheticData(spec, 0.1, 0.1);
    }

    public ExperimentBuilder syntheticData(
            SyntheticMmoe.Spec spec, double validation, double test) {
        this.data = new DataConfig.Synthetic(spec, validation, test);
        return this;
    }

    /** One CSV file labelling all tasks; validation and test split off by the given fractions. */
    public ExperimentBuilder csvData(
            Path train,
            List<String> numeric,
            List<String> categorical,
            double validation,
            double test) {
        this.data = new DataConfig.Csv(train, null, null, validation, test, numeric, categorical);
        return this;
    }

    /** Any data configuration. */
    public ExperimentBuilder data(DataConfig data) {
        this.data = data;
        return this;
    }

    /** A task whose labels are in the given CSV columns (none for synthetic data). */
    public ExperimentBuilder task(Task task, String... labelColumns) {
        tasks.add(new TaskConfig(task, List.of(labelColumns), List.of(), null, null, null));
        return this;
    }

    /** A task described in full (own files, class names). */
    public ExperimentBuilder task(TaskConfig task) {
        tasks.add(task);
        return this;
    }

    /**
     * The shared encoder: an {@link MlpSpec}, {@link org.mtl4j.model.LeNetSpec} or {@link
     * org.mtl4j.model.ResNetSpec}.
     */
    public ExperimentBuilder encoder(EncoderSpec encoder) {
        this.encoder = encoder;
        return this;
    }

    /**
     * How shared and task-specific parts are laid out: {@link
     * org.mtl4j.model.Architecture.HardSharing} (the default) or {@link
     * org.mtl4j.model.Architecture.Mmoe}.
     */
    public ExperimentBuilder architecture(org.mtl4j.model.Architecture architecture) {
        this.architecture = architecture;
        return this;
    }

    public ExperimentBuilder head(MlpSpec head) {
        this.head = head;
        return this;
    }

    public ExperimentBuilder embeddingDim(int dim) {
        this.embeddingDim = dim;
        return this;
    }

    /** A balancing method by name with its default hyper-parameters. */
    public ExperimentBuilder balancer(String method) {
        return balancer(method, Map.of());
    }

    public ExperimentBuilder balancer(String method, Map<String, Object> options) {
        this.balancer = method;
        this.balancerOptions = new LinkedHashMap<>(options);
        return this;
    }

    public ExperimentBuilder trainer(TrainerSpec trainer) {
        this.trainer = trainer;
        return this;
    }

    public ExperimentBuilder epochs(int epochs) {
        trainer = checked(() -> trainer.withEpochs(epochs));
        return this;
    }

    /** Adam at the given learning rate, keeping the other trainer settings. */
    public ExperimentBuilder learningRate(double lr) {
        trainer = checked(() -> trainer.withOptimizer(OptimizerSpec.adam(lr)));
        return this;
    }

    public ExperimentBuilder batchSize(int batchSize) {
        trainer = checked(() -> trainer.withBatchSize(batchSize));
        return this;
    }

    private <T> T checked(java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (IllegalArgumentException e) {
            throw new Mtl4jException("experiment \"" + name + "\": " + e.getMessage(), e);
        }
    }

    /** Validates everything (including the balancer's options) and builds the experiment. */
    public Experiment build() {
        if (data == null) {
            throw new Mtl4jException(
                    "experiment \""
                            + name
                            + "\": no data; call syntheticData(...) or csvData(...)");
        }
        if (tasks.isEmpty()) {
            throw new Mtl4jException("experiment \"" + name + "\": no task; call task(...)");
        }
        try {
            ExperimentConfig c =
                    new ExperimentConfig(
                            name,
                            seed,
                            data,
                            tasks,
                            new ModelConfig(encoder, head, embeddingDim, architecture),
                            balancer,
                            balancerOptions,
                            trainer,
                            threads);
            BalancerRegistry.create(
                            balancer, Options.of("balancer", new LinkedHashMap<>(balancerOptions)))
                    .init(tasks.size(), seed);
            return new Experiment(c);
        } catch (IllegalArgumentException e) {
            throw new Mtl4jException("experiment \"" + name + "\": " + e.getMessage(), e);
        }
    }
}
