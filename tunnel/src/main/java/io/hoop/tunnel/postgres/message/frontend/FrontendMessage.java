package io.hoop.tunnel.postgres.message.frontend;

import io.hoop.tunnel.postgres.message.PostgresMessage;

/** A message sent by a PostgreSQL client. */
public interface FrontendMessage extends PostgresMessage {}
