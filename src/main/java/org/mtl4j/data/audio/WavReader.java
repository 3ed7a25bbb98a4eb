package org.mtl4j.data.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.mtl4j.Mtl4jException;

/**
 * Reads RIFF/WAVE files: PCM with 8, 16, 24 or 32 bits per sample, or 32-bit IEEE float, any number
 * of channels (mixed down to mono by averaging). Samples are returned in [−1, 1]. Chunks other than
 * {@code fmt } and {@code data} are skipped. Errors name the file and what is wrong.
 */
public final class WavReader {
    private WavReader() {}

    /** Mono samples in [−1, 1] and their sample rate. */
    public record Audio(float[] samples, int sampleRate) {
        public double seconds() {
            return samples.length / (double) sampleRate;
        }
    }

    public static Audio read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new Mtl4jException(file + ": file not found");
        } catch (IOException e) {
            throw new Mtl4jException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(file.toString(), bytes);
    }

    /** Parses WAV bytes; {@code name} names them in errors. */
    public static Audio parse(String name, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || !tag(bytes, 0).equals("RIFF") || !tag(bytes, 8).equals("WAVE")) {
            throw new Mtl4jException(name + ": not a WAV file (no RIFF/WAVE header)");
        }
        int format = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        int pos = 12;
        while (pos + 8 <= bytes.length) {
            String id = tag(bytes, pos);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            if (body + size > bytes.length) {
                size = bytes.length - body; // a truncated last chunk: read what is there
            }
            if (id.equals("fmt ")) {
                if (size < 16) {
                    throw new Mtl4jException(name + ": fmt chunk too short (" + size + " bytes)");
                }
                format = Short.toUnsignedInt(b.getShort(body));
                channels = Short.toUnsignedInt(b.getShort(body + 2));
                rate = b.getInt(body + 4);
                bits = Short.toUnsignedInt(b.getShort(body + 14));
                if (format == 0xFFFE && size >= 26) { // WAVE_FORMAT_EXTENSIBLE: the sub-format
                    format = Short.toUnsignedInt(b.getShort(body + 24));
                }
            } else if (id.equals("data")) {
                if (format < 0) {
                    throw new Mtl4jException(name + ": data chunk before the fmt chunk");
                }
                return samples(name, b, body, (int) size, format, channels, rate, bits);
            }
            pos = body + (int) size + (int) (size & 1); // chunks are padded to even sizes
        }
        throw new Mtl4jException(name + ": no data chunk");
    }

    private static Audio samples(
            String name,
            ByteBuffer b,
            int start,
            int size,
            int format,
            int channels,
            int rate,
            int bits) {
        if (channels < 1 || rate < 1) {
            throw new Mtl4jException(
                    name + ": " + channels + " channels at " + rate + " Hz; not a valid WAV file");
        }
        boolean pcm = format == 1 && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
        boolean ieee = format == 3 && bits == 32;
        if (!pcm && !ieee) {
            throw new Mtl4jException(
                    name
                            + ": format "
                            + format
                            + " with "
                            + bits
                            + " bits per sample; supported: PCM 8/16/24/32-bit and 32-bit float"
                            + " (convert with: sox in.wav -b 16 out.wav)");
        }
        int bytesPer = bits / 8;
        int frames = size / (bytesPer * channels);
        if (frames == 0) {
            // features of nothing would be those of silence: a prediction for a broken upload
            throw new Mtl4jException(
                    name
                            + ": no samples (data chunk of "
                            + size
                            + " bytes); empty or truncated file");
        }
        float[] out = new float[frames];
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                int p = start + (f * channels + c) * bytesPer;
                sum +=
                        ieee
                                ? b.getFloat(p)
                                : switch (bits) {
                                    case 8 -> ((b.get(p) & 0xFF) - 128) / 128.0;
                                    case 16 -> b.getShort(p) / 32768.0;
                                    case 24 -> {
                                        int v =
                                                (b.get(p) & 0xFF)
                                                        | (b.get(p + 1) & 0xFF) << 8
                                                        | b.get(p + 2) << 16;
                                        yield v / 8388608.0;
                                    }
                                    default -> b.getInt(p) / 2147483648.0;
                                };
            }
            out[f] = (float) (sum / channels);
        }
        return new Audio(out, rate);
    }

    private static String tag(byte[] bytes, int at) {
        return new String(bytes, at, 4, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
