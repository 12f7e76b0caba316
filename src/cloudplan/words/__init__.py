"""How things read for people in the language of the run: days, periods, numbers, statuses, risk; pure."""
