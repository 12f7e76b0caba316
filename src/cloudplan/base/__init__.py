"""What every layer uses: errors and exit codes, findings, the message gate, inert text and
suggestions; stdlib only, pure."""
