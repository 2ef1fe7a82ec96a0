-- A task cancelled by a newer submission's `interrupt` or `rollback` names that submission
-- (`error.details.superseded_by`); a running one ends later, in its worker, which reads it
-- here. Nullable and without a default: adding it rewrites nothing.
ALTER TABLE tasks ADD COLUMN superseded_by uuid;
