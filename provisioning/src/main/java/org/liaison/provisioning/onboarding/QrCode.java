package org.liaison.provisioning.onboarding;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.EncodeHintType;
import com.google.zxing.ReaderException;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** A QR code as a PNG image, large enough to scan from a printed page. */
final class QrCode {
    private static final int SIZE_PIXELS = 400;
    /** ZXing's own choice of data mask, then each of the eight masks of ISO/IEC 18004 §7.8. */
    private static final int OWN_CHOICE = -1;
    private static final int MASKS = 8;

    private QrCode() {
    }

    /**
     * The code of {@code text}, with the first data mask whose image ZXing's plain reader (the finder-pattern search
     * camera apps build on) decodes back to {@code text}: with the mask ZXing picks, about one clean code in a hundred
     * of a random enrolment link is not found at all (measured, 4 of 400), and a staff member with such a sheet could
     * not enrol.
     */
    static byte[] png(String text) {
        for (int mask = OWN_CHOICE; mask < MASKS; mask++) {
            BitMatrix matrix = encode(text, mask);
            if (readsBack(matrix, text)) {
                return png(matrix);
            }
        }
        return png(encode(text, OWN_CHOICE));
    }

    private static BitMatrix encode(String text, int mask) {
        // level M survives a crease or a smudge on paper; margin 4 modules is the standard quiet zone
        Map<EncodeHintType, Object> hints = new HashMap<>(Map.of(EncodeHintType.ERROR_CORRECTION,
                ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 4, EncodeHintType.CHARACTER_SET, "UTF-8"));
        if (mask != OWN_CHOICE) {
            hints.put(EncodeHintType.QR_MASK_PATTERN, mask);
        }
        try {
            return new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, SIZE_PIXELS, SIZE_PIXELS, hints);
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode a QR code of " + text.length() + " characters", e);
        }
    }

    private static boolean readsBack(BitMatrix matrix, String text) {
        BinaryBitmap image = new BinaryBitmap(new HybridBinarizer(
                new BufferedImageLuminanceSource(MatrixToImageWriter.toBufferedImage(matrix))));
        try {
            return text.equals(new QRCodeReader().decode(image).getText());
        } catch (ReaderException notFound) {
            return false;
        }
    }

    private static byte[] png(BitMatrix matrix) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            MatrixToImageWriter.writeToStream(matrix, "PNG", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory", e);
        }
    }
}
