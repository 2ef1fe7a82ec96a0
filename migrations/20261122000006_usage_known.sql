-- Usage is a claim: a task with no model call has no usage (NULL), not zero; and usage a
-- server did not report is estimated and says so.
ALTER TABLE tasks
    ALTER COLUMN input_tokens DROP NOT NULL,
    ALTER COLUMN input_tokens DROP DEFAULT,
    ALTER COLUMN cached_input_tokens DROP NOT NULL,
    ALTER COLUMN cached_input_tokens DROP DEFAULT,
    ALTER COLUMN output_tokens DROP NOT NULL,
    ALTER COLUMN output_tokens DROP DEFAULT,
    ALTER COLUMN reasoning_tokens DROP NOT NULL,
    ALTER COLUMN reasoning_tokens DROP DEFAULT,
    ADD COLUMN usage_estimated boolean NOT NULL DEFAULT false;
