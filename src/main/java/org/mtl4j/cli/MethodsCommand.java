package org.mtl4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mtl4j.balance.BalancerRegistry;
import picocli.CommandLine.Command;

/** Lists the balancing methods. */
@Command(
        name = "methods",
        mixinStandardHelpOptions = true,
        description = "List the loss-weighting and gradient-balancing methods.")
final class MethodsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"method", "modes", "hyper-parameters (default)", "description"});
        for (BalancerRegistry.Entry e : BalancerRegistry.entries()) {
            rows.add(new String[] {e.name(), e.modes(), e.hyperParameters(), e.description()});
        }
        System.out.print(Tables.render(rows, 4));
        System.out.println(
                "\nUse in a config as  balancer: NAME  or  balancer: {method: NAME, option: value}.");
        return 0;
    }
}
