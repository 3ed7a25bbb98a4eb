package org.mtl4j.data.audio;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How WAV files listed in a CSV become model inputs: a log-mel spectrogram ({@link LogMel}) of a
 * fixed length, standardised per clip.
 *
 * <p>Each clip is cut or padded to {@code seconds}, which gives {@link #frames()} frames of {@code
 * bands} log-mel energies (frame-major, {@code frames × bands} numeric features). The values of the
 * clip's real frames are shifted and scaled to mean 0 and standard deviation 1 (one mean and one
 * deviation per clip, so loudness is removed while the spectral shape is kept); frames past the end
 * of a short clip take the clip's smallest value, the level of its quietest part.
 *
 * @param pathColumn CSV column holding each clip's WAV path (relative paths are read from the CSV
 *     file's directory)
 * @param seconds clip length the features cover
 * @param windowMs analysis window length
 * @param hopMs step between frames
 * @param bands mel bands
 * @param maxHz top of the highest mel band; at most half of every file's sample rate
 */
public record AudioSpec(
        String pathColumn, double seconds, double windowMs, double hopMs, int bands, double maxHz) {

    public AudioSpec {
        if (pathColumn == null || pathColumn.isBlank()) {
            throw new IllegalArgumentException("path_column: give the column of WAV paths");
        }
        if (!(seconds > 0) || seconds > 600) {
            throw new IllegalArgumentException(
                    "seconds must be above 0 and at most 600, got " + seconds);
        }
        if (!(windowMs >= 1) || windowMs > 1000) {
            throw new IllegalArgumentException("window_ms must be 1 to 1000 ms, got " + windowMs);
        }
        if (!(hopMs >= 1) || hopMs > windowMs) {
            throw new IllegalArgumentException(
                    "hop_ms must be at least 1 ms and at most window_ms ("
                            + windowMs
                            + "), got "
                            + hopMs);
        }
        if (bands < 1 || bands > 256) {
            throw new IllegalArgumentException("bands must be 1 to 256, got " + bands);
        }
        if (!(maxHz >= 100) || maxHz > 96_000) {
            throw new IllegalArgumentException("max_hz must be 100 to 96000 Hz, got " + maxHz);
        }
        if ((long) new AudioSpec.Size(seconds, windowMs, hopMs).frames() * bands > 1_000_000) {
            throw new IllegalArgumentException(
                    "seconds / hop_ms × bands gives more than 1,000,000 features per clip; shorten"
                            + " seconds, raise hop_ms or lower bands");
        }
    }

    /** Column {@code path}, 1 s, 25 ms windows every 10 ms, 40 bands up to 8 kHz. */
    public static AudioSpec defaults() {
        return new AudioSpec("path", 1.0, 25, 10, 40, 8000);
    }

    private record Size(double seconds, double windowMs, double hopMs) {
        int frames() {
            double ms = seconds * 1000;
            return ms <= windowMs ? 1 : 1 + (int) Math.floor((ms - windowMs) / hopMs + 1e-9);
        }
    }

    /** Frames per clip. */
    public int frames() {
        return new Size(seconds, windowMs, hopMs).frames();
    }

    /** Numeric features per clip: frames × bands. */
    public int width() {
        return frames() * bands;
    }

    /** For model.json. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path_column", pathColumn);
        m.put("seconds", seconds);
        m.put("window_ms", windowMs);
        m.put("hop_ms", hopMs);
        m.put("bands", bands);
        m.put("max_hz", maxHz);
        m.put("frames", frames());
        return m;
    }

    /** The inverse of {@link #describe()}. */
    public static AudioSpec of(com.fasterxml.jackson.databind.JsonNode n) {
        return new AudioSpec(
                n.get("path_column").asText(),
                n.get("seconds").asDouble(),
                n.get("window_ms").asDouble(),
                n.get("hop_ms").asDouble(),
                n.get("bands").asInt(),
                n.get("max_hz").asDouble());
    }
}
