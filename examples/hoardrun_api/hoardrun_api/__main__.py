"""``python -m hoardrun_api``: serve the example on HOST:PORT (default 127.0.0.1:8000)."""

import os

import uvicorn

from .app import create_app


def main() -> None:
    uvicorn.run(
        create_app(require_migrations=True),
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8000")),
    )


if __name__ == "__main__":
    main()
