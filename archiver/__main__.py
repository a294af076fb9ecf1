import sys

from archiver.cli import main

# Guarded: the pipelines' child processes are spawned, and a spawned child imports the parent's
# __main__ module (as __mp_main__) before it runs anything.
if __name__ == "__main__":
    sys.exit(main())
