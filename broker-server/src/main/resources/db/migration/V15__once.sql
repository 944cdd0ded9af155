-- hoop broker schema, version 15: one-time ids every replica sees.
-- Runs on H2 (MODE=PostgreSQL) and PostgreSQL.
-- broker_once: DPoP proof ids and exchanged ID tokens, kept while they could still be replayed,
-- so that a proof or an ID token used on one replica is refused on every other. id is a kind and
-- the SHA-256 of what identifies the item (never a token itself).
create table broker_once (
  id varchar(100) primary key,
  expires_at timestamp with time zone not null
);
create index broker_once_expiry on broker_once (expires_at);
