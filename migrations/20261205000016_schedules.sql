-- Schedules: a cron expression in a time zone that starts a task of a runner or posts a
-- message on a queue at each tick. `schedule_fires` has one row per schedule and tick:
-- the row decides, so a tick fires once however many workers see it.

CREATE TABLE schedules (
    id            uuid PRIMARY KEY,
    project_id    uuid NOT NULL REFERENCES projects (id),
    name          text,
    cron          text NOT NULL,
    timezone      text NOT NULL,
    target        jsonb NOT NULL,
    enabled       boolean NOT NULL,
    end_at        timestamptz,
    missed        text NOT NULL CHECK (missed IN ('skip', 'catch_up')),
    catch_up_max  integer NOT NULL,
    overlap       text NOT NULL CHECK (overlap IN ('allow', 'skip', 'enqueue')),
    next_fire_at  timestamptz,
    last_fire_at  timestamptz,
    missed_ticks  bigint NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE enabled AND next_fire_at IS NOT NULL;
CREATE INDEX schedules_by_project ON schedules (project_id, id DESC);

CREATE TABLE schedule_fires (
    schedule_id  uuid NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    project_id   uuid NOT NULL REFERENCES projects (id),
    fire_at      timestamptz NOT NULL,
    fired_at     timestamptz NOT NULL DEFAULT now(),
    outcome      text NOT NULL
                 CHECK (outcome IN ('task', 'message', 'skipped', 'waiting', 'failed')),
    task_id      uuid,
    message_id   uuid,
    error        jsonb,
    PRIMARY KEY (schedule_id, fire_at)
);

CREATE INDEX schedule_fires_waiting ON schedule_fires (schedule_id, fire_at)
    WHERE outcome = 'waiting';
CREATE INDEX schedule_fires_age ON schedule_fires (fired_at);
