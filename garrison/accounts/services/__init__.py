"""Every write on accounts. Split by topic: users, mfa, tokens, signin."""
