package io.hoop.broker.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class TlsFailureLogTest {
  @Test
  void aFailedHandshakeClosesTheConnectionWithoutPassingTheError() {
    EmbeddedChannel ch = new EmbeddedChannel(TlsFailureLog.INSTANCE);
    ch.pipeline()
        .fireExceptionCaught(
            new DecoderException(
                new SSLHandshakeException(
                    "error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL")));
    assertThat(ch.isOpen()).isFalse();
    ch.checkException(); // nothing reached the tail
  }

  @Test
  void otherErrorsPassOn() {
    EmbeddedChannel ch = new EmbeddedChannel(TlsFailureLog.INSTANCE);
    ch.pipeline().fireExceptionCaught(new DecoderException("bad frame"));
    assertThat(ch.isOpen()).isTrue();
    assertThatThrownBy(ch::checkException).hasMessage("bad frame");
  }

  @Test
  void reasonsAreShortAndNeverThePeersBytes() {
    assertThat(
            TlsFailureLog.reason(
                new SSLHandshakeException(
                    "error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL")))
        .isEqualTo("UNSUPPORTED_PROTOCOL");
    assertThat(TlsFailureLog.reason(new NotSslRecordException("not an SSL/TLS record: 474554")))
        .startsWith("not a TLS record")
        .doesNotContain("4745");
    assertThat(TlsFailureLog.reason(new SSLHandshakeException("x\r\ny".repeat(200))))
        .hasSizeLessThanOrEqualTo(160)
        .doesNotContain("\r", "\n");
  }
}
