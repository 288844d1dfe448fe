"""Operations on a whole database or one application's part of it: backup and restore
(:mod:`.backup`), a guarded reset (:mod:`.reset`), environment profiles (:mod:`.profiles`) and
sample data at any scale (:mod:`.sample`). Each module adds its command to the CLI through
``register(subparsers)``."""
