package io.hoop.tunnel.postgres.message.backend;

import io.hoop.tunnel.postgres.message.PostgresMessage;

/** A message sent by a PostgreSQL server. */
public interface BackendMessage extends PostgresMessage {}
