package io.hoop.cli.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.cli.HoopException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class BrokerReplicasTest {
  @Test
  void namesAddressesAndBracketedIpv6() {
    assertThat(BrokerReplicas.parse(null)).isEmpty();
    assertThat(BrokerReplicas.parse(" ")).isEmpty();
    assertThat(BrokerReplicas.parse("hoop-b.example.com:8443, 10.0.0.2:443,[2001:db8::2]:8443"))
        .containsExactly(
            InetSocketAddress.createUnresolved("hoop-b.example.com", 8443),
            InetSocketAddress.createUnresolved("10.0.0.2", 443),
            InetSocketAddress.createUnresolved("2001:db8::2", 8443));
  }

  @Test
  void anythingElseIsAUsageErrorNamingTheEntryWithoutItsControls() {
    String[] bad = {
      "hoop-b",
      "hoop-b:",
      ":8443",
      "hoop-b:0",
      "hoop-b:65536",
      "hoop-b:99999",
      "hoop-b:84a3",
      "https://hoop-b:8443",
      "user@hoop-b:8443",
      "hoop-b:8443/path",
      "2001:db8::2:8443",
      "[2001:db8::2]",
      "[hoop-b]:8443",
      "hoop-b:8443,",
      "hoop b:8443",
      "hoop-b:8443\u001b[2J",
      "x".repeat(300) + ":1",
    };
    for (String value : bad) {
      assertThatThrownBy(() -> BrokerReplicas.parse(value))
          .as(value)
          .isInstanceOf(HoopException.Usage.class)
          .hasMessageStartingWith("HOOP_BROKER_REPLICAS: '")
          .hasMessageContaining("is not host:port")
          .hasMessageNotContaining("\u001b");
    }
    assertThatThrownBy(() -> BrokerReplicas.parse("a:1,".repeat(16) + "a:1"))
        .hasMessageContaining("at most 16");
  }

  @Test
  void baseUrlsPutTheProfileFirstThenEachReplicaOnceWithItsScheme() {
    assertThat(
            BrokerReplicas.baseUrls(
                "https://hoop-a:8443/",
                java.util.List.of(
                    InetSocketAddress.createUnresolved("hoop-b", 8443),
                    InetSocketAddress.createUnresolved("hoop-a", 8443),
                    InetSocketAddress.createUnresolved("2001:db8::2", 9443))))
        .containsExactly(
            "https://hoop-a:8443", "https://hoop-b:8443", "https://[2001:db8::2]:9443");
  }

  @Test
  void onlyAFailureToConnectMovesACallOn() {
    assertThat(BrokerClient.couldNotConnect(new java.net.ConnectException("refused"))).isTrue();
    assertThat(BrokerClient.couldNotConnect(new java.net.NoRouteToHostException("x"))).isTrue();
    assertThat(BrokerClient.couldNotConnect(new java.net.UnknownHostException("x"))).isTrue();
    assertThat(
            BrokerClient.couldNotConnect(new java.net.SocketTimeoutException("Connect timed out")))
        .isTrue();
    assertThat(
            BrokerClient.couldNotConnect(
                new java.net.http.HttpConnectTimeoutException("HTTP connect timed out")))
        .isTrue();
    // the request may have reached the broker: never sent twice
    assertThat(BrokerClient.couldNotConnect(new java.net.SocketTimeoutException("Read timed out")))
        .isFalse();
    assertThat(BrokerClient.couldNotConnect(new java.net.SocketException("Connection reset")))
        .isFalse();
    assertThat(BrokerClient.couldNotConnect(new javax.net.ssl.SSLHandshakeException("bad cert")))
        .isFalse();
  }
}
