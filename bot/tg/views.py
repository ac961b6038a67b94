"""Texts and keyboards. Every string is translated here, in the recipient's language."""

from __future__ import annotations

from telegram import BotCommand, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.i18n import N_, Translator
from bot.i18n.locales import LANGUAGE_NAMES, SUPPORTED_LOCALES
from bot.i18n.text import isolate

LANGUAGE_CALLBACK_PREFIX = "lang:"
# Opens the sector picker of a new search (bot.tg.find_views.SearchState().encode("fs")).
FIND_CALLBACK = "fs:0:::::"

# The command menu; descriptions are translated per language by command_menu().
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start and choose your language")),
    ("help", N_("What this bot can do")),
    ("find", N_("Find organisations by name, sector or province")),
    ("register", N_("Register your organisation")),
    ("myorg", N_("Your organisation: edit, staff, projects")),
    ("bodies", N_("Coordination bodies: join, members, announcements")),
    ("announce", N_("Send an announcement to your body's members")),
    ("meeting", N_("Coordination meetings: schedule, answers, minutes")),
    ("deadline", N_("Reporting deadlines: set, see who submitted")),
    ("reminders", N_("Your upcoming meetings and deadlines")),
    ("poll", N_("Quick polls of your body's members, with results")),
    ("settings", N_("Language, time zone and muted announcements")),
    ("language", N_("Change the language")),
    ("cancel", N_("Leave the current step")),
)


def language_keyboard() -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(LANGUAGE_NAMES[locale], callback_data=LANGUAGE_CALLBACK_PREFIX + locale)
        for locale in SUPPORTED_LOCALES
    ]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]])


def find_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton("🔎 " + t.gettext("Find organisations"), callback_data=FIND_CALLBACK)


def welcome_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """The main menu: languages, and straight into a lookup."""
    return InlineKeyboardMarkup([*language_keyboard().inline_keyboard, [find_button(t)]])


def help_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[find_button(t)]])


def welcome(t: Translator, first_name: str | None) -> str:
    greeting = (
        t.gettext("Hello, {name}! Welcome to Hamkari.").format(name=isolate(first_name))
        if first_name
        else t.gettext("Hello! Welcome to Hamkari.")
    )
    about = t.gettext(
        "Hamkari connects civil-society organisations in Afghanistan and Tajikistan: a shared "
        "registry, lookups of peers, meeting and reporting reminders, polls and announcements."
    )
    choose = t.gettext("Choose your language below, or send /help to see what I can do.")
    return f"<b>{greeting}</b>\n\n{about}\n\n{choose}"


def language_prompt(t: Translator) -> str:
    return t.gettext("Choose your language:")


def language_changed(t: Translator) -> str:
    # TRANSLATORS: name your own language here, e.g. "in Dari".
    return t.gettext("Done: I will write to you in English from now on.")


def unknown_language(t: Translator) -> str:
    return t.gettext("That language is not available. Please choose one of the buttons.")


def help_text(t: Translator, bot_username: str) -> str:
    title = t.gettext("What Hamkari can do")
    lines = [
        f"<b>{title}</b>",
        "",
        t.gettext("/start: welcome and language choice"),
        t.gettext("/find: find organisations by name (any script), sector or province"),
        t.gettext("/register: register your organisation in the shared registry"),
        t.gettext("/myorg: your organisation: edit it, its staff, projects and visibility"),
        t.gettext("/bodies: coordination bodies: ask to join, see members, mute announcements"),
        t.gettext("/announce: body admins send an announcement to their members"),
        t.gettext("/meeting: your bodies' meetings; admins schedule them and send the minutes"),
        t.gettext("/deadline: body admins set reporting deadlines and see who has submitted"),
        t.gettext("/reminders: your upcoming meetings and your organisation's deadlines"),
        t.gettext("/poll: body admins ask their members a quick question and follow the answers"),
        t.gettext("/settings: your language, time zone and which bodies' announcements you "
                  "receive"),
        t.gettext("/language: change the language of the bot"),
        t.gettext("/help: this list"),
        t.gettext("/cancel: leave the step you are in"),
        "",
        t.gettext("In any chat, type @{bot} and a name to share an organisation's card.").format(
            bot=bot_username),
    ]
    return "\n".join(lines)


def nothing_to_cancel(t: Translator) -> str:
    return t.gettext("There is nothing to cancel. Send /help to see what I can do.")


def cancelled(t: Translator) -> str:
    return t.gettext("Stopped. What you were entering in this conversation was discarded. "
                     "Send /help to see what I can do.")


def unknown_command(t: Translator) -> str:
    return t.gettext("I do not know that command. Send /help to see the list.")


def plain_text_hint(t: Translator) -> str:
    return t.gettext("I understand commands and buttons. Send /help to see what I can do.")


def stale_button(t: Translator) -> str:
    return t.gettext("This button is no longer active. Please start again from the menu.")


def something_went_wrong(t: Translator) -> str:
    return t.gettext(
        "Sorry, something went wrong on our side. Nothing you entered was lost. "
        "Please try again in a minute, or send /cancel and start again."
    )


def command_menu(t: Translator) -> list[BotCommand]:
    return [BotCommand(command, t.gettext(description)) for command, description in COMMANDS]


async def edit_message(query: CallbackQuery, text: str,
                       markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace the pressed message; the same button pressed twice quickly changes nothing."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise
