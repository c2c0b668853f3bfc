"""Check whether the archived articles' originals are still online, and show what vanished."""
