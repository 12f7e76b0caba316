"""Rich renderables for people at a terminal; they never print."""
