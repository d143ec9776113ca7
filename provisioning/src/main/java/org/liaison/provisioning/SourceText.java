package org.liaison.provisioning;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The users file decoded as UTF-8, knowing the physical line of every character. A byte-order
 * mark (spreadsheets add one) is kept aside: the CSV parser never sees it, a rewrite puts it back.
 */
final class SourceText {
    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private final String byteOrderMark;
    private final String body;
    /** Offset in {@link #body} where each line starts; line n starts at lineStarts[n - 1]. */
    private final int[] lineStarts;

    private SourceText(String byteOrderMark, String body) {
        this.byteOrderMark = byteOrderMark;
        this.body = body;
        this.lineStarts = lineStarts(body);
    }

    /** Decodes strictly: a file saved in another encoding is reported with the line it breaks on. */
    static SourceText decode(byte[] content, Problems problems) throws UsersFileException {
        CharBuffer chars = CharBuffer.allocate(content.length); // UTF-8 never yields more chars than bytes
        CoderResult result = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(content), chars, true);
        if (result.isError()) {
            String decodedSoFar = chars.flip().toString();
            int line = new SourceText("", decodedSoFar).lineAt(decodedSoFar.length());
            throw problems.fatal(line, "is not valid UTF-8; save the file as UTF-8");
        }
        String text = chars.flip().toString();
        return text.startsWith(BYTE_ORDER_MARK)
                ? new SourceText(BYTE_ORDER_MARK, text.substring(BYTE_ORDER_MARK.length()))
                : new SourceText("", text);
    }

    /** The text to parse: everything but the byte-order mark. */
    String body() {
        return body;
    }

    /** The physical line (1-based) holding {@code offset} in {@link #body()}. */
    int lineAt(int offset) {
        int found = Arrays.binarySearch(lineStarts, offset);
        return found >= 0 ? found + 1 : -found - 1;
    }

    /**
     * Where the record that Commons CSV places at {@code offset} really starts. The parser reports
     * a record's position as the end of the previous one, before the blank and comment lines it
     * skipped; line numbers must point at the record itself.
     */
    int skipBlankAndCommentLines(int offset) {
        int at = offset;
        while (at < body.length() && isBlankOrCommentLineStart(body.charAt(at))) {
            at = startOfLineAfter(at);
        }
        return at;
    }

    /** The first record line after the first {@code lines} lines (Commons CSV counts lines consumed). */
    int firstRecordLineAfter(long lines) {
        int start = lines < lineStarts.length ? lineStarts[(int) lines] : body.length();
        return lineAt(skipBlankAndCommentLines(start));
    }

    /** The whole file, with {@code span} of the body replaced, as UTF-8 bytes. */
    byte[] replace(CsvCells.Span span, String replacement) {
        String text = byteOrderMark + body.substring(0, span.start()) + replacement + body.substring(span.end());
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isBlankOrCommentLineStart(char c) {
        return c == '\r' || c == '\n' || c == AdminCsv.COMMENT_MARKER;
    }

    private int startOfLineAfter(int offset) {
        int line = lineAt(offset);
        return line < lineStarts.length ? lineStarts[line] : body.length();
    }

    /** Line breaks as Commons CSV counts them: LF, CRLF or a lone CR. */
    private static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean crlf = c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n';
            if ((c == '\n' || c == '\r') && !crlf) {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }
}
