"""The plan file format: TOML text -> model with located findings, what an edit changes, the JSON Schema; pure."""
