-- Model aliases: a project's own names for models (`standard` -> `openai/gpt-4.1-mini`),
-- over the server's `[models.aliases]`. At most `aliases::MAX_PROJECT_ALIASES` a project
-- (the whole set is replaced at once), so the table stays small.
CREATE TABLE model_aliases (
    project_id  uuid NOT NULL REFERENCES projects (id),
    name        text NOT NULL,
    model       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, name)
);

-- The alias a task's model was named by (its `model` is what that resolved to).
ALTER TABLE tasks ADD COLUMN model_alias text;
