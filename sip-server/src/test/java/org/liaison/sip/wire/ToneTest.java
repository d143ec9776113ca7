package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tone check the media tests rely on finds the tone, and only the tone. */
class ToneTest {
    @TempDir
    Path dir;

    @Test
    void soxToneIsFoundAtItsFrequencyOnly() throws Exception {
        Path wav = Tone.write(dir.resolve("tone.wav"), 1000, Duration.ofSeconds(2));
        assertEquals(2.0, Tone.secondsIn(wav, 1000), 0.11);
        assertEquals(0.0, Tone.secondsIn(wav, 440));
    }

    @Test
    void muLawToneIsFoundAndRandomBytesAreNot() {
        byte[] tone = new byte[8000];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = muLaw(0.5 * Math.sin(2 * Math.PI * 440 * i / 8000.0));
        }
        assertEquals(1.0, Tone.secondsInMuLaw(tone, 440), 0.01);
        byte[] noise = new byte[8000];
        new Random(7).nextBytes(noise);
        assertEquals(0.0, Tone.secondsInMuLaw(noise, 440));
    }

    /** A plain G.711 µ-law encoder (sign, 3-bit exponent, 4-bit mantissa, inverted). */
    private static byte muLaw(double sample) {
        int pcm = (int) (sample * 32767);
        int sign = pcm < 0 ? 0x80 : 0;
        int magnitude = Math.min(Math.abs(pcm), 32635) + 0x84;
        int exponent = 7;
        for (int mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (magnitude >> (exponent + 3)) & 0x0f;
        return (byte) ~(sign | exponent << 4 | mantissa);
    }
}
