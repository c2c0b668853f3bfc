"""The build report: what was read and written, output bytes by section, and the verdict."""
