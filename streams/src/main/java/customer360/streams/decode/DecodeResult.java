package customer360.streams.decode;

import customer360.streams.js.Js;
import customer360.streams.js.JsObject;
import customer360.streams.model.Event;

/** One event, or the reason a record was refused (in the TypeScript decoder's words). */
public final class DecodeResult {
  public final Event event;
  public final String reason;

  private DecodeResult(Event event, String reason) {
    this.event = event;
    this.reason = reason;
  }

  public static DecodeResult ok(Event event) {
    return new DecodeResult(event, null);
  }

  public static DecodeResult fail(String reason) {
    return new DecodeResult(null, reason);
  }

  public boolean ok() {
    return event != null;
  }

  /** {"ok":true,"event":…} or {"ok":false,"reason":…}, as the engine's DecodeResult serialises. */
  public JsObject toJs() {
    JsObject o = new JsObject();
    o.put("ok", ok());
    if (ok()) o.put("event", event.toJs());
    else o.put("reason", reason);
    return o;
  }

  @Override
  public String toString() {
    return toJs().toString();
  }

  static Object orNull(Object v) {
    return v == null ? Js.NULL : v;
  }
}
