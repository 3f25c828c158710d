package customer360.streams.js;

import java.io.ByteArrayOutputStream;

/**
 * UTF-8 as Node's Buffer does it: decoding replaces each maximal invalid subsequence with U+FFFD
 * (the WHATWG decoder, which `buffer.toString('utf8')` follows) and keeps a BOM as a character;
 * encoding writes a lone surrogate as U+FFFD (Java's encoder would write '?').
 */
public final class Utf8 {
  private Utf8() {}

  public static String decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  public static String decode(byte[] bytes, int from, int to) {
    StringBuilder out = new StringBuilder(to - from);
    int needed = 0;
    int seen = 0;
    int codePoint = 0;
    int lower = 0x80;
    int upper = 0xBF;
    int i = from;
    while (i < to) {
      int b = bytes[i] & 0xFF;
      if (needed == 0) {
        i++;
        if (b <= 0x7F) out.append((char) b);
        else if (b >= 0xC2 && b <= 0xDF) {
          needed = 1;
          codePoint = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
          if (b == 0xE0) lower = 0xA0;
          if (b == 0xED) upper = 0x9F;
          needed = 2;
          codePoint = b & 0xF;
        } else if (b >= 0xF0 && b <= 0xF4) {
          if (b == 0xF0) lower = 0x90;
          if (b == 0xF4) upper = 0x8F;
          needed = 3;
          codePoint = b & 0x7;
        } else out.append('\uFFFD');
        continue;
      }
      if (b < lower || b > upper) {
        // The byte is not consumed: it starts the next sequence.
        codePoint = needed = seen = 0;
        lower = 0x80;
        upper = 0xBF;
        out.append('\uFFFD');
        continue;
      }
      i++;
      lower = 0x80;
      upper = 0xBF;
      codePoint = (codePoint << 6) | (b & 0x3F);
      if (++seen == needed) {
        out.appendCodePoint(codePoint);
        codePoint = needed = seen = 0;
      }
    }
    if (needed != 0) out.append('\uFFFD');
    return out.toString();
  }

  public static byte[] encode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 16);
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      int cp = c;
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        cp = Character.toCodePoint(c, s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        cp = 0xFFFD;
      }
      if (cp < 0x80) out.write(cp);
      else if (cp < 0x800) {
        out.write(0xC0 | (cp >> 6));
        out.write(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out.write(0xE0 | (cp >> 12));
        out.write(0x80 | ((cp >> 6) & 0x3F));
        out.write(0x80 | (cp & 0x3F));
      } else {
        out.write(0xF0 | (cp >> 18));
        out.write(0x80 | ((cp >> 12) & 0x3F));
        out.write(0x80 | ((cp >> 6) & 0x3F));
        out.write(0x80 | (cp & 0x3F));
      }
    }
    return out.toByteArray();
  }
}
