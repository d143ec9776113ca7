package org.liaison.provisioning.onboarding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QrCodeTest {
    /** Enrolment links whose code, with the data mask ZXing picks itself, its plain reader did not find at all. */
    @ParameterizedTest
    @ValueSource(strings = {
            "linphone-config:https://sip.example.org:8443/p/yUmXggUm8iu4NQe_hu-Ja7mqgmapwlx4_gl3CjWHUkc",
            "linphone-config:https://sip.example.org:8443/p/P3W6XtfZzCd-evtPImtg-BqGk_wS4g1HrpgFpM6WGew",
            "linphone-config:https://sip.example.org:8443/p/BRB-CJnHqclYCsssgW3QgfLXrU5LqKt9tlqLnj2SaDk"})
    void everyLinkIsFoundAndReadBackByAPlainReader(String link) throws Exception {
        var image = ImageIO.read(new ByteArrayInputStream(QrCode.png(link)));
        assertEquals(link, new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                new BufferedImageLuminanceSource(image)))).getText());
    }
}
