"""``python -m cli``: the ``ctg`` command, as the tests run it."""

from cli.app import main

if __name__ == "__main__":
    main()
