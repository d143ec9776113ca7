package org.liaison.provisioning;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** Text as people compare it: without case or accents ("Hélène" and "helene" are one). */
public final class TextFold {
    private static final Pattern COMBINING_MARKS = Pattern.compile("\\p{M}+");

    private TextFold() {
    }

    /** Lower case without accents: decomposed (NFD), the combining marks dropped. */
    public static String fold(String text) {
        return COMBINING_MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("")
                .toLowerCase(Locale.ROOT);
    }
}
