package org.mtl4j.data.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;

class AudioFeaturesTest {
    @TempDir Path tmp;

    /** A WAV file: format tag, channels, rate, bits, an extra LIST chunk, then the data bytes. */
    private Path wav(int format, int channels, int rate, int bits, byte[] data) throws Exception {
        ByteBuffer b =
                ByteBuffer.allocate(12 + 24 + 12 + 8 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(b.capacity() - 8).put("WAVE".getBytes());
        b.put("fmt ".getBytes())
                .putInt(16)
                .putShort((short) format)
                .putShort((short) channels)
                .putInt(rate)
                .putInt(rate * channels * bits / 8)
                .putShort((short) (channels * bits / 8))
                .putShort((short) bits);
        b.put("LIST".getBytes()).putInt(4).put("INFO".getBytes());
        b.put("data".getBytes()).putInt(data.length).put(data);
        Path f = tmp.resolve("a" + format + "-" + bits + "-" + channels + ".wav");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void readsPcmAndFloatWavsMixingChannelsDown() throws Exception {
        ByteBuffer s16 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        s16.putShort((short) 16384)
                .putShort((short) -16384)
                .putShort((short) 32767)
                .putShort((short) 0);
        WavReader.Audio stereo = WavReader.read(wav(1, 2, 8000, 16, s16.array()));
        assertEquals(8000, stereo.sampleRate());
        assertEquals(2, stereo.samples().length);
        assertEquals(0f, stereo.samples()[0], 1e-6, "left 0.5, right -0.5");
        assertEquals(0.5f, stereo.samples()[1], 1e-4);
        WavReader.Audio u8 =
                WavReader.read(wav(1, 1, 8000, 8, new byte[] {(byte) 128, (byte) 192, 0}));
        assertEquals(0f, u8.samples()[0], 1e-6);
        assertEquals(0.5f, u8.samples()[1], 1e-6);
        assertEquals(-1f, u8.samples()[2], 1e-6);
        byte[] s24 = {0, 0, 0x40, 0, 0, (byte) 0xC0}; // 0.5, -0.5
        WavReader.Audio a24 = WavReader.read(wav(1, 1, 8000, 24, s24));
        assertEquals(0.5f, a24.samples()[0], 1e-6);
        assertEquals(-0.5f, a24.samples()[1], 1e-6);
        ByteBuffer f32 =
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.25f).putFloat(-1f);
        WavReader.Audio af = WavReader.read(wav(3, 1, 8000, 32, f32.array()));
        assertEquals(0.25f, af.samples()[0]);
        assertEquals(-1f, af.samples()[1]);
    }

    @Test
    void badFilesAreRefusedNamingTheFileAndTheFix() throws Exception {
        Path notWav = tmp.resolve("x.wav");
        Files.writeString(notWav, "hello world, not audio");
        assertMessage(notWav, "x.wav: not a WAV file");
        assertMessage(
                wav(2, 1, 8000, 4, new byte[4]), "format 2 with 4 bits per sample; supported: PCM");
        Path noData = tmp.resolve("nodata.wav");
        ByteBuffer b = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes())
                .putInt(28)
                .put("WAVE".getBytes())
                .put("fmt ".getBytes())
                .putInt(16)
                .putShort((short) 1)
                .putShort((short) 1)
                .putInt(8000)
                .putInt(16000)
                .putShort((short) 2)
                .putShort((short) 16);
        Files.write(noData, b.array());
        assertMessage(noData, "nodata.wav: no data chunk");
        assertMessage(wav(1, 1, 8000, 16, new byte[0]), "no samples");
        assertMessage(wav(1, 2, 8000, 16, new byte[3]), "no samples");
    }

    private static void assertMessage(Path f, String expected) {
        Mtl4jException e = assertThrows(Mtl4jException.class, () -> WavReader.read(f));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static float[] sine(double hz, int rate, double seconds) {
        float[] s = new float[(int) (rate * seconds)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return s;
    }

    private static int peakBand(LogMel lm, float[] spec, int frame) {
        int best = 0;
        for (int m = 1; m < lm.bands(); m++) {
            if (spec[frame * lm.bands() + m] > spec[frame * lm.bands() + best]) {
                best = m;
            }
        }
        return best;
    }

    @Test
    void aSineLightsUpTheMelBandOfItsFrequency() {
        int rate = 16000;
        LogMel lm = new LogMel(rate, 25, 10, 40);
        for (double hz : new double[] {300, 1000, 4000}) {
            float[] x = sine(hz, rate, 0.5);
            float[] spec = lm.compute(x);
            int frames = lm.frames(x.length);
            assertEquals(1 + (8000 - 400 + 159) / 160, frames);
            assertEquals(frames * 40, spec.length);
            int m = peakBand(lm, spec, frames / 2);
            double lo = m == 0 ? 0 : lm.centre(m - 1);
            double hi = m == 39 ? rate / 2.0 : lm.centre(m + 1);
            assertTrue(
                    lo < hz && hz < hi,
                    hz + " Hz peaks in band " + m + " (" + lm.centre(m) + " Hz)");
        }
        float[] silence = lm.compute(new float[4000]);
        for (float v : silence) {
            assertEquals(Math.log(1e-6), v, 1e-6, "silence is the floor");
        }
        assertEquals(1, lm.frames(10), "short audio gives one zero-padded frame");
    }
}
