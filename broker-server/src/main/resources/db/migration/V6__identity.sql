-- hoop broker schema, version 6: identity. Runs on H2 (MODE=PostgreSQL) and PostgreSQL.
-- Revoked broker tokens (logout, admin revocation), kept until the token would have expired anyway.
create table revoked_tokens (
  jti varchar(64) primary key,
  expires_at timestamp with time zone not null,
  revoked_at timestamp with time zone not null,
  revoked_by varchar(200) not null,
  reason varchar(32) not null
);
create index revoked_tokens_expiry on revoked_tokens (expires_at);
-- Admin-minted tokens (HOOP_TOKEN): metadata only, never the token itself.
create table admin_tokens (
  id varchar(64) primary key,
  principal varchar(200) not null,
  groups_json varchar(4000) not null,
  created_at timestamp with time zone not null,
  expires_at timestamp with time zone not null,
  created_by varchar(200) not null,
  revoked_at timestamp with time zone
);
