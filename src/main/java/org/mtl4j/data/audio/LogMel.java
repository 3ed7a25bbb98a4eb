package org.mtl4j.data.audio;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Log-mel spectrogram of mono audio, computed in the JVM with JTransforms' FFT: frames of {@code
 * windowMs} every {@code hopMs} (Hann window, zero-padded to a power of two), power spectrum,
 * {@code bands} triangular filters equally spaced on the mel scale (O'Shaughnessy's formula, mel =
 * 2595·log10(1 + f/700)) between 0 Hz and {@code maxHz} (at most the Nyquist frequency), then
 * ln(energy + 1e-6). The result is bands × frames, frame-major: {@code out[t * bands + m]}. Since
 * the filters are placed in Hz, files of different sample rates give comparable features as long as
 * {@code maxHz} is below every file's Nyquist frequency.
 */
public final class LogMel {
    private final int sampleRate;
    private final int window;
    private final int hop;
    private final int fftSize;
    private final int bands;
    private final double maxHz;
    private final double[] hann;
    private final double[][] filters; // bands × (fftSize/2 + 1)
    private final int[] first; // per band, its first bin with a non-zero weight
    private final int[] last; // per band, one past its last such bin
    private final DoubleFFT_1D fft;

    /** Bands up to the Nyquist frequency. */
    public LogMel(int sampleRate, double windowMs, double hopMs, int bands) {
        this(sampleRate, windowMs, hopMs, bands, sampleRate / 2.0);
    }

    public LogMel(int sampleRate, double windowMs, double hopMs, int bands, double maxHz) {
        if (sampleRate < 1
                || bands < 1
                || windowMs <= 0
                || hopMs <= 0
                || !(maxHz > 0)
                || maxHz > sampleRate / 2.0 + 1e-9) {
            throw new IllegalArgumentException(
                    "bad log-mel settings: rate "
                            + sampleRate
                            + ", window "
                            + windowMs
                            + " ms, hop "
                            + hopMs
                            + " ms, bands "
                            + bands
                            + ", top frequency "
                            + maxHz
                            + " Hz (at most half the sample rate)");
        }
        this.maxHz = maxHz;
        this.sampleRate = sampleRate;
        this.window = Math.max(2, (int) Math.round(sampleRate * windowMs / 1000));
        this.hop = Math.max(1, (int) Math.round(sampleRate * hopMs / 1000));
        this.fftSize = Integer.highestOneBit(window - 1) << 1;
        this.bands = bands;
        this.hann = new double[window];
        for (int i = 0; i < window; i++) {
            hann[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (window - 1));
        }
        this.filters = melFilters();
        this.first = new int[bands];
        this.last = new int[bands];
        for (int m = 0; m < bands; m++) {
            int lo = 0;
            int hi = filters[m].length;
            while (lo < hi && filters[m][lo] == 0) {
                lo++;
            }
            while (hi > lo && filters[m][hi - 1] == 0) {
                hi--;
            }
            first[m] = lo;
            last[m] = hi;
        }
        this.fft = new DoubleFFT_1D(fftSize);
    }

    public int bands() {
        return bands;
    }

    /** Number of frames for {@code n} samples (at least 1: short audio is zero-padded). */
    public int frames(int n) {
        return n <= window ? 1 : 1 + (n - window + hop - 1) / hop;
    }

    /** The centre frequency in Hz of band {@code m}. */
    public double centre(int m) {
        double maxMel = mel(maxHz);
        return hz(maxMel * (m + 1) / (bands + 1));
    }

    public float[] compute(float[] samples) {
        int t = frames(samples.length);
        float[] out = new float[t * bands];
        double[] buf = new double[fftSize];
        int bins = fftSize / 2 + 1;
        double[] power = new double[bins];
        for (int f = 0; f < t; f++) {
            java.util.Arrays.fill(buf, 0);
            int start = f * hop;
            for (int i = 0; i < window && start + i < samples.length; i++) {
                buf[i] = samples[start + i] * hann[i];
            }
            fft.realForward(buf);
            // JTransforms' packed layout: re[0], re[n/2], then (re, im) pairs
            power[0] = buf[0] * buf[0];
            power[bins - 1] = buf[1] * buf[1];
            for (int k = 1; k < bins - 1; k++) {
                double re = buf[2 * k];
                double im = buf[2 * k + 1];
                power[k] = re * re + im * im;
            }
            for (int m = 0; m < bands; m++) {
                double e = 0;
                double[] w = filters[m];
                for (int k = first[m]; k < last[m]; k++) {
                    e += w[k] * power[k];
                }
                out[f * bands + m] = (float) Math.log(e + 1e-6);
            }
        }
        return out;
    }

    private double[][] melFilters() {
        int bins = fftSize / 2 + 1;
        double maxMel = mel(maxHz);
        double[] edges = new double[bands + 2];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = hz(maxMel * i / (bands + 1));
        }
        double[][] f = new double[bands][bins];
        for (int m = 0; m < bands; m++) {
            double lo = edges[m];
            double mid = edges[m + 1];
            double hi = edges[m + 2];
            for (int k = 0; k < bins; k++) {
                double hz = k * (double) sampleRate / fftSize;
                if (hz > lo && hz < hi) {
                    f[m][k] = hz <= mid ? (hz - lo) / (mid - lo) : (hi - hz) / (hi - mid);
                }
            }
        }
        return f;
    }

    static double mel(double hz) {
        return 2595 * Math.log10(1 + hz / 700);
    }

    static double hz(double mel) {
        return 700 * (Math.pow(10, mel / 2595) - 1);
    }
}
