package org.mtl4j.balance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.mtl4j.Mtl4jException;
import org.mtl4j.config.Options;

/**
 * Every balancing method by name. Adding a method is one class plus one {@code register} line
 * below.
 */
public final class BalancerRegistry {

    /**
     * One method: its name, a one-line description, its hyper-parameters, the gradient modes it
     * supports, and a factory reading its options.
     */
    public record Entry(
            String name,
            String description,
            String hyperParameters,
            String modes,
            Function<Options, Balancer> factory) {}

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        register(
                "ew",
                "equal weights: the plain sum of task losses",
                "-",
                "loss",
                o -> new EqualWeighting());
        register(
                "fixed",
                "user-given static weights",
                "weights: [w_1, ..., w_T] (required)",
                "loss",
                o -> {
                    List<Double> w = o.getDoubleList("weights");
                    if (w == null) {
                        throw new Mtl4jException(
                                o.where()
                                        + ": method fixed needs weights: [w_1, ..., w_T], one per task");
                    }
                    return new FixedWeighting(
                            w.stream().mapToDouble(Double::doubleValue).toArray());
                });
        register(
                "uw",
                "uncertainty weighting, learned log-variances (Kendall et al. 2018)",
                "-",
                "loss",
                o -> new UncertaintyWeighting());
        register(
                "dwa",
                "dynamic weight average from epoch loss ratios (Liu et al. 2019)",
                "temperature (2.0)",
                "loss",
                o -> new DynamicWeightAverage(o.getDouble("temperature", 2.0)));
        register(
                "rlw",
                "random loss weighting, softmax of Gaussian draws each step (Lin et al. 2022)",
                "-",
                "loss",
                o -> new RandomLossWeighting());
        register(
                "pcgrad",
                "project away conflicting gradient components (Yu et al. 2020)",
                "mode (parameters)",
                "parameters, representation",
                o -> new PcGrad(mode(o)));
        register(
                "mgda",
                "min-norm point of the task gradients' convex hull (Sener & Koltun 2018)",
                "mode (parameters; representation = MGDA-UB), normalization (none|l2|loss|loss+)",
                "parameters, representation",
                o -> {
                    String n = o.getString("normalization", "none");
                    Mgda.Normalization norm = Mgda.Normalization.parse(n);
                    if (norm == null) {
                        throw new Mtl4jException(
                                o.at("normalization")
                                        + ": unknown \""
                                        + n
                                        + "\"; use none, l2, loss or loss+");
                    }
                    return new Mgda(mode(o), norm);
                });
    }

    private BalancerRegistry() {}

    private static void register(
            String name,
            String description,
            String params,
            String modes,
            Function<Options, Balancer> f) {
        ENTRIES.put(name, new Entry(name, description, params, modes, f));
    }

    private static GradientMode mode(Options o) {
        String m = o.getString("mode", "parameters");
        GradientMode mode = GradientMode.parse(m);
        if (mode == null) {
            throw new Mtl4jException(
                    o.at("mode")
                            + ": unknown gradient mode \""
                            + m
                            + "\"; use parameters or representation");
        }
        return mode;
    }

    /** All methods, in registration order. */
    public static List<Entry> entries() {
        return new ArrayList<>(ENTRIES.values());
    }

    /**
     * Creates a method from its name and options; unknown names and options are errors that list
     * what is accepted.
     */
    public static Balancer create(String name, Options options) {
        Entry e = ENTRIES.get(name.toLowerCase(Locale.ROOT));
        if (e == null) {
            throw new Mtl4jException(
                    options.where()
                            + ": unknown balancing method \""
                            + name
                            + "\"; known: "
                            + ENTRIES.keySet());
        }
        Balancer b;
        try {
            b = e.factory().apply(options);
        } catch (IllegalArgumentException ex) {
            throw new Mtl4jException(options.where() + ": " + ex.getMessage(), ex);
        }
        options.finish();
        return b;
    }
}
