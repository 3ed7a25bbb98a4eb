package org.mtl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.Mtl4jException;
import org.mtl4j.model.MultiTaskModel;
import org.mtl4j.run.AtomicFiles;

/**
 * Everything a training run needs to continue exactly where it was: the position (epochs done,
 * steps into the current epoch, global step), the running epoch sums, best-epoch bookkeeping and
 * the best parameters so far, the optimiser's moments, the balancer's state and learnable weights,
 * and the counters of the run summary. The model parameters are saved next to it by the caller
 * ({@code model/}). Files: {@code trainer-state.json}, {@code optimizer.bin}, {@code
 * learnables.bin}, {@code best.bin} (when a best epoch exists).
 */
public final class Checkpoint {
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper(); // writes NaN as "NaN"

    private final MultiTaskModel model;
    private final ObjectNode state;
    private final byte[] optimizer;
    private final byte[] learnables;
    private final byte[] best;

    Checkpoint(
            MultiTaskModel model,
            ObjectNode state,
            byte[] optimizer,
            byte[] learnables,
            byte[] best) {
        this.model = model;
        this.state = state;
        this.optimizer = optimizer;
        this.learnables = learnables;
        this.best = best;
    }

    /** The model whose parameters belong in this checkpoint. */
    public MultiTaskModel model() {
        return model;
    }

    /** Global step (steps done) at this checkpoint. */
    public long globalStep() {
        return state.path("global_step").asLong();
    }

    /** Epochs fully done at this checkpoint. */
    public int epochsDone() {
        return state.path("epochs_done").asInt();
    }

    /** Writes the training state files into {@code dir} (which the caller renames into place). */
    public void writeTo(Path dir, Map<String, Object> extra) {
        ObjectNode s = state.deepCopy();
        extra.forEach((k, v) -> s.set(k, JSON.valueToTree(v)));
        try {
            AtomicFiles.writeString(
                    dir.resolve("trainer-state.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s));
        } catch (IOException e) {
            throw new Mtl4jException("cannot write " + dir + ": " + e.getMessage(), e);
        }
        AtomicFiles.write(dir.resolve("optimizer.bin"), out -> out.write(optimizer));
        AtomicFiles.write(dir.resolve("learnables.bin"), out -> out.write(learnables));
        if (best != null) {
            AtomicFiles.write(dir.resolve("best.bin"), out -> out.write(best));
        }
    }

    /**
     * Reads the training state of checkpoint {@code dir}.
     *
     * @throws Mtl4jException naming the file when something is missing or damaged
     */
    public static Resume read(Path dir) {
        Path stateFile = dir.resolve("trainer-state.json");
        try {
            JsonNode s = JSON.readTree(Files.readString(stateFile));
            if (s.path("format").asInt() != FORMAT) {
                throw new Mtl4jException(
                        stateFile
                                + ": checkpoint format "
                                + s.path("format")
                                + ", this version"
                                + " reads "
                                + FORMAT);
            }
            byte[] opt = Files.readAllBytes(dir.resolve("optimizer.bin"));
            byte[] learn = Files.readAllBytes(dir.resolve("learnables.bin"));
            byte[] best =
                    Files.exists(dir.resolve("best.bin"))
                            ? Files.readAllBytes(dir.resolve("best.bin"))
                            : null;
            if (best == null && s.path("epochs_done").asInt() > 0) {
                throw new Mtl4jException(
                        dir + ": best.bin is missing although an epoch has finished");
            }
            Resume r = new Resume(s, opt, learn, best);
            r.verify(dir);
            return r;
        } catch (IOException e) {
            throw new Mtl4jException(
                    dir
                            + ": unreadable checkpoint ("
                            + e.getClass().getSimpleName()
                            + ": "
                            + e.getMessage()
                            + ")",
                    e);
        }
    }

    /** A checkpoint's training state, ready to be handed to {@link Trainer#fit}. */
    public static final class Resume {
        final JsonNode state;
        final byte[] optimizer;
        final byte[] learnables;
        final byte[] best;

        Resume(JsonNode state, byte[] optimizer, byte[] learnables, byte[] best) {
            this.state = state;
            this.optimizer = optimizer;
            this.learnables = learnables;
            this.best = best;
        }

        public long globalStep() {
            return state.path("global_step").asLong();
        }

        /** Decodes every array file once, so a damaged one is found before anything changes. */
        void verify(Path dir) {
            try (NDManager m = NDManager.newBaseManager()) {
                check(m, dir.resolve("optimizer.bin"), optimizer);
                check(m, dir.resolve("learnables.bin"), learnables);
                if (best != null) {
                    check(m, dir.resolve("best.bin"), best);
                }
            }
        }

        private static void check(NDManager m, Path file, byte[] bytes) {
            try {
                decode(m, bytes);
            } catch (RuntimeException e) {
                throw new Mtl4jException(
                        file + ": damaged (" + e.getClass().getSimpleName() + ")", e);
            }
        }

        /** A value the recorder stored with the checkpoint (e.g. its metrics.jsonl length). */
        public JsonNode extra(String key) {
            return state.path(key);
        }

        static List<NDArray> decode(NDManager manager, byte[] bytes) {
            if (bytes.length == 0) {
                return new ArrayList<>();
            }
            return new ArrayList<>(NDList.decode(manager, bytes));
        }
    }

    /** The arrays in DJL's NDList encoding; no bytes for no arrays. */
    static byte[] encode(List<NDArray> arrays) {
        if (arrays.isEmpty()) {
            return new byte[0];
        }
        NDList l = new NDList(arrays.size());
        l.addAll(arrays);
        return l.encode();
    }

    static Map<String, Integer> counts(JsonNode n) {
        Map<String, Integer> m = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asInt()));
        return m;
    }

    static ObjectMapper json() {
        return JSON;
    }
}
