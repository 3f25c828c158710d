package customer360.streams.js;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JavaScript object's own properties in JavaScript's order: integer-like keys ("0", "7", up to
 * 4294967294) first, ascending, then every other key in the order it was first set. Setting a key
 * again changes its value, not its place. No prototype: `constructor` or `__proto__` is a key like any
 * other, as in the engine's prototype-free dicts.
 */
public final class JsObject {
  private final LinkedHashMap<String, Object> map = new LinkedHashMap<>();
  private boolean hasIndexKeys;

  public JsObject() {}

  public JsObject(JsObject from) {
    if (from != null) {
      map.putAll(from.map);
      hasIndexKeys = from.hasIndexKeys;
    }
  }

  /** True for a canonical array index: "0" or a digit string without leading zero up to 2^32 − 2. */
  public static boolean isArrayIndex(String key) {
    int n = key.length();
    if (n == 0 || n > 10) return false;
    if (key.charAt(0) == '0') return n == 1;
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9') return false;
    }
    return Long.parseLong(key) <= 4294967294L;
  }

  public void put(String key, Object value) {
    if (!hasIndexKeys && isArrayIndex(key)) hasIndexKeys = true;
    map.put(key, value);
  }

  /** The value, or null when the object has no such key (JSON null is {@link Js#NULL}). */
  public Object get(String key) {
    return map.get(key);
  }

  public boolean has(String key) {
    return map.containsKey(key);
  }

  public int size() {
    return map.size();
  }

  public boolean isEmpty() {
    return map.isEmpty();
  }

  /** Object.keys order. */
  public List<String> keys() {
    List<String> keys = new ArrayList<>(map.size());
    if (hasIndexKeys) {
      List<String> indices = new ArrayList<>();
      for (String k : map.keySet()) if (isArrayIndex(k)) indices.add(k);
      indices.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
      keys.addAll(indices);
      for (String k : map.keySet()) if (!isArrayIndex(k)) keys.add(k);
    } else {
      keys.addAll(map.keySet());
    }
    return keys;
  }

  /** Entries in Object.keys order. */
  public List<Map.Entry<String, Object>> entries() {
    List<Map.Entry<String, Object>> out = new ArrayList<>(map.size());
    for (String k : keys()) out.add(Map.entry(k, map.get(k)));
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsObject && ((JsObject) o).entries().equals(entries());
  }

  @Override
  public int hashCode() {
    return map.hashCode();
  }

  @Override
  public String toString() {
    return JsJson.stringify(this);
  }
}
