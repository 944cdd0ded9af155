package io.hoop.broker.identity.devidp;

import io.hoop.broker.http.ApiResponse;
import java.util.List;

/** The HTML of the dev identity provider's verification page; every interpolated value escaped. */
final class DevIdpPages {
  private static final String BANNER = "hoop dev identity provider — for development only";

  private DevIdpPages() {}

  static ApiResponse form(int status, String action, String userCode, List<DevUser> users) {
    StringBuilder names = new StringBuilder();
    for (DevUser u : users) {
      names
          .append("<li><code>")
          .append(escape(u.username()))
          .append("</code> ")
          .append(escape(u.email()))
          .append(u.groups().isEmpty() ? "" : " (" + escape(String.join(", ", u.groups())) + ")")
          .append("</li>\n");
    }
    String body =
        "<h2>Sign in a device</h2>\n"
            + "<p>Enter the code your terminal shows and pick a user. No password is asked.</p>\n"
            + "<form method=\"post\" action=\""
            + escape(action)
            + "\">\n"
            + "<p><label>Code <input name=\"user_code\" value=\""
            + escape(userCode == null ? "" : userCode)
            + "\" autocomplete=\"off\" required></label></p>\n"
            + "<p><label>Username <input name=\"username\" autocomplete=\"off\"></label></p>\n"
            + "<p><button type=\"submit\" name=\"action\" value=\"approve\">Approve</button>\n"
            + "<button type=\"submit\" name=\"action\" value=\"deny\">Deny</button></p>\n"
            + "</form>\n"
            + "<p>Configured users:</p>\n<ul>\n"
            + names
            + "</ul>\n";
    return page(status, "Sign in", body);
  }

  static ApiResponse message(int status, String title, String text) {
    return page(status, title, "<h2>" + escape(title) + "</h2>\n<p>" + escape(text) + "</p>\n");
  }

  private static ApiResponse page(int status, String title, String body) {
    String html =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
            + "<title>"
            + escape(title)
            + " - hoop dev IdP</title></head>\n<body>\n<p><strong>"
            + escape(BANNER)
            + "</strong></p>\n"
            + body
            + "</body></html>\n";
    return ApiResponse.html(status, html)
        .withHeader("Cache-Control", "no-store")
        .withHeader("X-Frame-Options", "DENY")
        .withHeader(
            "Content-Security-Policy",
            "default-src 'none'; form-action 'self'; frame-ancestors 'none'");
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
