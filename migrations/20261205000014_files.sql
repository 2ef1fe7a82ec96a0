-- Files a project's tasks and users keep: text or JSON documents by path (the storage
-- toolkit's `read_file`/`write_file`, and `/v1/files`). They stay until deleted; each
-- project holds at most `storage.project_max_files` files and `storage.project_max_bytes`.

CREATE TABLE files (
    project_id   uuid NOT NULL REFERENCES projects (id),
    path         text NOT NULL,
    content      text NOT NULL,
    content_type text NOT NULL,
    size_bytes   integer NOT NULL,
    -- The task whose model wrote it last; none when written over the API.
    task_id      uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, path)
);

-- Listing by prefix walks the primary key in byte order.
CREATE INDEX files_by_path ON files (project_id, path COLLATE "C");
