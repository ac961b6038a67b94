"""Telegram front-end: the only package (besides app.py and the console) that imports telegram."""
