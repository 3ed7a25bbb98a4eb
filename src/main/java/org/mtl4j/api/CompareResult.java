package org.mtl4j.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mtl4j.eval.DeltaM;

/** A multi-task run, one single-task run per task, and Δm between them. */
public record CompareResult(
        RunResult multiTask,
        Map<String, RunResult> singleTask,
        DeltaM.Result deltaM,
        List<String> taskNames,
        Path dir) {}
