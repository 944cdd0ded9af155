-- hoop broker schema, version 2: tamper-evident audit (hash chain + signed checkpoints).
-- Rows written before this version get their hashes once, in seq order, when the broker starts
-- (AuditLog), so the columns stay nullable here.
alter table audit_events add column prev_hash varchar(64);
alter table audit_events add column hash varchar(64);

create table audit_checkpoints (
  seq bigint primary key,
  hash varchar(64) not null,
  signed_at timestamp with time zone not null,
  jws varchar(2000) not null
);
