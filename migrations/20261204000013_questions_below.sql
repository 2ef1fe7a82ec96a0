-- A question asked by a child task (or a child of one) belongs to the task at the top too:
-- the parent shows it while it waits, and the parent's thread is `input_required`.

-- The questions a task's waiting tree asks: the pending ones among its child tasks and
-- theirs, oldest deadline first, each with the asking task's id. A tree is at most
-- `tools.max_task_depth` deep, and only active tasks are walked.
CREATE FUNCTION questions_below(root uuid) RETURNS SETOF jsonb LANGUAGE sql STABLE AS $$
    WITH RECURSIVE below(id, status) AS (
        SELECT id, status FROM tasks
        WHERE parent_task_id = root AND status IN ('input_required', 'waiting')
        UNION ALL
        SELECT c.id, c.status FROM tasks c JOIN below b ON c.parent_task_id = b.id
        WHERE b.status = 'waiting' AND c.status IN ('input_required', 'waiting'))
    SELECT t.input_request || jsonb_build_object('task_id', t.id)
    FROM below b JOIN tasks t ON t.id = b.id
    WHERE b.status = 'input_required' AND t.input_request IS NOT NULL
    ORDER BY t.input_deadline, t.id
$$;

-- The first of them: what a waiting task shows as its `input_request`.
CREATE FUNCTION question_below(root uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT q FROM questions_below(root) q LIMIT 1
$$;

-- The thread a task works for: its own, or that of the task at the top of its tree.
CREATE FUNCTION task_thread(task uuid) RETURNS uuid LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up(parent, thread) AS (
        SELECT parent_task_id, thread_id FROM tasks WHERE id = task
        UNION ALL
        SELECT t.parent_task_id, t.thread_id FROM tasks t JOIN up ON t.id = up.parent
        WHERE up.thread IS NULL)
    SELECT thread FROM up WHERE thread IS NOT NULL LIMIT 1
$$;

-- As before (see 20261122000008_threads.sql), and a thread whose waiting task has a
-- question asked below it is `input_required`; a child task's change of status to or from
-- `input_required` or `waiting` (a question below it comes into view or goes) updates its
-- tree's thread.
CREATE OR REPLACE FUNCTION thread_status_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    thread uuid := coalesce(NEW.thread_id, task_thread(NEW.parent_task_id));
BEGIN
    IF thread IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM threads WHERE id = thread FOR UPDATE;
    UPDATE threads SET updated_at = now(), status = CASE
        WHEN EXISTS (SELECT 1 FROM tasks WHERE thread_id = thread
                     AND status = 'input_required') THEN 'input_required'
        WHEN EXISTS (SELECT 1 FROM tasks WHERE thread_id = thread
                     AND status = 'waiting' AND question_below(id) IS NOT NULL)
            THEN 'input_required'
        WHEN EXISTS (SELECT 1 FROM tasks WHERE thread_id = thread
                     AND status IN ('queued', 'running', 'waiting')) THEN 'busy'
        WHEN NEW.thread_id IS NOT NULL AND NEW.status IN ('failed', 'timed_out') THEN 'error'
        ELSE 'idle' END
    WHERE id = thread;
    RETURN NULL;
END $$;
CREATE TRIGGER tasks_tree_question_status AFTER UPDATE OF status ON tasks
    FOR EACH ROW WHEN (NEW.thread_id IS NULL AND NEW.parent_task_id IS NOT NULL
        AND OLD.status IS DISTINCT FROM NEW.status
        AND (OLD.status IN ('input_required', 'waiting')
             OR NEW.status IN ('input_required', 'waiting')))
    EXECUTE FUNCTION thread_status_sync();
