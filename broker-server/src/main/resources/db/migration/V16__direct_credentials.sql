-- hoop broker schema, version 16: direct-access credentials every replica sees.
-- Runs on H2 (MODE=PostgreSQL) and PostgreSQL.
-- direct_credentials: the password `hoop connect --direct` was given for a grant, as its
-- SCRAM-SHA-256 verifier only (salt, iterations, StoredKey, ServerKey, base64), so a client may
-- log in on any replica behind the load balancer. One row per grant (issuing again replaces it);
-- failures counts wrong passwords (the credential is deleted, "burned", at the limit); rows are
-- deleted when their grant ends and once past expires_at.
create table direct_credentials (
  grant_id varchar(80) primary key,
  principal varchar(200) not null,
  salt varchar(64) not null,
  iterations integer not null,
  stored_key varchar(64) not null,
  server_key varchar(64) not null,
  expires_at timestamp with time zone not null,
  failures integer not null default 0
);
create index direct_credentials_expiry on direct_credentials (expires_at);
