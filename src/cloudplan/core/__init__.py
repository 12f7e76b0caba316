"""The pure core: the model, periods, statuses and risk, checks, changes, trends and alerts;
no I/O, no clock, no environment."""
