-- A task's `callback_url`: its end is delivered there like a webhook endpoint's event,
-- signed with the project's callback secret, through the same outbox and sender.

ALTER TABLE tasks ADD COLUMN callback_url text;

CREATE TABLE callback_secrets (
    project_id  uuid PRIMARY KEY REFERENCES projects (id),
    secret      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- A callback's delivery has the task and its URL instead of an endpoint.
ALTER TABLE webhook_deliveries ALTER COLUMN webhook_id DROP NOT NULL,
    ADD COLUMN task_id uuid,
    ADD COLUMN url text,
    ADD CONSTRAINT webhook_deliveries_target
        CHECK ((webhook_id IS NOT NULL) OR (task_id IS NOT NULL AND url IS NOT NULL));

CREATE INDEX webhook_deliveries_by_task ON webhook_deliveries (task_id)
    WHERE task_id IS NOT NULL;

-- Two index lookups decide whether anything listens; only then is the payload built.
CREATE OR REPLACE FUNCTION webhook_outbox_task_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    project uuid;
    callback text;
    payload jsonb;
BEGIN
    SELECT t.project_id, t.callback_url INTO project, callback FROM tasks t
    WHERE t.id = NEW.task_id;
    IF NEW.type = 'task.input_required' THEN
        callback := NULL;
    END IF;
    IF callback IS NULL AND NOT EXISTS (
        SELECT 1 FROM webhooks w
        WHERE w.project_id = project AND w.enabled AND NEW.type = ANY (w.events)) THEN
        RETURN NULL;
    END IF;
    payload := jsonb_build_object('type', NEW.type, 'timestamp', NEW.created_at,
        'data', jsonb_build_object('task_id', NEW.task_id) || NEW.data);
    INSERT INTO webhook_deliveries (id, project_id, webhook_id, event_type, payload)
    SELECT gen_random_uuid(), project, w.id, NEW.type, payload FROM webhooks w
    WHERE w.project_id = project AND w.enabled AND NEW.type = ANY (w.events);
    IF callback IS NOT NULL THEN
        INSERT INTO webhook_deliveries (id, project_id, task_id, url, event_type, payload)
        VALUES (gen_random_uuid(), project, NEW.task_id, callback, NEW.type, payload);
    END IF;
    RETURN NULL;
END $$;
