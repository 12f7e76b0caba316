"""A TOML lexer, key map and text editor, for locating findings and editing plans in place; pure."""
