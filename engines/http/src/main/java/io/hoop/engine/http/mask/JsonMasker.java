package io.hoop.engine.http.mask;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.io.SerializedString;
import io.hoop.engine.http.config.MaskStyle;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

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
  private static final int MAX_ENCODED_NAMES = 1024;

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
  // One level per open container, with the segment of the value being written in it: the index of
  // the current element for an array, the current member's name for an object. The location of a
  // value is the segments of levels 0..depth-1, read in place (no path is built per value).
  private boolean[] arrays = new boolean[16];
  private int[] indexes = new int[16];
  private String[] names = new String[16];
  private int depth;
  private final Location location = new Location();
  private final boolean rules;
  private final Map<String, SerializedString> encodedNames = new HashMap<>();
  private int skipDepth;
  private int masked;
  private boolean finished;

  public JsonMasker(MaskPlan plan, Sink sink) {
    this.plan = requireNonNull(plan, "plan");
    this.masks = new Masks(plan.hashKey());
    this.rules = plan.hasLocationRules();
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
      if (depth > 0 || skipDepth > 0) {
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
          String field = parser.currentName();
          names[depth - 1] = field;
          // rules match the name as sent; the client sees it through the detectors (a map keyed
          // by e-mail address would otherwise show them)
          String shown = plan.detect(field, masks);
          if (shown != null) {
            masked++;
            generator.writeFieldName(shown);
          } else {
            generator.writeFieldName(encodedName(field));
          }
        }
        case START_OBJECT, START_ARRAY -> {
          if (depth > 0 && rules) {
            ValueMask custom = plan.customAt(location);
            MaskStyle style = custom != null ? null : plan.styleAt(location, currentField());
            if (style != null || custom != null) {
              masked++;
              String rewritten = custom != null ? custom.mask(null) : null;
              generator.writeString(rewritten != null ? rewritten : Masks.REDACTED);
              skipDepth = 1;
              continue;
            }
          }
          boolean array = token == JsonToken.START_ARRAY;
          push(array);
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
          depth--;
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

  private void push(boolean array) {
    if (depth == arrays.length) {
      int n = depth * 2;
      arrays = Arrays.copyOf(arrays, n);
      indexes = Arrays.copyOf(indexes, n);
      names = Arrays.copyOf(names, n);
    }
    arrays[depth] = array;
    indexes[depth] = 0;
    names[depth] = null;
    depth++;
  }

  private void scalar(JsonToken token) throws IOException {
    boolean located = depth > 0 && rules;
    ValueMask custom = located ? plan.customAt(location) : null;
    if (custom != null) {
      String rewritten = custom.mask(token == JsonToken.VALUE_STRING ? parser.getText() : null);
      if (rewritten == null) {
        copy(token);
      } else {
        masked++;
        generator.writeString(rewritten);
      }
      endValue();
      return;
    }
    MaskStyle style = located ? plan.styleAt(location, currentField()) : null;
    if (style == null
        && plan.detects()
        && (token == JsonToken.VALUE_STRING || token == JsonToken.VALUE_NUMBER_INT)) {
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
      copy(token);
    }
    endValue();
  }

  /** Writes the current scalar as it came: numbers as their text (never through a double). */
  private void copy(JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      generator.writeNumber(
          parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
    } else {
      generator.copyCurrentEventExact(parser);
    }
  }

  /**
   * A member name ready to write (its quoted UTF-8 computed once per response); past {@link
   * #MAX_ENCODED_NAMES} distinct names (a body made of ever-new keys), written as a plain string.
   */
  private SerializableString encodedName(String name) {
    SerializedString encoded = encodedNames.get(name);
    if (encoded == null) {
      encoded = new SerializedString(name);
      if (encodedNames.size() < MAX_ENCODED_NAMES) {
        encodedNames.put(name, encoded);
      }
    }
    return encoded;
  }

  private String currentField() {
    return depth > 0 && !arrays[depth - 1] ? names[depth - 1] : null;
  }

  private void endValue() {
    if (depth > 0 && arrays[depth - 1]) {
      indexes[depth - 1]++;
    }
  }

  /** The location of the value about to be written, read from the open levels. */
  private final class Location implements MaskPlan.Location {
    @Override
    public int size() {
      return depth;
    }

    @Override
    public boolean isIndex(int level) {
      return arrays[level];
    }

    @Override
    public int index(int level) {
      return indexes[level];
    }

    @Override
    public String name(int level) {
      return names[level];
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
