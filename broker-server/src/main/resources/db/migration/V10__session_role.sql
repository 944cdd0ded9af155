-- The role a tunnel session ran as, recorded when it opened: a later config change (another
-- default role, a role renamed) must not rewrite what the session list says it ran as.
alter table tunnel_sessions add column role varchar(100);
-- Sessions recorded before: the role their grant named, when it named one.
update tunnel_sessions set role = (select g.role from grants g where g.id = tunnel_sessions.grant_id);
