package io.vigil.io.codec;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Encodings of the building blocks the record codecs share. */
public final class Codecs {

    private Codecs() {}

    /** Strings are written as length-prefixed UTF-8 (unlike DataOutput.writeUTF, not limited to 64 KB). */
    public static void writeString(DataOutput out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    public static String readString(DataInput in) throws IOException {
        int n = in.readInt();
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    public static void writeBytes(DataOutput out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    public static byte[] readBytes(DataInput in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return b;
    }

    public static void writeStringMap(DataOutput out, Map<String, String> m) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<String, String> e : m.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    public static Map<String, String> readStringMap(DataInput in) throws IOException {
        int n = in.readInt();
        if (n == 0) {
            return Map.of();
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(readString(in), readString(in));
        }
        return m;
    }

    public static void writeDoubleMap(DataOutput out, Map<String, Double> m) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<String, Double> e : m.entrySet()) {
            writeString(out, e.getKey());
            out.writeDouble(e.getValue());
        }
    }

    public static Map<String, Double> readDoubleMap(DataInput in) throws IOException {
        int n = in.readInt();
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(readString(in), in.readDouble());
        }
        return m;
    }

    public static void writeStringList(DataOutput out, List<String> l) throws IOException {
        out.writeInt(l.size());
        for (String s : l) {
            writeString(out, s);
        }
    }

    public static List<String> readStringList(DataInput in) throws IOException {
        int n = in.readInt();
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(readString(in));
        }
        return l;
    }
}
