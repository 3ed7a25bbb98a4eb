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
        System.out.print(b);
        return 0;
    }

    private static void entry(StringBuilder b, BalancerRegistry.Entry e, boolean modes) {
        b.append(String.format("  %-12s %s%n", e.name(), e.description()));
        String detail = "options: " + e.hyperParameters();
        if (modes) {
            detail = "modes: " + e.modes() + "; " + detail;
        }
        b.append(String.format("  %-12s %s%n", "", detail));
    }
}
