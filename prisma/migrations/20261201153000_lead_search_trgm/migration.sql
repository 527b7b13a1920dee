-- Lead search by substring (the leads page's search box) through a trigram index: the expression
-- is leadSearchText() in apps/api/src/services/leads/filters.ts, character for character.
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the database owner may
-- create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "Lead_search_trgm_idx" ON "Lead" USING gin (
  (lower(email || E'\n' || coalesce("firstName", '') || ' ' || coalesce("lastName", ''))) gin_trgm_ops
);
