"""Signing in: throttling wrong passwords, the second factor for clerks and admins, and ending
the sessions of an account that is switched off."""
