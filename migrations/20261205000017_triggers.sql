-- Triggers: inbound webhooks. A third party posts to /v1/hooks/{id} (no API key; the
-- trigger's scheme and secret decide), and each verified delivery starts a task of the
-- trigger's runner or posts a message on its queue. `hook_deliveries` keeps one row per
-- delivery id, so a replayed delivery creates nothing twice.

CREATE TABLE triggers (
    id                uuid PRIMARY KEY,
    project_id        uuid NOT NULL REFERENCES projects (id),
    name              text,
    target            jsonb NOT NULL,
    scheme            text NOT NULL
                      CHECK (scheme IN ('standard-webhooks', 'github', 'hmac-sha256', 'none')),
    signature_header  text,
    -- The shared secret (needed as it is to compute each HMAC); null for `none`.
    secret            text,
    mapping           jsonb,
    enabled           boolean NOT NULL DEFAULT true,
    deliveries        bigint NOT NULL DEFAULT 0,
    last_delivery_at  timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX triggers_by_project ON triggers (project_id, created_at DESC, id DESC);

CREATE TABLE hook_deliveries (
    trigger_id   uuid NOT NULL REFERENCES triggers (id) ON DELETE CASCADE,
    project_id   uuid NOT NULL REFERENCES projects (id),
    delivery_id  text NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    task_id      uuid,
    message_id   uuid,
    PRIMARY KEY (trigger_id, delivery_id)
);

CREATE INDEX hook_deliveries_age ON hook_deliveries (received_at);
