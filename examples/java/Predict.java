import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * gitops-ml client in Java 11+, standard library only (java.net.http).
 *
 * <p>Sends one text, then a batch, to POST /v1/predict and prints one line per text:
 *
 * <pre>
 * model   &lt;name&gt;  &lt;version&gt;
 * single  &lt;label&gt; &lt;score&gt; &lt;text&gt;
 * batch   &lt;label&gt; &lt;score&gt; &lt;text&gt;
 * </pre>
 *
 * <p>Environment: GITOPS_ML_URL (default http://localhost:8080), GITOPS_ML_API_KEY (sent as
 * "Authorization: Bearer &lt;key&gt;" when set), GITOPS_ML_TIMEOUT_SECONDS (each attempt,
 * default 10). Arguments: the texts (default: three sample sentences); the first is sent
 * alone, then all of them as one batch.
 *
 * <p>429 and 503 are retried after the answer's Retry-After, a refused or reset connection
 * with exponential backoff, at most 5 attempts in all. A timeout is not retried: the
 * server may still be working on the request. Exit code 0 on success, 1 otherwise.
 *
 * <p>Run: {@code java Predict.java ["text" ...]} (source launch), or {@code javac Predict.java
 * && java Predict}.
 */
public final class Predict {
  private static final List<String> SAMPLES =
      List.of("I did not like this movie at all.", "What a wonderful film.", "The plot was dull and far too long.");
  private static final int MAX_ATTEMPTS = 5;
  private static final double MAX_WAIT_SECONDS = 60;

  private Predict() {}

  /** A failed call: its message is what the user sees. */
  static final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;

    ApiException(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    String baseUrl = env("GITOPS_ML_URL", "http://localhost:8080").replaceAll("/+$", "");
    String apiKey = env("GITOPS_ML_API_KEY", "");
    double timeoutSeconds;
    try {
      timeoutSeconds = Double.parseDouble(env("GITOPS_ML_TIMEOUT_SECONDS", "10"));
    } catch (NumberFormatException e) {
      timeoutSeconds = -1;
    }
    if (!(timeoutSeconds > 0)) {
      System.err.println("error: GITOPS_ML_TIMEOUT_SECONDS must be a positive number");
      System.exit(1);
    }
    List<String> texts = args.length > 0 ? List.of(args) : SAMPLES;
    Duration timeout = Duration.ofMillis(Math.round(timeoutSeconds * 1000));
    // HTTP/1.1: the service speaks no cleartext HTTP/2, so skip the h2c upgrade attempt.
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    try {
      Map<String, Object> single = asObject(predict(http, baseUrl, apiKey, timeout, "{\"text\":" + Json.quote(texts.get(0)) + "}"));
      Map<String, Object> model = asObject(single.get("model"));
      System.out.println("model\t" + model.get("name") + "\t" + model.get("version"));
      System.out.println(line("single", single, texts.get(0)));

      List<String> quoted = new ArrayList<>();
      for (String t : texts) quoted.add(Json.quote(t));
      Map<String, Object> batch = asObject(predict(http, baseUrl, apiKey, timeout, "{\"texts\":[" + String.join(",", quoted) + "]}"));
      List<?> predictions = (List<?>) batch.get("predictions");
      for (int i = 0; i < predictions.size(); i++) {
        System.out.println(line("batch", asObject(predictions.get(i)), texts.get(i)));
      }
    } catch (ApiException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.exit(1);
    }
  }

