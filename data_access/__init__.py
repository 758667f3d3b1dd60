"""The only door to the database and the cache: every read and write takes the actor."""
