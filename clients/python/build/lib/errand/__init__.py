"""Errand from Python.

``errand_client`` is generated from Errand's OpenAPI document (every operation, typed
models); this package is the small layer people write by hand on top of it::

    from errand import Errand

    with Errand("http://127.0.0.1:8080", api_key="errand_...") as errand:
        task = errand.submit_and_wait("greeter", {"name": "Ada"})
        print(task.status, task.output)
        for event in errand.stream(task.id):
            print(event.seq, event.type_, event.data.to_dict())
"""

from __future__ import annotations

from errand._client import Errand, ErrandError, is_terminal

__all__ = ["Errand", "ErrandError", "is_terminal"]
