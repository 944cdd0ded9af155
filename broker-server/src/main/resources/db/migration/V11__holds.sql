-- hoop broker schema, version 11: operations of live sessions held for a reviewer (holds).
-- Runs on H2 (MODE=PostgreSQL) and PostgreSQL.
-- One row per held operation (an ssh exec command, a postgres statement): pending until a
-- reviewer approves or denies it, it times out, its grant ends or its session gives up. Status
-- changes are compare-and-set on status = 'PENDING'; a pending row past expires_at reads as
-- EXPIRED. operation is the exact text reviewers approve, capped at 8192 characters by the broker
-- (longer operations are refused, never truncated).
create table holds (
  id varchar(40) primary key,
  session_id varchar(100) not null,
  grant_id varchar(40) not null,
  principal varchar(200) not null,
  target varchar(200) not null,
  task varchar(200) not null,
  kind varchar(40) not null,
  operation varchar(8192) not null,
  rule varchar(400) not null,
  status varchar(20) not null,
  created_at timestamp with time zone not null,
  expires_at timestamp with time zone not null,
  decided_by varchar(200),
  decided_at timestamp with time zone,
  reason varchar(2000)
);
create index holds_status on holds (status, created_at);
create index holds_grant on holds (grant_id, status);
create index holds_principal on holds (principal, created_at);