  static Object predict(HttpClient http, String baseUrl, String apiKey, Duration timeout, String body)
      throws ApiException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(baseUrl + "/v1/predict"))
              // Covers waiting for the answer's headers; connectTimeout (on the client) covers connecting.
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .header("Accept", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body));
      if (!apiKey.isEmpty()) request.header("Authorization", "Bearer " + apiKey);
      HttpResponse<String> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (HttpTimeoutException e) {
        throw new ApiException("timed out after " + timeout.toMillis() / 1000.0 + " s");
      } catch (IOException e) {
        if (attempt >= MAX_ATTEMPTS) throw new ApiException("cannot reach " + baseUrl + ": " + e);
        double wait = backoffSeconds(attempt);
        System.err.printf(Locale.ROOT, "connection failed (%s), retrying in %.1f s%n", e instanceof ConnectException ? "connection refused" : e, wait);
        sleep(wait);
        continue;
      }
      int status = response.statusCode();
      if (status == 200) return Json.parse(response.body());
      if ((status == 429 || status == 503) && attempt < MAX_ATTEMPTS) {
        double wait = retryAfterSeconds(response.headers().firstValue("Retry-After").orElse(null), attempt);
        System.err.printf(Locale.ROOT, "HTTP %d, retrying in %.1f s (attempt %d of %d)%n", status, wait, attempt, MAX_ATTEMPTS);
        sleep(wait);
        continue;
      }
      throw new ApiException("HTTP " + status + ": " + describe(response.body()));
    }
  }

  /** 0.5 s, 1 s, 2 s, ... with up to 20 % jitter so that clients do not retry in lockstep. */
  static double backoffSeconds(int attempt) {
    return Math.min(0.5 * Math.pow(2, attempt - 1), MAX_WAIT_SECONDS) * (1 + ThreadLocalRandom.current().nextDouble() * 0.2);
  }

  /** Seconds to wait: the Retry-After header (delta-seconds or HTTP-date), else exponential backoff. */
  static double retryAfterSeconds(String value, int attempt) {
    if (value != null) {
      String v = value.trim();
      if (v.matches("\\d+")) return Math.min(Double.parseDouble(v), MAX_WAIT_SECONDS);
      try {
        ZonedDateTime when = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        double seconds = Duration.between(ZonedDateTime.now(when.getZone()), when).toMillis() / 1000.0;
        return Math.min(Math.max(seconds, 0), MAX_WAIT_SECONDS);
      } catch (DateTimeParseException e) {
        // neither form: fall back to backoff
      }
    }
    return backoffSeconds(attempt);
  }

  static void sleep(double seconds) throws InterruptedException {
    Thread.sleep(Math.round(seconds * 1000));
  }

  /** The problem+json body's type and detail (RFC 9457), or the raw body. */
  static String describe(String body) {
    try {
      Map<String, Object> problem = asObject(Json.parse(body));
      if (problem.get("type") != null) return problem.get("type") + ": " + problem.get("detail");
    } catch (IllegalArgumentException | ClassCastException e) {
      // not JSON: show it as it is
    }
    return body.length() > 200 ? body.substring(0, 200) : body;
  }

  static String line(String kind, Map<String, Object> prediction, String text) {
    double score = ((Number) prediction.get("score")).doubleValue();
    return kind + "\t" + prediction.get("label") + "\t" + String.format(Locale.ROOT, "%.4f", score) + "\t" + text;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asObject(Object value) {
    return (Map<String, Object>) value;
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  /** Just enough JSON for this API (the JDK has no parser): objects, arrays, strings, numbers, literals. */
  static final class Json {
    private final String s;
    private int i;

    private Json(String s) {
      this.s = s;
    }

    static Object parse(String text) {
      Json p = new Json(text);
      Object v = p.value();
      p.space();
      if (p.i != p.s.length()) throw p.error("trailing characters");
      return v;
    }

    static String quote(String text) {
      StringBuilder b = new StringBuilder("\"");
      for (char c : text.toCharArray()) {
        if (c == '"') b.append("\\\"");
        else if (c == '\\') b.append("\\\\");
        else if (c == '\n') b.append("\\n");
        else if (c == '\r') b.append("\\r");
        else if (c == '\t') b.append("\\t");
        else if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
        else b.append(c);
      }
      return b.append('"').toString();
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException("invalid JSON at " + i + ": " + what);
    }

    private void space() {
      while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) i++;
    }

    private Object value() {
      space();
      if (i >= s.length()) throw error("unexpected end");
      char c = s.charAt(i);
      if (c == '{') return object();
      if (c == '[') return array();
      if (c == '"') return string();
      for (String literal : new String[] {"true", "false", "null"}) {
        if (s.startsWith(literal, i)) {
          i += literal.length();
          return literal.equals("null") ? null : Boolean.valueOf(literal);
        }
      }
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
      if (start == i) throw error("unexpected character");
      try {
        return Double.parseDouble(s.substring(start, i));
      } catch (NumberFormatException e) {
        throw error("bad number");
      }
    }

    private Map<String, Object> object() {
      Map<String, Object> out = new LinkedHashMap<>();
      i++;
      space();
      if (i < s.length() && s.charAt(i) == '}') {
        i++;
        return out;
      }
      for (;;) {
        space();
        if (i >= s.length() || s.charAt(i) != '"') throw error("expected a key");
        String key = string();
        space();
        if (i >= s.length() || s.charAt(i++) != ':') throw error("expected ':'");
        out.put(key, value());
        space();
        if (i >= s.length()) throw error("unexpected end");
        char c = s.charAt(i++);
        if (c == '}') return out;
        if (c != ',') throw error("expected ',' or '}'");
      }
    }

    private List<Object> array() {
      List<Object> out = new ArrayList<>();
      i++;
      space();
      if (i < s.length() && s.charAt(i) == ']') {
        i++;
        return out;
      }
      for (;;) {
        out.add(value());
        space();
        if (i >= s.length()) throw error("unexpected end");
        char c = s.charAt(i++);
        if (c == ']') return out;
        if (c != ',') throw error("expected ',' or ']'");
      }
    }

    private String string() {
      StringBuilder b = new StringBuilder();
      i++;
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '"') return b.toString();
        if (c != '\\') {
          b.append(c);
          continue;
        }
        if (i >= s.length()) break;
        char e = s.charAt(i++);
        if (e == 'n') b.append('\n');
        else if (e == 't') b.append('\t');
        else if (e == 'r') b.append('\r');
        else if (e == 'b') b.append('\b');
        else if (e == 'f') b.append('\f');
        else if (e == 'u') {
          if (i + 4 > s.length()) throw error("bad \\u escape");
          b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          i += 4;
        } else b.append(e); // \" \\ \/
      }
      throw error("unterminated string");
    }
  }
}
