package io.hoop.engine.kubernetes.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.http.UpgradeTap;
import io.hoop.engine.kubernetes.exec.ExecRecorder;
import io.hoop.engine.kubernetes.request.KubeRequest;
import io.hoop.engine.kubernetes.request.KubeRequestException;
import io.hoop.engine.kubernetes.request.KubeRequestParser;
import io.hoop.engine.ssh.bridge.BridgeListener;
import io.hoop.engine.ssh.engine.CastRecordings;
import io.hoop.tunnel.engine.Admission;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * Where a tunnel's exec and attach sessions are recorded: an {@link ExecRecorder} per session on
 * the relay, its terminal output in the broker's cast store (the ssh engine's {@link
 * CastRecordings}, {@code <sessionId>.cast}, which {@code hoop sessions replay} plays) when the
 * engine has one, its step to the admission's listener. One exec per tunnel: an upgrade takes its
 * connection, and each connection through the tunnel is a session of its own.
 */
final class ExecSessions {
  /** The only upgrade of exec and attach hoop reads. */
  static final String SPDY = "SPDY/3.1";

  private final Admission admission;
  private final CastRecordings casts;

  /**
   * @param casts the cast store, null when the engine records no terminal output
   */
  ExecSessions(Admission admission, CastRecordings casts) {
    this.admission = requireNonNull(admission, "admission");
    this.casts = casts;
  }

  /** Whether {@code r} opens a session that is recorded (pods/exec and pods/attach). */
  static boolean recorded(KubeRequest r) {
    return r.resourceRequest()
        && r.resource().equals("pods")
        && (r.subresource().equals("exec") || r.subresource().equals("attach"));
  }

  /** The tap that records {@code r}'s session once the API server switches to SPDY/3.1. */
  UpgradeTap.Factory tap(KubeRequest r, String rawQuery) throws KubeRequestException {
    boolean tty = KubeRequestParser.option(rawQuery, "tty");
    return switching -> {
      String protocol = switching.headers().get(HttpHeaderNames.UPGRADE, "").trim();
      if (!protocol.equalsIgnoreCase(SPDY)) {
        throw new UpgradeTap.TapException(
            "the API server switched to '"
                + (protocol.length() > 40 ? protocol.substring(0, 40) : protocol)
                + "', not "
                + SPDY);
      }
      BridgeListener cast = casts == null ? null : casts.listener(admission.sessionId(), title(r));
      return new ExecRecorder(
          new ExecRecorder.Session(
              admission.sessionId(),
              r.subresource(),
              r.namespace(),
              r.name(),
              r.command(),
              tty,
              admission.listener(),
              cast));
    };
  }

  private String title(KubeRequest r) {
    return admission.label() + " " + r.subresource() + " " + r.name();
  }
}
