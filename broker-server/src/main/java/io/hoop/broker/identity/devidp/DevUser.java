package io.hoop.broker.identity.devidp;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A user the dev identity provider can sign in, without a password.
 *
 * @param username becomes {@code sub} and {@code preferred_username}
 * @param email the {@code email} claim
 * @param groups the {@code groups} claim
 */
public record DevUser(String username, String email, List<String> groups) {
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

  public DevUser {
    requireNonNull(username, "username");
    requireNonNull(email, "email");
    groups = List.copyOf(requireNonNull(groups, "groups"));
    if (!USERNAME.matcher(username).matches()) {
      throw new IllegalArgumentException(
          "dev user name '"
              + username
              + "' is invalid; expected 1-64 letters, digits, '.', '_', '@' or '-'");
    }
  }
}
