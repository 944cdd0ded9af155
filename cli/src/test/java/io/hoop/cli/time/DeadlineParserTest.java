package io.hoop.cli.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DeadlineParserTest {
  @Test
  void aDateLastsThroughThatWholeDayInUtc() {
    assertThat(DeadlineParser.parse("2027-03-31")).isEqualTo(Instant.parse("2027-04-01T00:00:00Z"));
    assertThat(DeadlineParser.parse(" 2027-12-31 "))
        .isEqualTo(Instant.parse("2028-01-01T00:00:00Z"));
  }

  @Test
  void anInstantIsTakenAsIs() {
    assertThat(DeadlineParser.parse("2027-03-31T12:30:00Z"))
        .isEqualTo(Instant.parse("2027-03-31T12:30:00Z"));
  }

  @Test
  void anythingElseIsRejectedWithTheValueAndTheExpectedShapes() {
    for (String bad : new String[] {"2027-02-30", "31.03.2027", "tomorrow", "2027-03-31T12:00"}) {
      assertThatThrownBy(() -> new DeadlineParser().convert(bad))
          .as(bad)
          .isInstanceOf(TypeConversionException.class)
          .hasMessage(
              "invalid date '"
                  + bad
                  + "': expected YYYY-MM-DD or an ISO instant such as 2027-03-31T12:00:00Z");
    }
    assertThatThrownBy(() -> DeadlineParser.parse("9".repeat(41)))
        .hasMessageStartingWith("invalid date (41 characters)");
    assertThatThrownBy(() -> DeadlineParser.parse(null)).hasMessageStartingWith("invalid date (0");
  }
}
