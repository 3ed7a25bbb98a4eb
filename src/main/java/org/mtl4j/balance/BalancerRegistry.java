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
        register(
                "gls",
                "geometric mean of the task losses (Chennupati et al. 2019)",
                "-",
                "loss",
                o -> new GeometricLossStrategy());
        register(
                "imtl_l",
                "IMTL-L: learned loss scales e^s_t with objective e^s_t*L_t - s_t (Liu et al. 2021)",
                "-",
                "loss",
                o -> new ImpartialLossWeighting());
        register(
                "stch",
                "smooth Tchebycheff scalarisation of the log-losses (Lin et al. 2024)",
                "mu (1.0), warmup_epochs (4), reference (warmup_mean: mean loss over the warm-up"
                        + " epochs, the paper; last_warmup_epoch: the authors' code)",
                "loss",
                o -> {
                    double mu = o.getDouble("mu", 1.0);
                    int warmup = o.getInt("warmup_epochs", 4);
                    String r = o.getString("reference", "warmup_mean");
                    SmoothTchebycheff.Reference ref = SmoothTchebycheff.Reference.parse(r);
                    if (ref == null) {
                        throw new Mtl4jException(
                                o.at("reference")
                                        + ": unknown reference \""
                                        + r
                                        + "\"; use warmup_mean or last_warmup_epoch");
                    }
                    return new SmoothTchebycheff(mu, warmup, ref);
                });
        register(
                "famo",
                "FAMO: weights adapted so all losses fall at the same rate (Liu et al. 2023)",
                "lr (0.025), decay (0.001)",
                "loss",
                o -> new Famo(o.getDouble("lr", 0.025), o.getDouble("decay", 0.001)));
        register(
                "gradnorm",
                "GradNorm: learned weights equalising gradient norms by training rate (Chen et"
                        + " al. 2018)",
                "mode (parameters), alpha (1.5), lr (0.01)",
                "parameters, representation",
                o -> new GradNorm(mode(o), o.getDouble("alpha", 1.5), o.getDouble("lr", 0.01)));
        register(
                "graddrop",
                "GradDrop: per-element gradient sign dropout by sign purity (Chen et al. 2020)",
                "mode (representation), leak (0.0)",
                "parameters, representation",
                o -> new GradDrop(mode(o, "representation"), o.getDouble("leak", 0.0)));
        register(
                "moco",
                "MoCo: tracked gradients and a projected min-norm weight step (Fernando et al."
                        + " 2023)",
                "beta (0.5), beta_sigma (0.5), gamma (0.1), gamma_sigma (0.5), rho (0.0)",
                "parameters",
                o -> {
                    parametersOnly(o, "moco", "its tracked gradients");
                    return new MoCo(
                            o.getDouble("beta", 0.5),
                            o.getDouble("beta_sigma", 0.5),
                            o.getDouble("gamma", 0.1),
                            o.getDouble("gamma_sigma", 0.5),
                            o.getDouble("rho", 0.0));
                });
        register(
                "db_mtl",
                "DB-MTL: log-loss gradients averaged and scaled to the largest norm (Lin et al."
                        + " 2023)",
                "beta (0.9), sigma (0.0)",
                "parameters",
                o -> {
                    parametersOnly(o, "db_mtl", "its moving averages of the gradients");
                    return new DualBalancing(o.getDouble("beta", 0.9), o.getDouble("sigma", 0.0));
                });
        register(
                "excess_mtl",
                "ExcessMTL: weights by estimated excess risk, robust to label noise (He et al."
                        + " 2024)",
                "step_size (0.01)",
                "parameters",
                o -> {
                    parametersOnly(o, "excess_mtl", "its accumulated squared gradients");
                    return new ExcessRisk(o.getDouble("step_size", 0.01));
                });
        register(
                "upgrad",
                "UPGrad: mean of the gradients projected onto their dual cone (Quinton & Rey"
                        + " 2024)",
                "mode (parameters)",
                "parameters, representation",
                o -> new UpGrad(mode(o)));
        register(
                "dualproj",
                "DualProj: the mean gradient projected onto the dual cone (Quinton & Rey 2024)",
                "mode (parameters)",
                "parameters, representation",
                o -> new DualProj(mode(o)));
        register(
                "nash_mtl",
                "Nash-MTL: Nash bargaining solution of the task gradients (Navon et al. 2022)",
                "mode (parameters), update_every (1), max_norm (1.0; 0 = no cap)",
                "parameters, representation",
                o ->
                        new NashMtl(
                                mode(o),
                                o.getInt("update_every", 1),
                                o.getDouble("max_norm", 1.0)));
        register(
                "fairgrad",
                "FairGrad: alpha-fair allocation of the shared improvement (Ban & Ji 2024)",
                "mode (parameters), alpha (1.0), max_norm (1.0; 0 = no cap)",
                "parameters, representation",
                o ->
                        new FairGrad(
                                mode(o), o.getDouble("alpha", 1.0), o.getDouble("max_norm", 1.0)));
        register(
                "gradvac",
                "GradVac: steer pairwise gradient cosines to running targets (Wang et al. 2021)",
                "mode (parameters), beta (0.01), group (whole; layer: one target per layer of"
                        + " the shared parameters, parameters mode)",
                "parameters, representation",
                o -> {
                    GradientMode mode = mode(o);
                    double beta = o.getDouble("beta", 0.01);
                    String group = o.getString("group", "whole");
                    if (!group.equals("whole") && !group.equals("layer")) {
                        throw new Mtl4jException(
                                o.at("group")
                                        + ": unknown group \""
                                        + group
                                        + "\"; use whole or layer");
                    }
                    return new GradVac(mode, beta, group.equals("layer"));
                });
        register(
                "imtl_g",
                "IMTL-G: update with equal projections on every unit task gradient (Liu et al."
                        + " 2021)",
                "mode (parameters)",
                "parameters, representation",
                o -> new ImtlG(mode(o)));
        register(
                "cagrad",
                "CAGrad: best worst-task improvement near the mean gradient (Liu et al. 2021)",
                "mode (parameters), c (0.4), rescale (1; 0: none, 1: 1/(1+c^2), 2: 1/(1+c))",
                "parameters, representation",
                o -> {
                    int r = o.getInt("rescale", 1);
                    if (r < 0 || r > 2) {
                        throw new Mtl4jException(
                                o.at("rescale")
                                        + ": use 0 (none), 1 (divide by 1+c^2) or 2 (divide by"
                                        + " 1+c), got "
                                        + r);
                    }
                    return new CaGrad(
                            mode(o),
                            o.getDouble("c", 0.4),
                            org.mtl4j.balance.solver.CaGradSolver.Rescale.values()[r]);
                });
        register(
                "aligned_mtl",
                "Aligned-MTL: gradients aligned to an orthogonal, equal-norm system"
                        + " (Senushkin et al. 2023)",
                "mode (parameters), scale (min | median | rmse)",
                "parameters, representation",
                o -> {
                    String sc = o.getString("scale", "min");
                    org.mtl4j.balance.solver.AlignedMtlSolver.Scale scale;
                    switch (sc.toLowerCase(Locale.ROOT)) {
                        case "min":
                            scale = org.mtl4j.balance.solver.AlignedMtlSolver.Scale.MIN;
                            break;
                        case "median":
                            scale = org.mtl4j.balance.solver.AlignedMtlSolver.Scale.MEDIAN;
                            break;
                        case "rmse":
                            scale = org.mtl4j.balance.solver.AlignedMtlSolver.Scale.RMSE;
                            break;
                        default:
                            throw new Mtl4jException(
                                    o.at("scale")
                                            + ": unknown \""
                                            + sc
                                            + "\"; use min, median or rmse");
                    }
                    return new AlignedMtl(mode(o), scale);
                });
        register(
                "config",
                "ConFIG: equal-cosine conflict-free direction (Liu et al. 2024)",
                "mode (parameters)",
                "parameters, representation",
                o -> new ConFig(mode(o)));
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

    /**
     * Rejects {@code mode: representation} for a method whose state must live in one vector space
     * across steps.
     */
    private static void parametersOnly(Options o, String method, String state) {
        if (o.has("mode") && mode(o) != GradientMode.PARAMETERS) {
            throw new Mtl4jException(
                    o.at("mode")
                            + ": "
                            + method
                            + " works only on the shared parameters' gradients: "
                            + state
                            + " must stay in one vector space across steps, and representation"
                            + " gradients belong to different batch rows at every step; remove"
                            + " mode or set mode: parameters");
        }
    }

    private static GradientMode mode(Options o) {
        return mode(o, "parameters");
    }

    private static GradientMode mode(Options o, String dflt) {
        String m = o.getString("mode", dflt);
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
