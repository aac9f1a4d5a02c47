"""Drachma: the police-side system for incidents caused by online child abuse activist groups."""
