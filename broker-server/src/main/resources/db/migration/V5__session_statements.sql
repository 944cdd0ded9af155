-- hoop broker schema, version 5: the statements of postgres engine sessions, for sessions list,
-- show and replay. Written in batches off the event loop; seq gaps mean statements were dropped
-- under overload, and tunnel_sessions.statements_dropped says how many.
create table session_statements (
  session_id varchar(40) not null,
  seq integer not null,
  started_at timestamp with time zone not null,
  duration_micros bigint not null,
  sql_text varchar(100000) not null,
  parameters_json varchar(100000) not null,
  row_count bigint not null,
  command_tag varchar(200) not null,
  masked_fields integer not null,
  blocked boolean not null,
  blocked_by varchar(1000) not null,
  error varchar(2000) not null,
  primary key (session_id, seq)
);

alter table tunnel_sessions add column statements_dropped bigint not null default 0;
create index tunnel_sessions_opened on tunnel_sessions (opened_at);
