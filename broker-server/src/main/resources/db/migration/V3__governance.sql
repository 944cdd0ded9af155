-- hoop broker schema, version 3: approvals, entitlements with access reviews.
-- (V2 belongs to the tamper-evident audit log.) Runs on H2 (MODE=PostgreSQL) and PostgreSQL.
alter table grants add column decided_by varchar(200);
alter table grants add column entitlement_id varchar(40);
alter table grants add column reviewer_groups varchar(2000) not null default '';
alter table grants add column approvals_required integer not null default 0;
alter table grants add column pending_expires_at timestamp with time zone;
create index grants_status on grants (status);
create index grants_entitlement on grants (entitlement_id);

-- One row per person per grant: the primary key is what makes "one person counts once" hold
-- even when two approvals race.
create table grant_approvals (
  grant_id varchar(40) not null,
  approver varchar(200) not null,
  approved_at timestamp with time zone not null,
  comment varchar(2000),
  primary key (grant_id, approver)
);

create table entitlements (
  id varchar(40) primary key,
  principal varchar(200),
  group_name varchar(200),
  target varchar(200) not null,
  max_duration_seconds bigint not null,
  status varchar(16) not null,
  reviewed_by varchar(200),
  reviewed_at timestamp with time zone,
  review_expires_at timestamp with time zone,
  review_comment varchar(2000),
  revoked_by varchar(200),
  revoked_at timestamp with time zone,
  revoke_reason varchar(2000)
);
create index entitlements_target on entitlements (target);
