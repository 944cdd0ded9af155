-- hoop broker schema, version 13: several broker replicas on one PostgreSQL store.
-- Runs on H2 (MODE=PostgreSQL) and PostgreSQL.
-- broker_keys: the key files every replica must share (token signing keys, the audit key, the
-- masking key, the TLS certificate and key, ssh host keys), each sealed with AES-256-GCM under
-- the store key (store.keyFile), which the store never sees: base64 of nonce and ciphertext.
-- name is the file's path in a data dir.
create table broker_keys (
  name varchar(200) primary key,
  sealed varchar(65536) not null,
  created_at timestamp with time zone not null
);
-- broker_replicas: who serves from this store, refreshed every few seconds; a replica whose
-- seen_at is recent is alive (held operations waiting on it can still be decided).
create table broker_replicas (
  id varchar(40) primary key,
  url varchar(500) not null,
  shares_keys boolean not null,
  started_at timestamp with time zone not null,
  seen_at timestamp with time zone not null
);
-- The replica whose session waits for a held operation.
alter table holds add column replica varchar(40);
