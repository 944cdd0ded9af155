package io.hoop.cli.auth;

import java.time.Duration;

/**
 * The identity provider's answer to a device authorization request (RFC 8628 section 3.2).
 *
 * @param deviceCode the code the CLI polls with; secret
 * @param userCode the code the user types on the verification page
 * @param verificationUri where the user signs in
 * @param verificationUriComplete the same page with the code filled in, or null
 * @param expiresIn how long the codes stay valid
 * @param interval how long to wait between polls
 */
public record DeviceAuthorization(
    String deviceCode,
    String userCode,
    String verificationUri,
    String verificationUriComplete,
    Duration expiresIn,
    Duration interval) {

  @Override
  public String toString() {
    return "DeviceAuthorization[deviceCode=<redacted>, userCode="
        + userCode
        + ", verificationUri="
        + verificationUri
        + ", expiresIn="
        + expiresIn
        + ", interval="
        + interval
        + "]";
  }
}
