package org.mtl4j.cli;

import org.mtl4j.config.ExperimentConfig;

/** Small helpers shared by commands. */
final class Cli {
    private Cli() {}

    /** The config with the command line's --threads applied. */
    static ExperimentConfig withThreads(ExperimentConfig c, Main.Common common) {
        if (common.threads == null) {
            return c;
        }
        return new ExperimentConfig(
                c.name(),
                c.seed(),
                c.data(),
                c.tasks(),
                c.model(),
                c.balancer(),
                c.balancerOptions(),
                c.trainer(),
                common.threads());
    }
}
