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
public sealed interface Architecture permits Architecture.HardSharing, Architecture.Mmoe {

    /** Name in configs and model files. */
    String typeName();

    /** The shared block for inputs of width {@code inputWidth}. */
    Block buildShared(EncoderSpec encoder, int inputWidth);

    /** Task head producing {@code outputWidth} values from the shared representation. */
    Block buildHead(MlpSpec head, int outputWidth, EncoderSpec encoder, int inputWidth);

    /** Its settings as written in configs and model files (with {@code type}). */
    Map<String, Object> describe();

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
        public Block buildShared(EncoderSpec encoder, int inputWidth) {
            return encoder.buildEncoder();
        }

        @Override
        public Block buildHead(MlpSpec head, int outputWidth, EncoderSpec encoder, int inputWidth) {
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
        public Block buildShared(EncoderSpec encoder, int inputWidth) {
            List<Block> blocks = new ArrayList<>();
            for (int i = 0; i < experts; i++) {
                blocks.add(encoder.buildEncoder());
            }
            return new MixtureExperts(blocks);
        }

        @Override
        public Block buildHead(MlpSpec head, int outputWidth, EncoderSpec encoder, int inputWidth) {
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
}
