-- Outbound webhooks: endpoints a project registers, and an outbox of deliveries written in
-- the transaction of the change they announce. Task events reach the outbox through the
-- trigger below (every path that ends a task or asks a person appends its event there);
-- a schedule's fire writes its own. A worker sends each delivery, signed per Standard
-- Webhooks, retrying with back-off; each try is kept in `webhook_attempts`.

CREATE TABLE webhooks (
    id                   uuid PRIMARY KEY,
    project_id           uuid NOT NULL REFERENCES projects (id),
    url                  text NOT NULL,
    events               text[] NOT NULL,
    description          text,
    secret               text NOT NULL,
    -- The secret before the last rotation, still signing until `previous_expires_at`.
    previous_secret      text,
    previous_expires_at  timestamptz,
    enabled              boolean NOT NULL DEFAULT true,
    disabled_reason      text,
    -- Since when every try failed (null while the endpoint answers 2xx).
    failing_since        timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX webhooks_by_project ON webhooks (project_id, id DESC);

CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY,
    project_id       uuid NOT NULL REFERENCES projects (id),
    webhook_id       uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_type       text NOT NULL,
    payload          jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'succeeded', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    lease_expires_at timestamptz,
    -- No try after this (null: `created_at` plus `webhooks.give_up_after_hours`).
    give_up_at       timestamptz,
    last_status_code integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_sending ON webhook_deliveries (lease_expires_at)
    WHERE status = 'sending';
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id DESC);
CREATE INDEX webhook_deliveries_age ON webhook_deliveries (updated_at)
    WHERE status IN ('succeeded', 'failed');

CREATE TABLE webhook_attempts (
    delivery_id   uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    n             integer NOT NULL,
    attempted_at  timestamptz NOT NULL DEFAULT now(),
    status_code   integer,
    response      text,
    error         text,
    duration_ms   bigint NOT NULL,
    PRIMARY KEY (delivery_id, n)
);

-- The outbox for task events: one delivery per enabled endpoint of the task's project that
-- subscribes to the event's type, in the transaction that appends the event. The WHEN
-- clause keeps every other event (deltas, steps) free of any work.
CREATE FUNCTION webhook_outbox_task_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (id, project_id, webhook_id, event_type, payload)
    SELECT gen_random_uuid(), w.project_id, w.id, NEW.type,
           jsonb_build_object('type', NEW.type, 'timestamp', NEW.created_at,
                              'data', jsonb_build_object('task_id', NEW.task_id) || NEW.data)
    FROM tasks t JOIN webhooks w ON w.project_id = t.project_id
    WHERE t.id = NEW.task_id AND w.enabled AND NEW.type = ANY (w.events);
    RETURN NULL;
END $$;

CREATE TRIGGER webhook_outbox AFTER INSERT ON task_events FOR EACH ROW
    WHEN (NEW.type IN ('task.succeeded', 'task.failed', 'task.cancelled', 'task.timed_out',
                       'task.input_required'))
    EXECUTE FUNCTION webhook_outbox_task_event();
