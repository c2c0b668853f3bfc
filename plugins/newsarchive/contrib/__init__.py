"""The contributor tools: validating archived files, the archive's conventions, importing pages."""
