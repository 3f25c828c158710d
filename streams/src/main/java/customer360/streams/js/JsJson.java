package customer360.streams.js;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * JSON.parse and JSON.stringify as Node 20 (V8 11) does them, because the TypeScript engine's rules
 * rest on them: numbers are doubles ({@code 1e999} is Infinity, an id past 2^53 has lost digits),
 * a key given twice keeps its first place and last value, integer-like keys come first, and a
 * syntax error gives V8's message word for word (the reason a dead letter carries).
 *
 * <p>Values: {@link Js#NULL}, Boolean, Double, String, List&lt;Object&gt;, {@link JsObject}. The
 * parser is iterative, so deep nesting cannot overflow the stack.
 */
public final class JsJson {
  private JsJson() {}

  /** A SyntaxError from JSON.parse; getMessage() is V8's text. */
  public static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }

  public static Object parse(String text) throws SyntaxError {
    return new Parser(text).parse();
  }

  private enum Tok {
    STRING,
    NUMBER,
    LBRACK,
    LBRACE,
    RBRACK,
    RBRACE,
    TRUE,
    FALSE,
    NULL,
    WHITESPACE,
    COLON,
    COMMA,
    ILLEGAL,
    EOS
  }

  private static Tok tokenOf(int c) {
    if (c < 0) return Tok.EOS;
    if (c > 0xFF) return Tok.ILLEGAL;
    switch (c) {
      case '"':
        return Tok.STRING;
      case '-':
        return Tok.NUMBER;
      case '[':
        return Tok.LBRACK;
      case '{':
        return Tok.LBRACE;
      case ']':
        return Tok.RBRACK;
      case '}':
        return Tok.RBRACE;
      case 't':
        return Tok.TRUE;
      case 'f':
        return Tok.FALSE;
      case 'n':
        return Tok.NULL;
      case ' ':
      case '\t':
      case '\r':
      case '\n':
        return Tok.WHITESPACE;
      case ':':
        return Tok.COLON;
      case ',':
        return Tok.COMMA;
      default:
        return c >= '0' && c <= '9' ? Tok.NUMBER : Tok.ILLEGAL;
    }
  }

  private static final String PROP_NAME_OR_RBRACE = "Expected property name or '}'";
  private static final String DOUBLE_QUOTED_PROP_NAME = "Expected double-quoted property name";
  private static final String COLON_AFTER_PROP_NAME = "Expected ':' after property name";
  private static final String COMMA_OR_RBRACE = "Expected ',' or '}' after property value";
  private static final String COMMA_OR_RBRACK = "Expected ',' or ']' after array element";
  private static final String NON_WHITESPACE_AFTER = "Unexpected non-whitespace character after JSON";
  private static final String UNTERMINATED_STRING = "Unterminated string";
  private static final String BAD_CONTROL = "Bad control character in string literal";
  private static final String BAD_UNICODE = "Bad Unicode escape";
  private static final String BAD_ESCAPE = "Bad escaped character";
  private static final String NO_NUMBER_AFTER_MINUS = "No number after minus sign";
  private static final String UNTERMINATED_FRACTION = "Unterminated fractional number";
  private static final String EXPONENT_MISSING = "Exponent part is missing a number";

  /** V8 gives context around a bad token only in sources at least this long. */
  private static final int MIN_LENGTH_FOR_CONTEXT = 21;

  private static final int MAX_CONTEXT = 10;

  private static final class Parser {
    private final String s;
    private final int end;
    private int cursor;
    private Tok next = Tok.EOS;

    Parser(String s) {
      this.s = s;
      this.end = s.length();
    }

    private int current() {
      return cursor < end ? s.charAt(cursor) : -1;
    }

    private int nextCharacter() {
      cursor++;
      return current();
    }

    private void skipWhitespace() {
      while (cursor < end) {
        char c = s.charAt(cursor);
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') break;
        cursor++;
      }
      next = cursor < end ? tokenOf(s.charAt(cursor)) : Tok.EOS;
    }

    private boolean check(Tok t) {
      skipWhitespace();
      if (next != t) return false;
      cursor++;
      return true;
    }

    private void expect(Tok t, String message) throws SyntaxError {
      if (next == t) cursor++;
      else throw error(message);
    }

    private void expectNext(Tok t, String message) throws SyntaxError {
      skipWhitespace();
      expect(t, message);
    }

    /** Without a message of its own, the error names the token found instead. */
    private void expectNext(Tok t) throws SyntaxError {
      skipWhitespace();
      if (next == t) cursor++;
      else throw unexpectedToken(next);
    }

    private SyntaxError error(String message) {
      if (message == NON_WHITESPACE_AFTER) return new SyntaxError(message + " at position " + cursor);
      return new SyntaxError(message + " in JSON at position " + cursor);
    }

    private SyntaxError unexpectedCharacter(int c) {
      return unexpectedToken(tokenOf(c));
    }

    private SyntaxError unexpectedToken(Tok token) {
      int pos = cursor;
      switch (token) {
        case EOS:
          return new SyntaxError("Unexpected end of JSON input");
        case NUMBER:
          return new SyntaxError("Unexpected number in JSON at position " + pos);
        case STRING:
          return new SyntaxError("Unexpected string in JSON at position " + pos);
        default:
          break;
      }
      if (s.equals("[object Object]") || s.equals("undefined") || s.equals("Infinity") || s.equals("NaN"))
        return new SyntaxError("\"" + s + "\" is not valid JSON");
      String token1 = String.valueOf(s.charAt(pos));
      String head = "Unexpected token '" + token1 + "', ";
      if (end < MIN_LENGTH_FOR_CONTEXT) return new SyntaxError(head + "\"" + s + "\" is not valid JSON");
      if (pos < MAX_CONTEXT)
        return new SyntaxError(head + "\"" + s.substring(0, pos + MAX_CONTEXT) + "\"... is not valid JSON");
      if (pos < end - MAX_CONTEXT)
        return new SyntaxError(
            head + "...\"" + s.substring(pos - MAX_CONTEXT, pos + MAX_CONTEXT) + "\"... is not valid JSON");
      return new SyntaxError(head + "...\"" + s.substring(pos - MAX_CONTEXT) + "\" is not valid JSON");
    }

    Object parse() throws SyntaxError {
      Deque<Object> stack = new ArrayDeque<>();
      Deque<String> keys = new ArrayDeque<>();
      Object value;
      while (true) {
        produce:
        while (true) {
          skipWhitespace();
          switch (next) {
            case STRING:
              cursor++;
              value = scanString();
              break produce;
            case NUMBER:
              value = parseNumber();
              break produce;
            case LBRACE:
              cursor++;
              if (check(Tok.RBRACE)) {
                value = new JsObject();
                break produce;
              }
              stack.push(new JsObject());
              expect(Tok.STRING, PROP_NAME_OR_RBRACE);
              keys.push(scanString());
              expectNext(Tok.COLON, COLON_AFTER_PROP_NAME);
              continue;
            case LBRACK:
              cursor++;
              if (check(Tok.RBRACK)) {
                value = new ArrayList<Object>();
                break produce;
              }
              stack.push(new ArrayList<Object>());
              continue;
            case TRUE:
              scanLiteral("true");
              value = Boolean.TRUE;
              break produce;
            case FALSE:
              scanLiteral("false");
              value = Boolean.FALSE;
              break produce;
            case NULL:
              scanLiteral("null");
              value = Js.NULL;
              break produce;
            default:
              throw unexpectedCharacter(current());
          }
        }
        consume:
        while (true) {
          if (stack.isEmpty()) {
            expectNext(Tok.EOS, NON_WHITESPACE_AFTER);
            return value;
          }
          Object top = stack.peek();
          if (top instanceof JsObject) {
            JsObject obj = (JsObject) top;
            obj.put(keys.pop(), value);
            if (check(Tok.COMMA)) {
              expectNext(Tok.STRING, DOUBLE_QUOTED_PROP_NAME);
              keys.push(scanString());
              // Node 20's V8 words only the first property's missing colon.
              expectNext(Tok.COLON);
              break consume;
            }
            expect(Tok.RBRACE, COMMA_OR_RBRACE);
            value = stack.pop();
          } else {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) top;
            list.add(value);
            if (check(Tok.COMMA)) break consume;
            expect(Tok.RBRACK, COMMA_OR_RBRACK);
            value = stack.pop();
          }
        }
      }
    }

    private void scanLiteral(String literal) throws SyntaxError {
      int n = literal.length();
      int remaining = end - cursor;
      if (remaining >= n && s.regionMatches(cursor + 1, literal, 1, n - 1)) {
        cursor += n;
        return;
      }
      cursor++;
      int limit = Math.min(n - 1, remaining - 1);
      for (int i = 0; i < limit; i++) {
        if (literal.charAt(1 + i) != s.charAt(cursor)) throw unexpectedCharacter(s.charAt(cursor));
        cursor++;
      }
      throw unexpectedToken(Tok.EOS);
    }

    /** From just after the opening quote; leaves the cursor after the closing one. */
    private String scanString() throws SyntaxError {
      StringBuilder b = null;
      int start = cursor;
      while (true) {
        while (cursor < end) {
          char c = s.charAt(cursor);
          if (c == '"' || c == '\\' || c < 0x20) break;
          cursor++;
        }
        if (cursor >= end) throw error(UNTERMINATED_STRING);
        char c = s.charAt(cursor);
        if (c == '"') {
          String text = b == null ? s.substring(start, cursor) : b.append(s, start, cursor).toString();
          cursor++;
          return text;
        }
        if (c == '\\') {
          if (b == null) b = new StringBuilder();
          b.append(s, start, cursor);
          int e = nextCharacter();
          if (e < 0 || e > 0xFF) throw unexpectedCharacter(e);
          switch (e) {
            case '"':
            case '\\':
            case '/':
              b.append((char) e);
              break;
            case 'b':
              b.append('\b');
              break;
            case 't':
              b.append('\t');
              break;
            case 'n':
              b.append('\n');
              break;
            case 'f':
              b.append('\f');
              break;
            case 'r':
              b.append('\r');
              break;
            case 'u':
              {
                int value = 0;
                for (int i = 0; i < 4; i++) {
                  int d = Character.digit(nextCharacter(), 16);
                  int ch = current();
                  if (ch < 0 || ch > 0x7F || d < 0) throw error(BAD_UNICODE);
                  value = value * 16 + d;
                }
                b.append((char) value);
                break;
              }
            default:
              throw error(BAD_ESCAPE);
          }
          cursor++;
          start = cursor;
          continue;
        }
        throw error(BAD_CONTROL);
      }
    }

    private static boolean isDigit(int c) {
      return c >= '0' && c <= '9';
    }

    private static boolean isNumberPart(int c) {
      return isDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+';
    }

    private void advanceToNonDecimal() {
      while (cursor < end && isDigit(s.charAt(cursor))) cursor++;
    }

    private Object parseNumber() throws SyntaxError {
      int start = cursor;
      int c = current();
      if (c == '-') c = nextCharacter();
      if (c == '0') {
        c = nextCharacter();
        if (isNumberPart(c) && isDigit(c)) throw unexpectedToken(Tok.NUMBER);
      } else {
        int digits = cursor;
        advanceToNonDecimal();
        if (digits == cursor) throw error(NO_NUMBER_AFTER_MINUS);
      }
      if (current() == '.') {
        c = nextCharacter();
        if (!isDigit(c)) throw error(UNTERMINATED_FRACTION);
        advanceToNonDecimal();
      }
      int e = current();
      if (e == 'e' || e == 'E') {
        c = nextCharacter();
        if (c == '-' || c == '+') c = nextCharacter();
        if (!isDigit(c)) throw error(EXPONENT_MISSING);
        advanceToNonDecimal();
      }
      return Double.parseDouble(s.substring(start, cursor));
    }
  }

  /** JSON.stringify of a value made of the types above (and Long/Integer for counts). */
  public static String stringify(Object value) {
    StringBuilder b = new StringBuilder();
    write(b, value);
    return b.toString();
  }

  public static void write(StringBuilder b, Object v) {
    if (v == null || v == Js.NULL) b.append("null");
    else if (v instanceof String) quote(b, (String) v);
    else if (v instanceof Boolean) b.append(((Boolean) v) ? "true" : "false");
    else if (v instanceof Double) {
      double d = (Double) v;
      b.append(Double.isFinite(d) ? Js.numberToString(d) : "null");
    } else if (v instanceof Long || v instanceof Integer) b.append(v.toString());
    else if (v instanceof List) {
      b.append('[');
      boolean first = true;
      for (Object item : (List<?>) v) {
        if (!first) b.append(',');
        first = false;
        write(b, item);
      }
      b.append(']');
    } else if (v instanceof JsObject) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : ((JsObject) v).entries()) {
        if (!first) b.append(',');
        first = false;
        quote(b, e.getKey());
        b.append(':');
        write(b, e.getValue());
      }
      b.append('}');
    } else if (v instanceof JsonText) b.append(((JsonText) v).json);
    else throw new IllegalArgumentException("not a JSON value: " + v.getClass());
  }

  /** Already-serialised JSON, written as it is. */
  public static final class JsonText {
    final String json;

    public JsonText(String json) {
      this.json = json;
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  public static void quote(StringBuilder b, String s) {
    b.append('"');
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\b':
          b.append("\\b");
          break;
        case '\f':
          b.append("\\f");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        default:
          if (c < 0x20) unicodeEscape(b, c);
          else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
            b.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) unicodeEscape(b, c);
          else b.append(c);
      }
    }
    b.append('"');
  }

  private static void unicodeEscape(StringBuilder b, char c) {
    b.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
  }

  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2);
    quote(b, s);
    return b.toString();
  }
}
