/**
 * PostgreSQL protocol 3.0 messages as records, each with a static {@code decode} of its body and an
 * {@code encode} of its whole wire form. Byte arrays held by messages are not copied (result rows
 * stream through here): treat them as read-only.
 */
package io.hoop.engine.postgres.message;
