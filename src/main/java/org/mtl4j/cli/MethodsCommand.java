package org.mtl4j.cli;

import java.util.concurrent.Callable;
import org.mtl4j.balance.BalancerRegistry;
import picocli.CommandLine.Command;

/** Lists the balancing methods, loss weightings first, then gradient methods. */
@Command(
        name = "methods",
        mixinStandardHelpOptions = true,
        description = "List the loss-weighting and gradient-balancing methods.")
final class MethodsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        StringBuilder b = new StringBuilder();
        b.append("Loss weightings (weight the task losses; one backward pass per step):\n\n");
        for (BalancerRegistry.Entry e : BalancerRegistry.entries()) {
            if (e.modes().equals("loss")) {
                entry(b, e, false);
            }
        }
        b.append(
                "\nGradient methods (combine per-task gradients of the shared parameters, or of"
                        + " the\nshared representation: heads backward T times, encoder once):\n\n");
        for (BalancerRegistry.Entry e : BalancerRegistry.entries()) {
            if (!e.modes().equals("loss")) {
                entry(b, e, true);
            }
        }
        b.append(
                "\nUse in a config as  balancer: NAME  or  balancer: {method: NAME, option:"
                        + " value}.\n");
        b.append(DIFFERENCES);
        System.out.print(b);
        return 0;
    }

    /**
     * Where mtl4j differs on purpose from LibMTL (Lin and Zhang, JMLR 2023), the usual yardstick.
     */
    static final String DIFFERENCES =
            """

            Differences from LibMTL, on purpose:
              - Task heads get the plain gradient of their own task's loss under every gradient
                method. LibMTL back-propagates the weighted loss for nash_mtl, fairgrad and
                excess_mtl, so there a head gets weight x its task's gradient and a task's weight
                also sets its head's learning rate (its mgda and gradnorm, like mtl4j, leave the
                heads their plain gradients).
              - No combined IMTL: imtl_l (loss scales) and imtl_g (gradient weights) are separate
                methods; LibMTL's IMTL applies both at once.
              - DSelect-k (architecture dselect_k) without the paper's entropy regulariser.
              - MTAN (architecture mtan) with simplified attention: each mask reads the block's
                output through 1x1 maps, where the paper reads an intermediate feature of the
                block and adapts it with a 3x3 convolution.
            See docs/config.md (balancer) for details.
            """;

    private static void entry(StringBuilder b, BalancerRegistry.Entry e, boolean modes) {
        b.append(String.format("  %-12s %s%n", e.name(), e.description()));
        String detail = "options: " + e.hyperParameters();
        if (modes) {
            detail = "modes: " + e.modes() + "; " + detail;
        }
        b.append(String.format("  %-12s %s%n", "", detail));
    }
}
