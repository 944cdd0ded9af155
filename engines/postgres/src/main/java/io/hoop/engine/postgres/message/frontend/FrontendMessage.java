package io.hoop.engine.postgres.message.frontend;

import io.hoop.engine.postgres.message.PostgresMessage;

/** A message sent by a PostgreSQL client. */
public interface FrontendMessage extends PostgresMessage {}
