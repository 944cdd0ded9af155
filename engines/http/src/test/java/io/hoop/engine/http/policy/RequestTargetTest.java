package io.hoop.engine.http.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RequestTargetTest {
  @Test
  void decodesOnlyUnreservedAndKeepsTheQuery() throws Exception {
    RequestTarget t = RequestTarget.parse("/%61pi/%7euser/a%2db%5f?x=%2F&y=1");
    assertThat(t.path()).isEqualTo("/api/~user/a-b_");
    assertThat(t.query()).isEqualTo("x=%2F&y=1");
    assertThat(t.uri()).isEqualTo("/api/~user/a-b_?x=%2F&y=1");
    assertThat(RequestTarget.parse("/a%20b/%c3%a9").path()).isEqualTo("/a%20b/%C3%A9");
    assertThat(RequestTarget.parse("/api/").path()).isEqualTo("/api/");
    assertThat(RequestTarget.parse("/").path()).isEqualTo("/");
    assertThat(RequestTarget.parse("/a?").query()).isEmpty();
  }

  @Test
  void refusesEverythingATargetCouldResolveDifferently() {
    String[] hostile = {
      "/a/../b",
      "/a/./b",
      "/..",
      "/.",
      "/a/%2e%2e/b",
      "/a/%2E%2E/b",
      "/a/.%2e/b",
      "/a/%2e/b",
      "//a",
      "/a//b",
      "/a;x/b",
      "/a;/b",
      "/a%2fb",
      "/a%2Fb",
      "/a%5cb",
      "/a\\b",
      "/a%00b",
      "/a%0ab",
      "/a%7f",
      "/a%zz",
      "/a%4",
      "/a%",
      "/a?x=%",
      "/a#b",
      "a/b",
      "*",
      "http://h/a",
      "/a b",
      "/\u00e9",
      "/a\tb",
      "/" + "a".repeat(RequestTarget.MAX_LENGTH)
    };
    for (String uri : hostile) {
      assertThatThrownBy(() -> RequestTarget.parse(uri))
          .as(uri)
          .isInstanceOf(RequestTarget.Refused.class);
    }
  }
}
