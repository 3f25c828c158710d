package customer360.streams.model;

import customer360.streams.js.JsObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Binary forms for the state stores and the internal events topic: a version byte, then fields in
 * a fixed order. Strings are written with writeUTF (every string here is at most 8,192 characters,
 * well under its 65,535-byte limit, and lone surrogates survive it).
 */
public final class Codec {
  private Codec() {}

  private static final byte PROFILE_V1 = 1;
  private static final byte EVENT_V1 = 1;
  private static final byte LISTEN = 'L';
  private static final byte CLICK = 'C';
  private static final byte PREDICTION = 'P';
  private static final byte CUSTOMER = 'R';

  @FunctionalInterface
  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] bytes(Writer w) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(buf)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  private static void optionalString(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) out.writeUTF(s);
  }

  private static String optionalString(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  private static void optionalDouble(DataOutputStream out, Double d) throws IOException {
    out.writeBoolean(d != null);
    if (d != null) out.writeDouble(d);
  }

  private static Double optionalDouble(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readDouble() : null;
  }

  /** CRM fields: String, Double or Boolean values, in their order. */
  private static void crmFields(DataOutputStream out, JsObject fields) throws IOException {
    List<Map.Entry<String, Object>> entries = fields.entries();
    out.writeInt(entries.size());
    for (Map.Entry<String, Object> e : entries) {
      out.writeUTF(e.getKey());
      Object v = e.getValue();
      if (v instanceof String) {
        out.writeByte('S');
        out.writeUTF((String) v);
      } else if (v instanceof Double) {
        out.writeByte('D');
        out.writeDouble((Double) v);
      } else if (v instanceof Boolean) {
        out.writeByte('B');
        out.writeBoolean((Boolean) v);
      } else throw new IllegalArgumentException("not a CRM value: " + v);
    }
  }

  private static JsObject crmFields(DataInputStream in) throws IOException {
    JsObject fields = new JsObject();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      String name = in.readUTF();
      byte type = in.readByte();
      switch (type) {
        case 'S':
          fields.put(name, in.readUTF());
          break;
        case 'D':
          fields.put(name, in.readDouble());
          break;
        case 'B':
          fields.put(name, in.readBoolean());
          break;
        default:
          throw new IOException("unknown CRM value type " + type);
      }
    }
    return fields;
  }

  public static byte[] encodeEvent(Event event) {
    return bytes(
        out -> {
          out.writeByte(EVENT_V1);
          if (event instanceof Event.Listen) {
            Event.Listen e = (Event.Listen) event;
            out.writeByte(LISTEN);
            out.writeUTF(e.customerId);
            optionalString(out, e.eventId);
            out.writeUTF(e.trackId);
            writeTime(out, e.at);
            out.writeBoolean(e.mobile);
            optionalString(out, e.zip);
          } else if (event instanceof Event.Click) {
            Event.Click e = (Event.Click) event;
            out.writeByte(CLICK);
            out.writeUTF(e.customerId);
            writeTime(out, e.at);
            optionalString(out, e.os);
            optionalString(out, e.browser);
            optionalDouble(out, e.responseTimeMs);
            optionalString(out, e.product);
            optionalString(out, e.url);
          } else if (event instanceof Event.Prediction) {
            Event.Prediction e = (Event.Prediction) event;
            out.writeByte(PREDICTION);
            out.writeUTF(e.customerId);
            optionalDouble(out, e.churnRisk);
            out.writeByte(e.label == null ? -1 : e.label);
            optionalString(out, e.model);
            optionalString(out, e.ts);
          } else if (event instanceof Event.Customer) {
            Event.Customer e = (Event.Customer) event;
            out.writeByte(CUSTOMER);
            out.writeUTF(e.customerId);
            crmFields(out, e.fields);
          } else throw new IllegalArgumentException("unknown event " + event);
        });
  }

  private static void writeTime(DataOutputStream out, WrittenTime t) throws IOException {
    out.writeUTF(t.text);
    out.writeByte(t.hour);
    out.writeByte(t.dayOfWeek);
    out.writeLong(t.epochMs);
  }

  private static WrittenTime readTime(DataInputStream in) throws IOException {
    return new WrittenTime(in.readUTF(), in.readByte(), in.readByte(), in.readLong());
  }

  public static Event decodeEvent(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte version = in.readByte();
      if (version != EVENT_V1) throw new IOException("unknown event version " + version);
      byte kind = in.readByte();
      switch (kind) {
        case LISTEN:
          {
            String customerId = in.readUTF();
            String eventId = optionalString(in);
            String trackId = in.readUTF();
            WrittenTime at = readTime(in);
            boolean mobile = in.readBoolean();
            return new Event.Listen(eventId, customerId, trackId, at, mobile, optionalString(in));
          }
        case CLICK:
          {
            String customerId = in.readUTF();
            WrittenTime at = readTime(in);
            String os = optionalString(in);
            String browser = optionalString(in);
            Double ms = optionalDouble(in);
            String product = optionalString(in);
            return new Event.Click(customerId, at, os, browser, ms, product, optionalString(in));
          }
        case PREDICTION:
          {
            String customerId = in.readUTF();
            Double risk = optionalDouble(in);
            byte label = in.readByte();
            String model = optionalString(in);
            return new Event.Prediction(customerId, risk, label < 0 ? null : (int) label, model, optionalString(in));
          }
        case CUSTOMER:
          return new Event.Customer(in.readUTF(), crmFields(in));
        default:
          throw new IOException("unknown event kind " + kind);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void seen(DataOutputStream out, Profile.Seen s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s.text);
      out.writeLong(s.epochMs);
    }
  }

  public static byte[] encodeProfile(Profile p) {
    return bytes(
        out -> {
          out.writeByte(PROFILE_V1);
          out.writeUTF(p.customerId);
          out.writeLong(p.listens);
          out.writeLong(p.uniqueTracks);
          out.writeLong(p.morning);
          out.writeLong(p.afternoon);
          out.writeLong(p.evening);
          out.writeLong(p.night);
          out.writeLong(p.mobile);
          int cells = 0;
          for (long n : p.dayHour) if (n != 0) cells++;
          out.writeShort(cells);
          for (int i = 0; i < p.dayHour.length; i++) {
            if (p.dayHour[i] == 0) continue;
            out.writeByte(i);
            out.writeLong(p.dayHour[i]);
          }
          seen(out, p.firstSeen);
          seen(out, p.lastSeen);
          seen(out, p.listenZip);
          if (p.listenZip != null) out.writeUTF(p.listenZip.zip);
          out.writeLong(p.clicks);
          Profile.ResponseTimes r = p.responseTimes;
          out.writeBoolean(r != null);
          if (r != null) {
            out.writeLong(r.count);
            out.writeDouble(r.sum);
            out.writeDouble(r.sumSquares);
            out.writeDouble(r.min);
            out.writeDouble(r.max);
          }
          List<Map.Entry<String, Object>> products = p.products.entries();
          out.writeInt(products.size());
          for (Map.Entry<String, Object> e : products) {
            out.writeUTF(e.getKey());
            out.writeLong((Long) e.getValue());
          }
          out.writeByte(p.churnHistory.size());
          for (Profile.ChurnPoint c : p.churnHistory) {
            optionalDouble(out, c.risk);
            out.writeByte(c.label == null ? -1 : c.label);
            optionalString(out, c.model);
            optionalString(out, c.ts);
          }
          out.writeBoolean(p.crm != null);
          if (p.crm != null) crmFields(out, p.crm);
        });
  }

  public static Profile decodeProfile(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte version = in.readByte();
      if (version != PROFILE_V1) throw new IOException("unknown profile version " + version);
      Profile p = new Profile(in.readUTF());
      p.listens = in.readLong();
      p.uniqueTracks = in.readLong();
      p.morning = in.readLong();
      p.afternoon = in.readLong();
      p.evening = in.readLong();
      p.night = in.readLong();
      p.mobile = in.readLong();
      int cells = in.readShort();
      for (int i = 0; i < cells; i++) {
        int cell = in.readUnsignedByte();
        p.dayHour[cell] = in.readLong();
      }
      if (in.readBoolean()) p.firstSeen = new Profile.Seen(in.readUTF(), in.readLong());
      if (in.readBoolean()) p.lastSeen = new Profile.Seen(in.readUTF(), in.readLong());
      if (in.readBoolean()) {
        String text = in.readUTF();
        long epochMs = in.readLong();
        p.listenZip = new Profile.ZipSeen(text, epochMs, in.readUTF());
      }
      p.clicks = in.readLong();
      if (in.readBoolean())
        p.responseTimes =
            new Profile.ResponseTimes(in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
      int products = in.readInt();
      for (int i = 0; i < products; i++) p.products.put(in.readUTF(), in.readLong());
      int churn = in.readByte();
      List<Profile.ChurnPoint> history = new ArrayList<>(churn);
      for (int i = 0; i < churn; i++) {
        Double risk = optionalDouble(in);
        byte label = in.readByte();
        String model = optionalString(in);
        history.add(new Profile.ChurnPoint(risk, label < 0 ? null : (int) label, model, optionalString(in)));
      }
      p.churnHistory.addAll(history);
      if (in.readBoolean()) p.crm = crmFields(in);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
