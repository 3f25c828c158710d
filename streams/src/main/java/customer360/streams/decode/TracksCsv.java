package customer360.streams.decode;

import customer360.streams.js.JsJson;
import customer360.streams.js.Utf8;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Listen events as tracks CSV lines (main/engine/decode/tracks-csv.ts):
 * {@code eventId,customerId,trackId,datetime,mobile,zip}, no header. A line without quotes is split on
 * commas; a quoted line is read as csv-parse 7 reads it with the engine's options (RFC 4180 quoting,
 * record delimiter found from the first CR, LF or CRLF, no trimming, relaxed column count), over the
 * line's UTF-8 bytes, with csv-parse's error messages. Only the first record counts; an error anywhere
 * refuses the line.
 */
final class TracksCsv {
  private TracksCsv() {}

  static final class CsvError extends Exception {
    private static final long serialVersionUID = 1L;

    CsvError(String message) {
      super(message, null, false, false);
    }
  }

  static DecodeResult decodeLine(String line) {
    List<String> cells;
    if (line.indexOf('"') >= 0) {
      try {
        List<List<String>> rows = parse(Utf8.encode(line));
        cells = rows.isEmpty() ? List.of() : rows.get(0);
      } catch (CsvError e) {
        return DecodeResult.fail("bad CSV: " + e.getMessage());
      }
    } else {
      cells = Arrays.asList(line.split(",", -1));
    }
    if (cells.size() != 6) return DecodeResult.fail("expected 6 fields, found " + cells.size());
    return RecordDecoder.listenFromCells(cells);
  }

  private static final int CR = 13;
  private static final int NL = 10;
  private static final int QUOTE = '"';
  private static final int COMMA = ',';
  private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  /** csv-parse's state machine for the default options plus relax_column_count. */
  static List<List<String>> parse(byte[] buf) throws CsvError {
    int len = buf.length;
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    ByteArrayOutputStream field = new ByteArrayOutputStream();
    boolean quoting = false;
    boolean wasQuoting = false;
    boolean escaping = false;
    boolean wasRowDelimiter = false;
    int lines = 1;
    byte[] recordDelimiter = null;
    for (int pos = 0; pos < len; pos++) {
      if (wasRowDelimiter) {
        lines++;
        wasRowDelimiter = false;
      }
      if (!quoting && recordDelimiter == null) recordDelimiter = discoverRecordDelimiter(buf, pos);
      int chr = buf[pos] & 0xFF;
      if ((chr == CR || chr == NL) && !wasRowDelimiter) wasRowDelimiter = true;
      if (escaping) {
        escaping = false;
      } else {
        if (quoting && chr == QUOTE && pos + 1 < len && (buf[pos + 1] & 0xFF) == QUOTE) {
          escaping = true;
          continue;
        }
        if (chr == QUOTE) {
          if (quoting) {
            int nextChr = pos + 1 < len ? buf[pos + 1] & 0xFF : -1;
            boolean nextIsDelimiter = nextChr == COMMA;
            boolean nextIsRecordDelimiter;
            if (recordDelimiter == null) {
              recordDelimiter = discoverRecordDelimiter(buf, pos + 1);
              nextIsRecordDelimiter = recordDelimiter != null;
            } else nextIsRecordDelimiter = matches(buf, pos + 1, recordDelimiter);
            if (nextChr <= 0 || nextIsDelimiter || nextIsRecordDelimiter) {
              quoting = false;
              wasQuoting = true;
              continue;
            }
            throw new CsvError(
                "Invalid Closing Quote: got \""
                    + (char) nextChr
                    + "\" at line "
                    + lines
                    + " instead of delimiter, record delimiter, trimable character (if activated) or comment");
          }
          if (field.size() != 0) {
            byte[] bytes = field.toByteArray();
            String message =
                "Invalid Opening Quote: a quote is found on field "
                    + record.size()
                    + " at line "
                    + lines
                    + ", value is "
                    + JsJson.quote(Utf8.decode(bytes));
            if (Arrays.equals(bytes, UTF8_BOM)) message += " (utf8 bom)";
            throw new CsvError(message);
          }
          quoting = true;
          continue;
        }
        if (!quoting) {
          int rd = recordDelimiter != null && matches(buf, pos, recordDelimiter) ? recordDelimiter.length : 0;
          if (rd != 0) {
            record.add(Utf8.decode(field.toByteArray()));
            field.reset();
            wasQuoting = false;
            records.add(record);
            record = new ArrayList<>();
            pos += rd - 1;
            continue;
          }
          if (chr == COMMA) {
            record.add(Utf8.decode(field.toByteArray()));
            field.reset();
            wasQuoting = false;
            continue;
          }
        }
      }
      field.write(chr);
    }
    if (quoting)
      throw new CsvError("Quote Not Closed: the parsing is finished with an opening quote at line " + lines);
    if (wasQuoting || !record.isEmpty() || field.size() != 0) {
      record.add(Utf8.decode(field.toByteArray()));
      records.add(record);
    }
    return records;
  }

  private static byte[] discoverRecordDelimiter(byte[] buf, int pos) {
    if (pos < buf.length && buf[pos] == CR) {
      return pos + 1 < buf.length && buf[pos + 1] == NL ? new byte[] {CR, NL} : new byte[] {CR};
    }
    if (pos < buf.length && buf[pos] == NL) return new byte[] {NL};
    return null;
  }

  private static boolean matches(byte[] buf, int pos, byte[] what) {
    if (pos + what.length > buf.length) return false;
    for (int i = 0; i < what.length; i++) if (buf[pos + i] != what[i]) return false;
    return true;
  }
}
