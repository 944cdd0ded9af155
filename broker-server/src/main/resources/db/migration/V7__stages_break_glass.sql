-- hoop broker schema, version 7: approval stages and break-glass reviews (governance).
-- Runs on H2 (MODE=PostgreSQL) and PostgreSQL.
-- The stage (0-based) an approval counted for; single-stage targets use stage 0 throughout.
alter table grant_approvals add column stage integer default 0 not null;

-- One row per break-glass grant: the after-the-fact review the target's reviewers owe. Open while
-- reviewed_at is null; closed by a reviewer (never the requester) with a comment.
create table break_glass_reviews (
  grant_id varchar(40) primary key,
  target varchar(200) not null,
  principal varchar(200) not null,
  opened_at timestamp with time zone not null,
  reviewed_by varchar(200),
  reviewed_at timestamp with time zone,
  review_comment varchar(2000)
);
create index break_glass_reviews_open on break_glass_reviews (reviewed_at);
