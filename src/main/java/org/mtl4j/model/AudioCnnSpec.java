package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A convolutional encoder over log-mel spectrograms (time × frequency), in the style of the small
 * keyword-spotting CNNs of Sainath and Parada, "Convolutional Neural Networks for Small-footprint
 * Keyword Spotting", Interspeech 2015: per stage a 3×3 convolution (padding 1), batch
 * normalisation, ReLU and 2×2 max-pooling, which halves both time and frequency; then, for every
 * channel and frequency row, the mean and the maximum over time (so a word is recognised wherever
 * it starts in the clip, while the frequency layout that tells voices apart is kept), into a fully
 * connected layer of {@code hidden} units with batch normalisation and ReLU, and optional dropout.
 *
 * <p>Input (B, frames · bands), frame-major as {@link org.mtl4j.data.audio.AudioSpec} lays it out;
 * output (B, hidden). Frames and bands are padded at the clip's lowest level up to multiples of
 * 2^stages, so that every stage halves the map exactly (which attention architectures such as MTAN
 * need). {@code bands} is taken from the data settings when the config leaves it out (0 until
 * then).
 *
 * @param bands mel bands per frame (0: not yet known)
 * @param channels feature maps of each stage (1 to 5 stages)
 * @param hidden width of the representation
 * @param dropout dropout rate after the fully connected layer
 */
public record AudioCnnSpec(int bands, List<Integer> channels, int hidden, double dropout)
        implements EncoderSpec {

    public AudioCnnSpec {
        channels = List.copyOf(channels);
        if (bands < 0) {
            throw new IllegalArgumentException("bands must be positive, got " + bands);
        }
        if (channels.isEmpty()
                || channels.size() > 5
                || channels.stream().anyMatch(c -> c < 1 || c > 1024)) {
            throw new IllegalArgumentException(
                    "channels: give 1 to 5 stage widths of 1 to 1024, e.g. [16, 32, 64]; got "
                            + channels);
        }
        if (hidden < 1 || hidden > 65_536) {
            throw new IllegalArgumentException("hidden must be 1 to 65536, got " + hidden);
        }
        if (!(dropout >= 0) || dropout >= 1) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    /** Three stages of 16, 32 and 64 maps, 128 hidden units, no dropout. */
    public static AudioCnnSpec standard() {
        return new AudioCnnSpec(0, List.of(16, 32, 64), 128, 0.0);
    }

    /** The same encoder for spectrograms of {@code b} bands. */
    public AudioCnnSpec withBands(int b) {
        return new AudioCnnSpec(b, channels, hidden, dropout);
    }

    /** Smallest number of frames (and of bands) the pooling stages need. */
    public int minimumSide() {
        return 1 << channels.size();
    }

    /**
     * Checks the input against the encoder: {@code numericWidth} must be whole frames of {@code
     * bands}, and both sides must survive the pooling stages.
     */
    public void checkInput(int numericWidth, int categorical) {
        if (bands == 0) {
            throw new IllegalArgumentException(
                    "the audio_cnn encoder needs the number of mel bands; use it with data.audio");
        }
        if (categorical > 0 || numericWidth % bands != 0) {
            throw new IllegalArgumentException(
                    "the audio_cnn encoder reads log-mel spectrograms of "
                            + bands
                            + " bands (data.audio); the data has "
                            + numericWidth
                            + " numeric and "
                            + categorical
                            + " categorical features");
        }
        int frames = numericWidth / bands;
        if (frames < minimumSide() || bands < minimumSide()) {
            throw new IllegalArgumentException(
                    "the audio_cnn encoder's "
                            + channels.size()
                            + " pooling stages need at least "
                            + minimumSide()
                            + " frames and bands; the spectrograms have "
                            + frames
                            + " frames of "
                            + bands
                            + " bands (use fewer channels entries, or longer clips / more bands)");
        }
    }

    @Override
    public String typeName() {
        return "audio_cnn";
    }

    @Override
    public Block buildEncoder() {
        if (bands == 0) {
            throw new IllegalStateException("bands not set");
        }
        int b = bands;
        int m = minimumSide();
        SequentialBlock seq = new SequentialBlock();
        seq.add(
                new LambdaBlock(
                        l -> {
                            NDArray x = l.singletonOrThrow();
                            long batch = x.getShape().get(0);
                            x = x.reshape(batch, 1, -1, b);
                            // pad time and frequency to multiples of 2^stages at the clip's lowest
                            // level, so that every pooling stage halves the map exactly
                            x = padTo(x, 2, m);
                            return new NDList(padTo(x, 3, m));
                        },
                        "to_spectrogram"));
        for (int c : channels) {
            seq.add(
                    Conv2d.of(
                            ai.djl.nn.convolutional.Conv2d.builder()
                                    .setKernelShape(new Shape(3, 3))
                                    .optPadding(new Shape(1, 1))
                                    .setFilters(c)));
            seq.add(BatchNorm.builder().build());
            seq.add(ResNetSpec.relu());
            seq.add(Pool.maxPool2dBlock(new Shape(2, 2)));
        }
        seq.add(
                new LambdaBlock(
                        l -> {
                            NDArray x = l.singletonOrThrow(); // (B, C, T', F')
                            NDArray mean = x.mean(new int[] {2});
                            NDArray max = x.max(new int[] {2});
                            return new NDList(
                                    Cat.of(new NDList(mean, max), 1)
                                            .reshape(x.getShape().get(0), -1));
                        },
                        "time_pooling"));
        seq.add(Linear.builder().setUnits(hidden).build());
        // keeps the representation at unit scale: maxima over time of many positive maps would
        // otherwise start the heads' outputs (and a regression loss) far from the labels
        seq.add(BatchNorm.builder().build());
        seq.add(ResNetSpec.relu());
        if (dropout > 0) {
            seq.add(Dropout.builder().optRate((float) dropout).build());
        }
        return seq;
    }

    /** {@code x} (B, 1, T, F) padded along {@code axis} to a multiple of {@code m}. */
    private static NDArray padTo(NDArray x, int axis, int m) {
        Shape s = x.getShape();
        long size = s.get(axis);
        long pad = (size + m - 1) / m * m - size;
        if (pad == 0) {
            return x;
        }
        NDArray low = x.reshape(s.get(0), -1).min(new int[] {1}, true).reshape(s.get(0), 1, 1, 1);
        long[] dims = s.getShape().clone();
        dims[axis] = pad;
        return Cat.of(new NDList(x, low.broadcast(new Shape(dims))), axis);
    }

    @Override
    public int outputWidth(int in) {
        return hidden;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", typeName());
        if (bands > 0) {
            m.put("bands", bands);
        }
        m.put("channels", channels);
        m.put("hidden", hidden);
        m.put("dropout", dropout);
        return m;
    }

    @Override
    public boolean usesBatchNorm() {
        return true;
    }

    /** After each stage's pooling, and after the fully connected layer (and its dropout). */
    @Override
    public List<Integer> layerEnds() {
        List<Integer> ends = new ArrayList<>();
        for (int s = 1; s <= channels.size(); s++) {
            ends.add(4 * s);
        }
        ends.add(4 * channels.size() + (dropout > 0 ? 5 : 4));
        return ends;
    }
}
