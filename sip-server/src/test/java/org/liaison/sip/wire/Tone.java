package org.liaison.sip.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Test tones: made with sox, found again with the Goertzel algorithm. Audio is cut into 100 ms
 * blocks (so every multiple of 10 Hz is an exact frequency bin); a block "carries" the tone when it
 * is not silence and most of its energy is at that frequency. Silence, noise, another tone or
 * encrypted bytes read as audio carry none.
 */
final class Tone {
    private static final double BLOCK_SECONDS = 0.1;
    /** Quieter than this RMS (full scale = 1) counts as silence. */
    private static final double MIN_RMS = 0.01;
    /** Share of a block's energy that must sit at the tone's frequency. */
    private static final double MIN_SHARE = 0.6;

    private Tone() {
    }

    /**
     * Writes a {@code hz} sine of {@code length} to {@code wav}, 16 bit at {@code rate} with
     * {@code channels} (baresip's file source wants 48 kHz stereo, linphonec's 8 kHz mono).
     */
    static Path write(Path wav, int hz, Duration length, int rate, int channels) throws IOException {
        ChildProcess sox = ChildProcess.start("sox", List.of(Tools.require("sox").toString(), "-n", "-r",
                Integer.toString(rate), "-c", Integer.toString(channels), "-b", "16", wav.toString(), "synth", Long.toString(length.toSeconds()), "sine",
                Integer.toString(hz), "vol", "0.5"), wav.getParent(), wav.resolveSibling(wav.getFileName() + ".log"),
                Map.of());
        if (sox.awaitExit(Duration.ofSeconds(20)).orElse(-1) != 0) {
            throw new IOException("sox could not write " + wav + ": " + sox.outputText());
        }
        return wav;
    }

    /** Seconds of the recording in {@code wav} that carry a {@code hz} tone. */
    static double secondsIn(Path wav, int hz) throws IOException {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            AudioFormat format = in.getFormat();
            if (format.getEncoding() != AudioFormat.Encoding.PCM_SIGNED || format.getSampleSizeInBits() != 16) {
                throw new IOException(wav + " is not 16-bit PCM: " + format);
            }
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes())
                    .order(format.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            int channels = format.getChannels();
            double[] samples = new double[bytes.remaining() / 2 / channels];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = bytes.getShort(i * 2 * channels) / 32768.0; // first channel
            }
            return secondsIn(samples, format.getSampleRate(), hz);
        } catch (UnsupportedAudioFileException e) {
            throw new IOException(wav + " is no audio file this JDK reads", e);
        }
    }

    /** Seconds of G.711 µ-law bytes (8 kHz) that carry a {@code hz} tone when decoded. */
    static double secondsInMuLaw(byte[] payload, int hz) {
        double[] samples = new double[payload.length];
        for (int i = 0; i < payload.length; i++) {
            samples[i] = muLaw(payload[i]) / 32768.0;
        }
        return secondsIn(samples, 8000, hz);
    }

    private static double secondsIn(double[] samples, float rate, int hz) {
        int block = (int) (rate * BLOCK_SECONDS);
        int carrying = 0;
        for (int start = 0; start + block <= samples.length; start += block) {
            if (carries(samples, start, block, rate, hz)) {
                carrying++;
            }
        }
        return carrying * BLOCK_SECONDS;
    }

    /** Goertzel: the power at {@code hz} against the block's whole energy (Parseval). */
    private static boolean carries(double[] x, int start, int n, float rate, int hz) {
        double coefficient = 2 * Math.cos(2 * Math.PI * hz / rate);
        double s1 = 0;
        double s2 = 0;
        double energy = 0;
        for (int i = start; i < start + n; i++) {
            double s0 = x[i] + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
            energy += x[i] * x[i];
        }
        double power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
        double rms = Math.sqrt(energy / n);
        return rms >= MIN_RMS && 2 * power / n / energy >= MIN_SHARE;
    }

    /** {@code samples} of a {@code hz} sine at half scale, G.711 µ-law at 8 kHz (what a plain RTP phone sends). */
    static byte[] muLawSine(int hz, int samples) {
        byte[] encoded = new byte[samples];
        for (int i = 0; i < samples; i++) {
            int pcm = (int) (0.5 * 32767 * Math.sin(2 * Math.PI * hz * i / 8000.0));
            int sign = pcm < 0 ? 0x80 : 0;
            int magnitude = Math.min(Math.abs(pcm), 32635) + 0x84;
            int exponent = 7;
            for (int mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; mask >>= 1) {
                exponent--;
            }
            encoded[i] = (byte) ~(sign | exponent << 4 | (magnitude >> (exponent + 3)) & 0x0f);
        }
        return encoded;
    }

    /** ITU-T G.711 µ-law to a 16-bit linear sample. */
    private static int muLaw(byte encoded) {
        int u = ~encoded & 0xff;
        int magnitude = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
        return (u & 0x80) != 0 ? 0x84 - magnitude : magnitude - 0x84;
    }
}
