package io.hoop.engine.kubernetes.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the parser: it either refuses with a message or returns a request whose interpreted parts
 * have no escape, dot segment, slash or upper case, and whose path is the one given.
 */
class KubeRequestParserFuzzTest {
  private static final String[] METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "X"};

  @FuzzTest(maxDuration = "30s")
  void refusesOrReadsCleanly(FuzzedDataProvider data) {
    String method = METHODS[data.consumeInt(0, METHODS.length - 1)];
    String query = data.consumeBoolean() ? data.consumeString(200) : null;
    String path = data.consumeRemainingAsString();
    KubeRequest r;
    try {
      r = KubeRequestParser.parse(method, path, query);
    } catch (KubeRequestException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    assertThat(r.path()).isEqualTo(path);
    assertThat(path).doesNotContain("/../", "/./").doesNotEndWith("/..");
    if (r.resourceRequest()) {
      assertThat(path).startsWith("/api");
      for (String part :
          new String[] {
            r.apiGroup(), r.apiVersion(), r.namespace(), r.resource(), r.subresource()
          }) {
        assertThat(part)
            .doesNotContain("%", "/")
            .isEqualTo(part.toLowerCase(java.util.Locale.ROOT));
      }
      assertThat(r.apiVersion()).isNotEmpty();
      assertThat(r.resource()).isNotEmpty();
      assertThat(r.name()).doesNotContain("%", "/").isNotIn(".", "..");
      assertThat(r.verb())
          .isIn(
              "get",
              "list",
              "watch",
              "create",
              "update",
              "patch",
              "delete",
              "deletecollection",
              "proxy");
    } else {
      assertThat(path).doesNotContain("%", "//");
    }
  }
}
