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
        Path wav = Tone.write(dir.resolve("tone.wav"), 1000, Duration.ofSeconds(2), 48000, 2);
        assertEquals(2.0, Tone.secondsIn(wav, 1000), 0.11);
        assertEquals(0.0, Tone.secondsIn(wav, 440));
    }

    @Test
    void muLawToneIsFoundAndRandomBytesAreNot() {
        byte[] tone = Tone.muLawSine(440, 8000);
        assertEquals(1.0, Tone.secondsInMuLaw(tone, 440), 0.01);
        assertEquals(0.0, Tone.secondsInMuLaw(tone, 1000));
        byte[] noise = new byte[8000];
        new Random(7).nextBytes(noise);
        assertEquals(0.0, Tone.secondsInMuLaw(noise, 440));
    }
}
