"""Hamkari: a Telegram bot that coordinates civil-society organisations."""
