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

CREATE OR REPLACE FUNCTION webhook_outbox_task_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    payload jsonb := jsonb_build_object('type', NEW.type, 'timestamp', NEW.created_at,
        'data', jsonb_build_object('task_id', NEW.task_id) || NEW.data);
BEGIN
    INSERT INTO webhook_deliveries (id, project_id, webhook_id, event_type, payload)
    SELECT gen_random_uuid(), w.project_id, w.id, NEW.type, payload
    FROM tasks t JOIN webhooks w ON w.project_id = t.project_id
    WHERE t.id = NEW.task_id AND w.enabled AND NEW.type = ANY (w.events);
    IF NEW.type <> 'task.input_required' THEN
        INSERT INTO webhook_deliveries (id, project_id, task_id, url, event_type, payload)
        SELECT gen_random_uuid(), t.project_id, t.id, t.callback_url, NEW.type, payload
        FROM tasks t WHERE t.id = NEW.task_id AND t.callback_url IS NOT NULL;
    END IF;
    RETURN NULL;
END $$;
