"""The pages' words in English and Dutch, and which language a visitor gets."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "join_prompt": "Scan or go to",
        "code": "Code",
        "react": "Tap to react",
        "comment": "Your comment",
        "comment_placeholder": "What do you think?",
        "name": "Name (optional)",
        "send": "Send",
        "sending": "Sending…",
        "sent": "Thanks! Received.",
        "retrying": "Connection is weak, retrying…",
        "failed": "Not sent. Check your connection and try again.",
        "thanks": "Thanks, your reaction is in!",
        "closed": "This board is closed for reactions.",
        "error_empty": "Type a comment or tap an emoji first.",
        "error_too_long": "Your comment is too long: {limit} characters at most.",
        "error_emoji": "That emoji is not on this board.",
        "error_rate": "Easy does it: wait {seconds} s, then try again.",
        "error_unavailable": "Not saved yet. Try again in a moment.",
        "error_invalid": "That could not be sent. Reload the page and try again.",
        "chars_left": "{count} characters left",
        "no_board": "There is no board at this address.",
        "no_code": "No board has the code “{code}”. Check the code on the screen.",
        "join": "Join",
        "positive": "Positive",
        "neutral": "Neutral",
        "negative": "Negative",
        "mood": "Mood",
        "reactions": "reactions",
        "latest": "Latest",
        "waiting": "Waiting for the first reactions…",
        "offline": "Reconnecting…",
        "timeline": "Timeline",
        "words": "Words",
        "pinned": "Pinned",
        "organiser": "Organiser",
        "token": "Organiser token",
        "log_in": "Log in",
    },
    "nl": {
        "join_prompt": "Scan of ga naar",
        "code": "Code",
        "react": "Tik om te reageren",
        "comment": "Je reactie",
        "comment_placeholder": "Wat vind je ervan?",
        "name": "Naam (optioneel)",
        "send": "Versturen",
        "sending": "Versturen…",
        "sent": "Bedankt! Ontvangen.",
        "retrying": "Zwakke verbinding, opnieuw proberen…",
        "failed": "Niet verstuurd. Controleer je verbinding en probeer opnieuw.",
        "thanks": "Bedankt, je reactie is binnen!",
        "closed": "Dit bord is gesloten voor reacties.",
        "error_empty": "Typ eerst een reactie of tik op een emoji.",
        "error_too_long": "Je reactie is te lang: hooguit {limit} tekens.",
        "error_emoji": "Die emoji hoort niet bij dit bord.",
        "error_rate": "Rustig aan: wacht {seconds} s en probeer het dan opnieuw.",
        "error_unavailable": "Nog niet opgeslagen. Probeer het zo opnieuw.",
        "error_invalid": "Dat kon niet worden verstuurd. Herlaad de pagina en probeer opnieuw.",
        "chars_left": "Nog {count} tekens",
        "no_board": "Op dit adres staat geen bord.",
        "no_code": "Geen bord heeft de code “{code}”. Kijk nog eens naar de code op het scherm.",
        "join": "Meedoen",
        "positive": "Positief",
        "neutral": "Neutraal",
        "negative": "Negatief",
        "mood": "Sfeer",
        "reactions": "reacties",
        "latest": "Laatste",
        "waiting": "Wachten op de eerste reacties…",
        "offline": "Opnieuw verbinden…",
        "timeline": "Tijdlijn",
        "words": "Woorden",
        "pinned": "Vastgezet",
        "organiser": "Organisator",
        "token": "Organisatortoken",
        "log_in": "Inloggen",
    },
}


def pick_language(setting: str, accept_language: str | None) -> str:
    """The board's fixed UI language, or the visitor's best match from Accept-Language."""
    if setting in STRINGS:
        return setting
    best, best_q = "en", -1.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower()[:2]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                continue
        if lang in STRINGS and q > best_q:
            best, best_q = lang, q
    return best
