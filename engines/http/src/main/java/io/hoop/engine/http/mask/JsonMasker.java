package io.hoop.engine.http.mask;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.io.SerializedString;
import io.hoop.engine.http.config.MaskStyle;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Masks one JSON response body as it streams: bytes are fed as they arrive (netty chunks), parsed
 * by Jackson's non-blocking parser, and written back token by token with the values at masked
 * locations rewritten. Memory is bounded by one chunk, the nesting stack and the longest single
 * token (Jackson's read constraints cap a string at 20 MB and nesting at 1000 levels; beyond them
 * the body is refused, never passed through unmasked). A masked object or array is replaced whole
 * by one masked string. Several top-level values (NDJSON, watch streams) are kept one per line.
 *
 * <p>Not thread-safe; one per response.
 */
public final class JsonMasker implements BodyMasker {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  /** The body is not JSON the masker can rewrite: the response must be cut, not relayed. */
  public static final class MaskingException extends Exception {
    private static final long serialVersionUID = 1L;

    MaskingException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Where the output goes: one call per {@link #feed} or {@link #finish} that produced bytes. */
  @FunctionalInterface
  public interface Sink {
    void write(byte[] bytes, int offset, int length);
  }

  private final MaskPlan plan;
  private final Masks masks;
  private final JsonParser parser;
  private final ByteArrayFeeder feeder;
  private final JsonGenerator generator;
  private final SinkStream out;
  private final List<String> path = new ArrayList<>();
  // per open container: true for an array; arrays count their elements in `indexes`
  private final List<Boolean> arrays = new ArrayList<>();
  private final List<Integer> indexes = new ArrayList<>();
  private String field;
  private int skipDepth;
  private int masked;
  private boolean finished;

  public JsonMasker(MaskPlan plan, Sink sink) {
    this.plan = requireNonNull(plan, "plan");
    this.masks = new Masks(plan.hashKey());
    this.out = new SinkStream(requireNonNull(sink, "sink"));
    try {
      this.parser = FACTORY.createNonBlockingByteArrayParser();
      this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
      this.generator = FACTORY.createGenerator(out);
      generator.setRootValueSeparator(new SerializedString("\n"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a JSON parser", e);
    }
  }

  /** How many values were masked so far. */
  @Override
  public int masked() {
    return masked;
  }

  /** Feeds {@code length} bytes; the masked output so far goes to the sink. */
  @Override
  public void feed(byte[] bytes, int offset, int length) throws MaskingException {
    if (finished) {
      throw new IllegalStateException("the masker is finished");
    }
    try {
      feeder.feedInput(bytes, offset, offset + length);
      drain();
      generator.flush();
    } catch (IOException | RuntimeException e) {
      throw failure(e);
    }
  }

  /** The body ended: checks that it was whole JSON and writes what is left. */
  @Override
  public void finish() throws MaskingException {
    if (finished) {
      return;
    }
    finished = true;
    try {
      feeder.endOfInput();
      drain();
      if (!arrays.isEmpty() || skipDepth > 0) {
        throw new MaskingException("the JSON body ended inside an object or array", null);
      }
      generator.flush();
    } catch (IOException | RuntimeException e) {
      throw failure(e);
    }
  }

  private MaskingException failure(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int eol = message.indexOf('\n');
    return new MaskingException(
        "the JSON body cannot be masked: " + (eol < 0 ? message : message.substring(0, eol)), e);
  }

  private void drain() throws IOException, MaskingException {
    JsonToken token;
    while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
      if (skipDepth > 0) {
        if (token.isStructStart()) {
          skipDepth++;
        } else if (token.isStructEnd()) {
          skipDepth--;
          if (skipDepth == 0) {
            endValue();
          }
        }
        continue;
      }
      switch (token) {
        case FIELD_NAME -> {
          field = parser.currentName();
          // rules match the name as sent; the client sees it through the detectors (a map keyed
          // by e-mail address would otherwise show them)
          String shown = plan.detect(field, masks);
          if (shown != null) {
            masked++;
          }
          generator.writeFieldName(shown != null ? shown : field);
        }
        case START_OBJECT, START_ARRAY -> {
          List<String> at = location();
          ValueMask custom = at == null ? null : plan.customAt(at);
          MaskStyle style = at == null || custom != null ? null : plan.styleAt(at, currentField());
          if (style != null || custom != null) {
            masked++;
            String rewritten = custom != null ? custom.mask(null) : null;
            generator.writeString(rewritten != null ? rewritten : Masks.REDACTED);
            skipDepth = 1;
            continue;
          }
          if (at != null) {
            path.add(at.get(at.size() - 1));
          } else if (!arrays.isEmpty()) {
            throw new MaskingException("unexpected container position", null);
          }
          boolean array = token == JsonToken.START_ARRAY;
          arrays.add(array);
          indexes.add(0);
          field = null;
          if (array) {
            generator.writeStartArray();
          } else {
            generator.writeStartObject();
          }
        }
        case END_OBJECT, END_ARRAY -> {
          if (token == JsonToken.END_ARRAY) {
            generator.writeEndArray();
          } else {
            generator.writeEndObject();
          }
          arrays.remove(arrays.size() - 1);
          indexes.remove(indexes.size() - 1);
          if (!path.isEmpty() && path.size() > arrays.size() - 1) {
            path.remove(path.size() - 1);
          }
          endValue();
        }
        case VALUE_NULL -> {
          generator.writeNull();
          endValue();
        }
        default -> scalar(token);
      }
    }
  }

  private void scalar(JsonToken token) throws IOException {
    List<String> at = location();
    ValueMask custom = at == null ? null : plan.customAt(at);
    if (custom != null) {
      String rewritten = custom.mask(token == JsonToken.VALUE_STRING ? parser.getText() : null);
      if (rewritten == null) {
        generator.copyCurrentEventExact(parser);
      } else {
        masked++;
        generator.writeString(rewritten);
      }
      endValue();
      return;
    }
    MaskStyle style = at == null ? null : plan.styleAt(at, currentField());
    if (style == null && (token == JsonToken.VALUE_STRING || token == JsonToken.VALUE_NUMBER_INT)) {
      // an integer too: card numbers are often stored as numbers (masked, it becomes a string)
      String detected = plan.detect(parser.getText(), masks);
      if (detected != null) {
        masked++;
        generator.writeString(detected);
        endValue();
        return;
      }
    }
    if (style != null) {
      masked++;
      generator.writeString(masks.apply(style, parser.getText()));
    } else {
      generator.copyCurrentEventExact(parser);
    }
    endValue();
  }

  /** The location of the value about to be written: its parent's path plus its own segment. */
  private List<String> location() {
    if (arrays.isEmpty()) {
      return null;
    }
    List<String> at = new ArrayList<>(path.size() + 1);
    at.addAll(path);
    boolean array = arrays.get(arrays.size() - 1);
    at.add(array ? Integer.toString(indexes.get(indexes.size() - 1)) : field);
    return at;
  }

  private String currentField() {
    return !arrays.isEmpty() && !arrays.get(arrays.size() - 1) ? field : null;
  }

  private void endValue() {
    if (!arrays.isEmpty() && arrays.get(arrays.size() - 1)) {
      int last = indexes.size() - 1;
      indexes.set(last, indexes.get(last) + 1);
    }
  }

  /** Hands the generator's output to the sink without holding it. */
  private static final class SinkStream extends OutputStream {
    private final Sink sink;

    SinkStream(Sink sink) {
      this.sink = sink;
    }

    @Override
    public void write(int b) {
      sink.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (len > 0) {
        sink.write(b, off, len);
      }
    }
  }
}
