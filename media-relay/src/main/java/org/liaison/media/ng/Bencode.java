package org.liaison.media.ng;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bencoding (the BitTorrent encoding, BEP 3) as the ng protocol uses it: integers, byte strings,
 * lists and dictionaries. Strings are decoded as UTF-8 text (ng carries SDP and tags), integers as
 * {@code Long}, dictionaries as maps in wire order; dictionaries are encoded with sorted keys.
 * Small enough that a dependency would weigh more than it saves.
 */
final class Bencode {
    /** Deeper nesting than any ng message has: refused rather than risking the stack. */
    private static final int MAX_DEPTH = 32;

    private Bencode() {
    }

    static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    /** The single value encoded in {@code data[from..to)}; anything malformed or left over is an error. */
    static Object decode(byte[] data, int from, int to) throws NgException {
        Reader reader = new Reader(data, from, to);
        Object value = reader.value(0);
        if (reader.pos != to) {
            throw new NgException("trailing bytes after the bencoded value");
        }
        return value;
    }

    private static void write(ByteArrayOutputStream out, Object value) {
        if (value instanceof String) {
            writeBytes(out, ((String) value).getBytes(StandardCharsets.UTF_8));
        } else if (value instanceof byte[]) {
            writeBytes(out, (byte[]) value);
        } else if (value instanceof Long || value instanceof Integer) {
            writeAscii(out, "i" + value + "e");
        } else if (value instanceof List) {
            out.write('l');
            for (Object item : (List<?>) value) {
                write(out, item);
            }
            out.write('e');
        } else if (value instanceof Map) {
            out.write('d');
            for (Map.Entry<?, ?> e : new TreeMap<>((Map<?, ?>) value).entrySet()) {
                write(out, (String) e.getKey());
                write(out, e.getValue());
            }
            out.write('e');
        } else {
            throw new IllegalArgumentException("cannot bencode " + value);
        }
    }

    private static void writeBytes(ByteArrayOutputStream out, byte[] bytes) {
        writeAscii(out, bytes.length + ":");
        out.write(bytes, 0, bytes.length);
    }

    private static void writeAscii(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        out.write(bytes, 0, bytes.length);
    }

    private static final class Reader {
        private final byte[] data;
        private final int end;
        private int pos;

        Reader(byte[] data, int from, int to) {
            this.data = data;
            this.pos = from;
            this.end = to;
        }

        Object value(int depth) throws NgException {
            if (depth > MAX_DEPTH) {
                throw new NgException("bencode nested too deep");
            }
            switch (peek()) {
                case 'i':
                    pos++;
                    return number('e');
                case 'l': {
                    pos++;
                    List<Object> list = new ArrayList<>();
                    while (peek() != 'e') {
                        list.add(value(depth + 1));
                    }
                    pos++;
                    return list;
                }
                case 'd': {
                    pos++;
                    Map<String, Object> map = new LinkedHashMap<>();
                    while (peek() != 'e') {
                        if (peek() < '0' || peek() > '9') {
                            throw new NgException("dictionary key at byte " + pos + " is not a string");
                        }
                        String key = string();
                        map.put(key, value(depth + 1));
                    }
                    pos++;
                    return map;
                }
                default:
                    if (peek() >= '0' && peek() <= '9') {
                        return string();
                    }
                    throw new NgException("unexpected byte '" + (char) peek() + "' at " + pos);
            }
        }

        private String string() throws NgException {
            long length = number(':');
            if (length < 0 || length > end - pos) {
                throw new NgException("string of " + length + " bytes runs past the end");
            }
            String text = new String(data, pos, (int) length, StandardCharsets.UTF_8);
            pos += (int) length;
            return text;
        }

        /** Digits (with an optional minus) up to {@code terminator}, which is consumed. */
        private long number(char terminator) throws NgException {
            int start = pos;
            while (pos < end && data[pos] != terminator) {
                pos++;
            }
            if (pos == end) {
                throw new NgException("number at byte " + start + " is not terminated");
            }
            String digits = new String(data, start, pos - start, StandardCharsets.US_ASCII);
            pos++;
            if (!digits.matches("-?\\d{1,18}")) {
                throw new NgException("\"" + digits + "\" is not a number");
            }
            return Long.parseLong(digits);
        }

        private int peek() throws NgException {
            if (pos >= end) {
                throw new NgException("bencoded value ends early");
            }
            return data[pos];
        }
    }
}
