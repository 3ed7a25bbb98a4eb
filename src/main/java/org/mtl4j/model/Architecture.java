package org.mtl4j.model;

import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the shared and the task-specific parts of a model are laid out. Every architecture splits the
 * model into a shared block, which maps the input features x (B, n) to one shared representation Z
 * (B, width), and one head per task, which maps Z to the task's output. The parameters of the
 * shared block (and of the input layer) are the shared parameters that gradient balancers act on,
 * and Z is the representation of {@code mode: representation}.
 */
public sealed interface Architecture
        permits Architecture.HardSharing,
                Architecture.Mmoe,
                Architecture.Cgc,
                Architecture.CrossStitch,
                Architecture.DselectK,
                Architecture.SoftSharing,
                Architecture.Esmm,
                Architecture.Ple,
                Architecture.Aitm,
                Architecture.Mtan {

    /** Name in configs and model files. */
    String typeName();

    /**
     * The shared block for inputs of width {@code inputWidth} and {@code taskCount} tasks ({@code
     * head} is the towers' layout, for architectures whose shared block holds a tower).
     */
    Block buildShared(EncoderSpec encoder, MlpSpec head, int inputWidth, int taskCount);

    /** Task {@code task}'s head, producing {@code outputWidth} values from the representation. */
    Block buildHead(MlpSpec head, int outputWidth, EncoderSpec encoder, int inputWidth, int task);

    /** Its settings as written in configs and model files (with {@code type}). */
    Map<String, Object> describe();

    /**
     * Checks that the architecture can serve these tasks.
     *
     * @throws IllegalArgumentException naming what does not fit
     */
    default void check(List<org.mtl4j.task.Task> tasks) {}

    /** {@code n} independent copies of the encoder (experts). */
    private static List<Block> copies(EncoderSpec encoder, int n) {
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(encoder.buildEncoder());
        }
        return out;
    }

    /**
     * A term the architecture adds to the training objective for task {@code t} (null for none),
     * from every task's output (null where a task is absent from the batch) and task t's row mask
     * (B) with its number of labelled rows. The trainer back-propagates it with weight 1 beside the
     * balanced task losses; it is not part of task t's loss.
     */
    default ai.djl.ndarray.NDArray extraLoss(
            int t, ai.djl.ndarray.NDArray[] outputs, ai.djl.ndarray.NDArray mask, int observed) {
        return null;
    }

    /**
     * Hard parameter sharing (Caruana, "Multitask Learning", Machine Learning 28, 1997): one shared
     * encoder, Z = encoder(x), and one head per task on Z.
     */
    record HardSharing() implements Architecture {
        @Override
        public String typeName() {
            return "hps";
        }

        @Override
        public Block buildShared(EncoderSpec encoder, MlpSpec head, int inputWidth, int taskCount) {
            return encoder.buildEncoder();
        }

        @Override
        public Block buildHead(
                MlpSpec head, int outputWidth, EncoderSpec encoder, int inputWidth, int task) {
            return head.build(outputWidth);
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("type", typeName());
        }
    }

    /**
     * Multi-gate mixture of experts (MMoE): Ma et al., "Modeling Task Relationships in Multi-task
     * Learning with Multi-gate Mixture-of-Experts", KDD 2018, Eq. 5–6. {@code experts} copies of
     * the encoder (the experts f_i) are shared; each task k has its own gate g^k(x) =
     * softmax(W_gk·x) over the experts and its tower h^k on the mixture Σ_i g^k_i(x)·f_i(x). The
     * shared representation Z is the experts' outputs together with x (the gates' input), so the
     * gates and towers are task-specific parameters and every balancer applies unchanged.
     */
    record Mmoe(int experts) implements Architecture {
        public Mmoe {
            if (experts < 1 || experts > 256) {
                throw new IllegalArgumentException(
                        "mmoe experts must be in [1, 256], got " + experts);
            }
        }

        @Override
        public String typeName() {
            return "mmoe";
        }

        @Override
        public Block buildShared(EncoderSpec encoder, MlpSpec head, int inputWidth, int taskCount) {
            return new MixtureExperts(copies(encoder, experts));
        }

        @Override
        public Block buildHead(
                MlpSpec head, int outputWidth, EncoderSpec encoder, int inputWidth, int task) {
            return new MixtureGateHead(
                    experts, encoder.outputWidth(inputWidth), inputWidth, head.build(outputWidth));
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", typeName());
            m.put("experts", experts);
            return m;
        }
    }

    /**
     * Customized gate control (CGC), the single-level form of progressive layered extraction: Tang
     * et al., "Progressive Layered Extraction (PLE): A Novel Multi-Task Learning (MTL) Model for
     * Personalized Recommendations", RecSys 2020, §4.3.1 (Eq. 2–4). {@code sharedExperts} copies of
     * the encoder are shared; each task also has {@code taskExperts} experts of its own, and its
     * gate (softmax over a linear map of x) mixes its own and the shared experts before its tower.
     * Separating shared and task-specific experts avoids the "seesaw" between tasks that MMoE shows
     * when tasks are weakly related. (Stacked extraction layers, full PLE, are not provided: their
     * upper shared experts read task-specific experts, which would make those experts shared
     * parameters.)
     */
    record Cgc(int sharedExperts, int taskExperts) implements Architecture {
        public Cgc {
            if (sharedExperts < 1 || sharedExperts > 256 || taskExperts < 0 || taskExperts > 256) {
                throw new IllegalArgumentException(
                        "cgc needs shared_experts in [1, 256] and task_experts in [0, 256], got "
                                + sharedExperts
                                + " and "
                                + taskExperts);
            }
        }

        @Override
        public String typeName() {
            return "cgc";
        }

        @Override
        public Block buildShared(EncoderSpec encoder, MlpSpec head, int inputWidth, int taskCount) {
            return new MixtureExperts(copies(encoder, sharedExperts));
        }

        @Override
        public Block buildHead(
                MlpSpec head, int outputWidth, EncoderSpec encoder, int inputWidth, int task) {
            List<Block> own = new ArrayList<>();
            for (int i = 0; i < taskExperts; i++) {
                own.add(encoder.buildEncoder());
            }
            return new MixtureGateHead(
                    sharedExperts,
                    encoder.outputWidth(inputWidth),
                    inputWidth,
                    head.build(outputWidth),
                    own);
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", typeName());
            m.put("shared_experts", sharedExperts);
            m.put("task_experts", taskExperts);
            return m;
        }
    }

    /**
     * Cross-stitch networks: Misra, Shrivastava, Gupta and Hebert, "Cross-stitch Networks for
     * Multi-task Learning", CVPR 2016, Eq. 1. One copy of the encoder per task; after every layer
     * the T copies' activations are mixed by a learnable T×T matrix α (x̃_t = Σ_s α_ts·x_s),
     * initialised to {@code selfWeight} on the diagonal and (1 − selfWeight)/(T − 1) elsewhere, as
     * in the paper's recommended initialisation. The mixing couples the copies, so all of them and
     * the α matrices are shared parameters; task t's head reads the t-th copy's output.
     */
    record CrossStitch(double selfWeight) implements Architecture {
        public CrossStitch {
            if (!(selfWeight > 0 && selfWeight <= 1)) {
                throw new IllegalArgumentException(
                        "cross_stitch self_weight must be in (0, 1], got " + selfWeight);
            }
        }

        @Override
        public String typeName() {
            return "cross_stitch";
        }

        @Override
        public Block buildShared(EncoderSpec encoder, MlpSpec head, int inputWidth, int taskCount) {
            return new CrossStitchBlock(encoder, taskCount, selfWeight, true);
        }

        @Override
        public Block buildHead(
                MlpSpec head, int outputWidth, EncoderSpec encoder, int inputWidth, int task) {
            return new SliceHead(encoder.outputWidth(inputWidth), task, head.build(outputWidth));
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", typeName());
            m.put("self_weight", selfWeight);
            return m;
        }
    }

    /**
     * DSelect-k: Hazimeh et al., "DSelect-k: Differentiable Selection in the Mixture of Experts
     * with Applications to Multi-Task Learning", NeurIPS 2021, §3 (the per-example gate). Like
     * MMoE, but each task's gate selects at most k of the E shared experts: k single-expert
     * selectors, each a product of smooth-steps S_γ over log2(E) binary-coded logits, combined by a
     * softmax. The smooth-step reaches exactly 0 and 1, so trained gates become sparse while
     * staying differentiable. E must be a power of two (the paper's binary encoding; non-powers of
     * two need its masking, not provided). The paper's optional entropy regulariser is not applied.
     */
    record DselectK(int experts, int k, double gamma) implements Architecture {
        public DselectK {
            if (experts < 2 || experts > 256 || Integer.bitCount(experts) != 1) {
                throw new IllegalArgumentException(
                        "dselect_k experts must be a power of two in [2, 256], got " + experts);
            }
            if (k < 1 || k > experts) {
                throw new IllegalArgumentException("dselect_k k must be in [1, experts], got " + k);
            }
            if (!(gamma > 0) || Double.isInfinite(gamma)) {
                throw new IllegalArgumentException("dselect_k gamma must be > 0, got " + gamma);
            }
        }

        @Override
        public String typeName() {
            return "dselect_k";
        }

        @Override
        public Block buildShared(EncoderSpec encoder, MlpSpec head, int inputWidth, int taskCount) {
            return new MixtureExperts(copies(encoder, experts));
        }

        @Override
        public Block buildHead(
                MlpSpec head, int outputWidth, EncoderSpec encoder, int inputWidth, int task) {
            return new DSelectGateHead(
                    experts,
                    k,
                    gamma,
                    encoder.outputWidth(inputWidth),
                    inputWidth,
                    head.build(outputWidth));
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", typeName());
            m.put("experts", experts);
            m.put("k", k);
            m.put("gamma", gamma);
            return m;
        }
    }

    /**
     * Soft parameter sharing: Duong, Cohn, Bird and Cook, "Low Resource Dependency Parsing:
     * Cross-lingual Parameter Sharing in a Neural Network Parser", ACL 2015, §3. Each task has its
     * own copy of the encoder, and the objective adds λ·Σ_{s&lt;t} ‖θ_s − θ_t‖² over corresponding
     * parameters of every pair of copies, pulling them together without tying them. The penalty's
     * gradient, 2λ·T·(θ_t − mean_s θ_s) for copy t, is added to the update of the encoder copies
     * after the balancer has combined the task gradients (it is not a task, so it is not balanced).
     * Only task t's loss reaches copy t, so each copy belongs to its task's head: the shared block
     * passes the input features through, and gradient methods see only the input layer (embeddings)
     * as shared.
     */
    record SoftSharing(double penalty) implements Architecture {
        public SoftSharing {
            if (!(penalty >= 0) || Double.isInfinite(penalty)) {
                throw new IllegalArgumentException(
                        "soft_sharing penalty must be >= 0, got " + penalty);
            }
        }

        @Override
        public String typeName() {
            return "soft_sharing";
        }

        @Override
        public Block buildShared(EncoderSpec encoder, MlpSpec head, int inputWidth, int taskCount) {
            return ai.djl.nn.Blocks.identityBlock();
        }

        @Override
        public Block buildHead(
                MlpSpec head, int outputWidth, EncoderSpec encoder, int inputWidth, int task) {
            return new SoftSharingHead(task, encoder.buildEncoder(), head.build(outputWidth));
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", typeName());
            m.put("penalty", penalty);
            return m;
        }
    }

    /**
     * Entire space multi-task model (ESMM): Ma et al., "Entire Space Multi-Task Model: An Effective
     * Approach for Estimating Post-Click Conversion Rate", SIGIR 2018, Eq. 1–3. Two binary tasks on
     * all impressions, in this order: the click (CTR) and click-and-convert (CTCVR). A shared
     * encoder feeds a CTR tower (logit a) and a CVR tower (logit b); the CTR task predicts σ(a) and
     * the CTCVR task σ(a)·σ(b), so the CVR tower is trained over the entire impression space
     * without ever seeing conversion labels on unclicked items (the sample selection bias ESMM
     * removes). The CTR tower is used by both losses, so it belongs to the shared block (with the
     * encoder); the CVR tower is the CTCVR task's own. pCTCVR ≤ pCTR holds by construction.
     */
    record Esmm() implements Architecture {
        @Override
        public String typeName() {
            return "esmm";
        }

        @Override
        public void check(List<org.mtl4j.task.Task> tasks) {
            if (tasks.size() != 2
                    || !(tasks.get(0).type() instanceof org.mtl4j.task.TaskType.Binary)
                    || !(tasks.get(1).type() instanceof org.mtl4j.task.TaskType.Binary)) {
                throw new IllegalArgumentException(
                        "esmm needs exactly two binary tasks, in order: the click (CTR) and"
                                + " click-and-convert (CTCVR) labels; got "
                                + tasks.stream()
                                        .map(t -> t.name() + " (" + t.type() + ")")
                                        .toList());
            }
        }

        @Override
        public Block buildShared(EncoderSpec encoder, MlpSpec head, int inputWidth, int taskCount) {
            return new EsmmBlocks.Shared(encoder.buildEncoder(), head.build(1));
        }

        @Override
        public Block buildHead(
                MlpSpec head, int outputWidth, EncoderSpec encoder, int inputWidth, int task) {
            int width = encoder.outputWidth(inputWidth);
            return task == 0
                    ? new EsmmBlocks.CtrHead(width)
                    : new EsmmBlocks.CtcvrHead(width, head.build(1));
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("type", typeName());
        }
    }

    /**
     * Progressive layered extraction (PLE): Tang et al., "Progressive Layered Extraction (PLE): A
     * Novel Multi-Task Learning (MTL) Model for Personalized Recommendations", RecSys 2020, §4.3.2.
     * {@code levels} stacked extraction layers, each with {@code sharedExperts} shared and {@code
     * taskExperts} per-task experts and gates; a task's gate mixes its own and the shared experts,
     * the shared gate of a lower layer mixes all experts into the next layer's shared input. The
     * first layer's experts are copies of the encoder; higher layers' experts are one-layer MLPs (D
     * → D, ReLU) on the layer below's outputs. One level is exactly {@link Cgc}.
     *
     * <p>In the split into shared block and heads, the top layer's task experts and gates are task
     * parameters; the lower layers' task experts and gates feed the shared gate, so every task's
     * loss reaches them and they are shared parameters (the balancer treats them so).
     */
    record Ple(int levels, int sharedExperts, int taskExperts) implements Architecture {
        public Ple {
            if (levels < 1 || levels > 8) {
                throw new IllegalArgumentException("ple levels must be in [1, 8], got " + levels);
            }
            if (sharedExperts < 1 || sharedExperts > 256 || taskExperts < 1 || taskExperts > 256) {
                throw new IllegalArgumentException(
                        "ple needs shared_experts and task_experts in [1, 256], got "
                                + sharedExperts
                                + " and "
                                + taskExperts);
            }
        }

        @Override
        public String typeName() {
            return "ple";
        }

        @Override
        public Block buildShared(EncoderSpec encoder, MlpSpec head, int inputWidth, int taskCount) {
            int width = encoder.outputWidth(inputWidth);
            return new PleShared(
                    taskCount,
                    levels,
                    sharedExperts,
                    taskExperts,
                    width,
                    inputWidth,
                    encoder::buildEncoder,
                    () -> MlpSpec.of(width).buildEncoder());
        }

        @Override
        public Block buildHead(
                MlpSpec head, int outputWidth, EncoderSpec encoder, int inputWidth, int task) {
            int width = encoder.outputWidth(inputWidth);
            int top = levels == 1 ? inputWidth : width;
            List<Block> own = new ArrayList<>();
            for (int i = 0; i < taskExperts; i++) {
                own.add(levels == 1 ? encoder.buildEncoder() : MlpSpec.of(width).buildEncoder());
            }
            return new MixtureGateHead(
                    sharedExperts,
                    width,
                    (long) sharedExperts * width + (long) task * top,
                    top,
                    head.build(outputWidth),
                    own);
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", typeName());
            m.put("levels", levels);
            m.put("shared_experts", sharedExperts);
            m.put("task_experts", taskExperts);
            return m;
        }
    }

    /**
     * Adaptive information transfer multi-task (AITM): Xi et al., "Modeling the Sequential
     * Dependence among Audience Multi-step Conversions with Multi-task Learning in Targeted Display
     * Advertising", KDD 2021. Binary tasks in funnel order (e.g. click, then purchase): each task
     * has a tower q_t over the shared encoder; from the second step on, an attention unit mixes the
     * tower's output with information transferred from the previous step, p_{t−1} =
     * transfer(z_{t−1}), into z_t, on which the task's head predicts. Because each step reads the
     * previous ones, towers, transfers and attention units are shared parameters; the heads are the
     * task parameters. The behavioural calibrator of the paper (Eq. 6) is added to the training
     * objective for each later step: {@code calibration}·Σ max(ŷ_t − ŷ_{t−1}, 0) over the step's
     * labelled rows, so a later conversion is not predicted likelier than the step before it. As in
     * the authors' code it is a <em>sum</em> over the batch beside the steps' mean cross-entropies,
     * so the published weight (0.6) means what it meant there; a mean would make it B times weaker
     * for a batch of B rows. The term is added to the back-propagated objective with weight 1,
     * outside every task's loss: a loss-based balancer neither scales it nor sees it in the task
     * loss it balances, and a gradient method does not mix its gradient into a task's.
     */
    record Aitm(double calibration) implements Architecture {
        public Aitm {
            if (!(calibration >= 0) || Double.isInfinite(calibration)) {
                throw new IllegalArgumentException(
                        "aitm calibration must be >= 0, got " + calibration);
            }
        }

        @Override
        public String typeName() {
            return "aitm";
        }

        @Override
        public void check(List<org.mtl4j.task.Task> tasks) {
            if (tasks.size() < 2
                    || tasks.stream()
                            .anyMatch(t -> !(t.type() instanceof org.mtl4j.task.TaskType.Binary))) {
                throw new IllegalArgumentException(
                        "aitm needs two or more binary tasks in funnel order (e.g. click, then"
                                + " purchase); got "
                                + tasks.stream()
                                        .map(t -> t.name() + " (" + t.type() + ")")
                                        .toList());
            }
        }

        @Override
        public Block buildShared(EncoderSpec encoder, MlpSpec head, int inputWidth, int taskCount) {
            return new AitmShared(
                    encoder.buildEncoder(), taskCount, encoder.outputWidth(inputWidth));
        }

        @Override
        public Block buildHead(
                MlpSpec head, int outputWidth, EncoderSpec encoder, int inputWidth, int task) {
            return new SliceHead(encoder.outputWidth(inputWidth), task, head.build(outputWidth));
        }

        @Override
        public ai.djl.ndarray.NDArray extraLoss(
                int t,
                ai.djl.ndarray.NDArray[] outputs,
                ai.djl.ndarray.NDArray mask,
                int observed) {
            if (t == 0 || calibration == 0 || outputs[t] == null || outputs[t - 1] == null) {
                return null;
            }
            ai.djl.ndarray.NDArray now = ai.djl.nn.Activation.sigmoid(outputs[t]).reshape(-1);
            ai.djl.ndarray.NDArray before =
                    ai.djl.nn.Activation.sigmoid(outputs[t - 1]).reshape(-1);
            ai.djl.ndarray.NDArray excess =
                    now.sub(before).maximum(org.mtl4j.train.Scalars.of(now, 0));
            return excess.mul(mask).sum().mul(org.mtl4j.train.Scalars.of(now, calibration));
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", typeName());
            m.put("calibration", calibration);
            return m;
        }
    }

    /**
     * Multi-task attention network (MTAN): Liu, Johns and Davison, "End-to-End Multi-Task Learning
     * with Attention", CVPR 2019, §3.1. The shared encoder's output after each of its layers
     * ({@link EncoderSpec#layerEnds}) is a shared feature h_j; each task has a chain of soft
     * attention modules, a_j = σ(W2·ReLU(W1·[h_j ; adapt_j(g_{j−1})])) with task feature g_j = a_j
     * ⊙ h_j, and its tower reads the last g_K. On feature maps W1, W2 and adapt are 1×1
     * convolutions (adapt also average-pools to the next layer's resolution), on vectors linear
     * maps. Deviation: the paper's attention reads an intermediate feature of each block and its
     * adapt step is a 3×3 convolution; here both use the block's output and 1×1 maps, so the design
     * applies to any encoder. The shared representation Z is every h_j, flattened.
     */
    record Mtan() implements Architecture {
        @Override
        public String typeName() {
            return "mtan";
        }

        @Override
        public Block buildShared(EncoderSpec encoder, MlpSpec head, int inputWidth, int taskCount) {
            return new MtanBlocks.Shared(encoder);
        }

        @Override
        public Block buildHead(
                MlpSpec head, int outputWidth, EncoderSpec encoder, int inputWidth, int task) {
            return new MtanBlocks.Head(
                    MtanBlocks.layerShapes(encoder, inputWidth), head.build(outputWidth));
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("type", typeName());
        }
    }
}
