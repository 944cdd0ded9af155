package io.hoop.tunnel.server;

import static java.util.Objects.requireNonNull;

/**
 * A refused handshake: {@code code} is stable for scripts, the message is for the user, the party
 * is what the broker verified about the caller and the grant (for the audit, never sent back).
 */
public final class TunnelRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final transient TunnelParty party;

  public TunnelRejectedException(String code, String message) {
    this(code, message, TunnelParty.UNKNOWN);
  }

  public TunnelRejectedException(String code, String message, TunnelParty party) {
    super(message);
    this.code = code;
    this.party = requireNonNull(party, "party");
  }

  public String code() {
    return code;
  }

  public TunnelParty party() {
    return party == null ? TunnelParty.UNKNOWN : party;
  }

  /** This refusal with {@code party} attached, keeping code and message. */
  public TunnelRejectedException withParty(TunnelParty party) {
    TunnelRejectedException copy = new TunnelRejectedException(code, getMessage(), party);
    copy.setStackTrace(getStackTrace());
    return copy;
  }
}
