package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.message.PostgresMessage;

/** A message sent by a PostgreSQL server. */
public interface BackendMessage extends PostgresMessage {}
