"""The README's quickstart through a Python client generated from openapi/openapi.json by
openapi-python-client: register a runner, submit a task, wait for its result, see a schema
violation with its pointer, read the task's events. Exits non-zero on any difference."""

import sys

from errand_client import AuthenticatedClient
from errand_client.api.runners import create_runner
from errand_client.api.tasks import create_task, get_task, list_task_events
from errand_client.models import CreateTask, EventPage, NewRunner, Problem, Runner, Task
from errand_client.models.task_status import TaskStatus


def main(base: str, key: str) -> None:
    client = AuthenticatedClient(base_url=base, token=key, raise_on_unexpected_status=True)
    runner = create_runner.sync_detailed(
        client=client,
        body=NewRunner.from_dict(
            {
                "name": "greeter-py",
                "input_schema": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}},
                    "required": ["name"],
                },
                "output_schema": {
                    "type": "object",
                    "properties": {"greeting": {"type": "string"}},
                    "required": ["greeting"],
                },
                "rules": ["Greet the person by name."],
                "model": "mock",
                "model_settings": {"mock": {"json": {"greeting": "Hello, Ada!"}}},
            }
        ),
    )
    assert runner.status_code == 201, runner.content
    assert isinstance(runner.parsed, Runner), runner.parsed

    submitted = create_task.sync_detailed(
        "greeter-py", client=client, body=CreateTask.from_dict({"arguments": {"name": "Ada"}})
    )
    assert submitted.status_code == 202, submitted.content
    task = submitted.parsed
    assert isinstance(task, Task), task

    done = get_task.sync(task.id, client=client, wait=30)
    assert isinstance(done, Task), done
    assert done.status == TaskStatus.SUCCEEDED, done.status
    assert done.output == {"greeting": "Hello, Ada!"}, done.output

    refused = create_task.sync_detailed(
        "greeter-py", client=client, body=CreateTask.from_dict({"arguments": {"name": 7}})
    )
    assert refused.status_code == 422, refused.content
    problem = refused.parsed
    assert isinstance(problem, Problem), problem
    assert [v.pointer for v in problem.errors] == ["/arguments/name"], problem.errors

    events = list_task_events.sync(task.id, client=client, accept="application/json")
    assert isinstance(events, EventPage), events
    kinds = [e.type_ for e in events.data]
    assert kinds[0] == "task.queued" and kinds[-1] == "task.succeeded", kinds
    print("python client: quickstart ok,", len(kinds), "events")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
