package io.hoop.engine.postgres.engine.internal;

import io.hoop.engine.postgres.engine.UpstreamTls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Builds the SslHandler for the broker's TLS hop to a PostgreSQL server: {@code require} encrypts
 * without checking the certificate (as libpq's sslmode=require), {@code verify-full} checks the
 * chain against the configured CA file and the host name. Contexts are built once per setting.
 */
public final class UpstreamTlsHandlers {
  private static final Map<UpstreamTls, SslContext> CONTEXTS = new ConcurrentHashMap<>();

  private UpstreamTlsHandlers() {}

  /**
   * A client-mode handler for {@code upstream}.
   *
   * @throws UncheckedIOException when the CA file cannot be read
   */
  public static SslHandler handler(
      UpstreamTls tls, ByteBufAllocator alloc, InetSocketAddress upstream) {
    SslContext context = CONTEXTS.computeIfAbsent(tls, UpstreamTlsHandlers::context);
    SslHandler handler = context.newHandler(alloc, upstream.getHostString(), upstream.getPort());
    if (tls.mode() == UpstreamTls.Mode.VERIFY_FULL) {
      SSLEngine engine = handler.engine();
      SSLParameters parameters = engine.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      engine.setSSLParameters(parameters);
    }
    return handler;
  }

  private static SslContext context(UpstreamTls tls) {
    try {
      SslContextBuilder builder = SslContextBuilder.forClient();
      if (tls.mode() == UpstreamTls.Mode.VERIFY_FULL) {
        builder.trustManager(tls.caFile().toFile());
      } else {
        builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
      }
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new UncheckedIOException(
          new IOException(
              "cannot use CA file " + tls.caFile() + " for upstream TLS: " + e.getMessage(), e));
    }
  }
}
