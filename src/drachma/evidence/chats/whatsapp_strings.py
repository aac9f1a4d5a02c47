"""The fixed strings WhatsApp writes into its text exports, in English, German, Spanish and French.

WhatsApp writes these in the language of the phone that exported the chat, so an export from a
German phone says "Diese Nachricht wurde gelöscht." where an English one says "This message was
deleted". The wording below was checked against real exports and the lists other parsers keep
(whatstk, chat-miner, chat-analytics, whatsapp-chat-parser); where WhatsApp has used more than
one wording over the years (e.g. Spanish "añadió" and Latin-American "agregó"), both are here.
A string that is not listed is not lost: the message keeps its text and is classed as plain
text (or, for a line with no sender, as a system line).

All matching is done on a copy with the invisible direction marks removed; message text itself
is never changed.
"""

import re

LANGUAGES = ("en", "de", "es", "fr")

# Whole-message placeholders for a deleted message (an optional final period is ignored).
DELETED = {
    "en": ["This message was deleted", "You deleted this message"],
    "de": ["Diese Nachricht wurde gelöscht", "Du hast diese Nachricht gelöscht"],
    "es": ["Se eliminó este mensaje", "Eliminaste este mensaje", "Este mensaje fue eliminado"],
    "fr": ["Ce message a été supprimé", "Vous avez supprimé ce message"],
}
# "This message was deleted by admin Alice" (group admins can delete others' messages).
DELETED_BY_ADMIN = re.compile(
    r"^(?:This message was deleted by admin|Diese Nachricht wurde vom Admin .* gelöscht"
    r"|Un admin eliminó este mensaje|Ce message a été supprimé par l['’]admin)",
    re.IGNORECASE,
)

# Whole-first-line placeholders for media that the export does not include. Android writes one
# generic placeholder; iOS names the type.
MEDIA_OMITTED = {
    "en": [
        "<Media omitted>",
        "image omitted",
        "video omitted",
        "audio omitted",
        "sticker omitted",
        "GIF omitted",
        "document omitted",
        "Contact card omitted",
    ],
    "de": [
        "<Medien ausgeschlossen>",
        "<Medien weggelassen>",
        "Bild weggelassen",
        "Video weggelassen",
        "Audio weggelassen",
        "Sticker weggelassen",
        "GIF weggelassen",
        "Dokument weggelassen",
        "Kontaktkarte ausgelassen",
    ],
    "es": [
        "<Multimedia omitido>",
        "<Archivo omitido>",
        "imagen omitida",
        "video omitido",
        "audio omitido",
        "sticker omitido",
        "GIF omitido",
        "documento omitido",
        "Tarjeta de contacto omitida",
    ],
    "fr": [
        "<Médias omis>",
        "<Fichier omis>",
        "image absente",
        "vidéo absente",
        "audio omis",
        "sticker omis",
        "GIF retiré",
        "document omis",
        "Fiche contact omise",
    ],
}
# iOS names an omitted document: "report.pdf • 3 pages document omitted".
DOCUMENT_OMITTED = re.compile(
    r"^(?P<name>.+?)\s+(?P<word>document omitted|Dokument weggelassen|documento omitido"
    r"|document omis)$",
    re.IGNORECASE,
)
DOCUMENT_OMITTED_LANG = {
    "document omitted": "en",
    "dokument weggelassen": "de",
    "documento omitido": "es",
    "document omis": "fr",
}

# Android: "IMG-20200101-WA0001.jpg (file attached)", the caption (if any) on following lines.
ATTACHED_SUFFIX = {
    "en": "(file attached)",
    "de": "(Datei angehängt)",
    "es": "(archivo adjunto)",
    "fr": "(fichier joint)",
}
ATTACHED_ANDROID = re.compile(
    r"^(?P<name>.+?)\s+\((?P<word>file attached|Datei angehängt|archivo adjunto|fichier joint)\)$",
    re.IGNORECASE,
)
# iOS: "<attached: 00000012-PHOTO-2020-01-01-12-00-00.jpg>", French with a space before the colon.
ATTACHED_IOS = re.compile(
    r"<(?P<word>attached|Anhang|archivo adjunto|adjunto|pièce jointe)\s?:\s?(?P<name>[^<>\n]+?)>",
    re.IGNORECASE,
)
ATTACHED_WORD_LANG = {
    "file attached": "en",
    "datei angehängt": "de",
    "archivo adjunto": "es",
    "fichier joint": "fr",
    "attached": "en",
    "anhang": "de",
    "adjunto": "es",
    "pièce jointe": "fr",
}

# Appended to an edited message: "See you at 5 <This message was edited>".
EDITED = {
    "en": "This message was edited",
    "de": "Diese Nachricht wurde bearbeitet",
    "es": "Se editó este mensaje",
    "fr": "Ce message a été modifié",
}
EDITED_MARKER = re.compile(
    r"[ \u00a0\u202f\u200e]*<(?P<word>"
    + "|".join(re.escape(v) for v in EDITED.values())
    + r")\.?>\Z",
    re.IGNORECASE,
)
EDITED_LANG = {v.casefold(): k for k, v in EDITED.items()}

# Calls. iOS adds details after a comma ("Missed voice call, ‎Tap to call back",
# "Voice call, ‎12 min").
CALLS = {
    "en": [
        "Missed voice call",
        "Missed video call",
        "Missed group voice call",
        "Missed group video call",
        "Voice call",
        "Video call",
        "Group voice call",
        "Group video call",
    ],
    "de": [
        "Verpasster Sprachanruf",
        "Verpasster Videoanruf",
        "Verpasster Gruppensprachanruf",
        "Verpasster Gruppenvideoanruf",
        "Sprachanruf",
        "Videoanruf",
    ],
    "es": [
        "Llamada perdida",
        "Llamada de voz perdida",
        "Videollamada perdida",
        "Llamada de voz",
        "Videollamada",
    ],
    "fr": ["Appel vocal manqué", "Appel vidéo manqué", "Appel vocal", "Appel vidéo"],
}
CALL_DETAIL = re.compile(
    r"^, ?(?:\u200e.*|\d+\s?\w{1,4}\.?|Tap to call back|No answer|Click to call back"
    r"|Zum Zurückrufen tippen|Keine Antwort|Toca para devolver la llamada|Sin respuesta"
    r"|Appuyez pour rappeler|Pas de réponse)$"
)

# System lines (no author). Each pattern is tried against the whole text of a line that has no
# "Sender:" part (Android) or whose text begins with U+200E (iOS, where WhatsApp puts the chat's
# name in the sender position). ``event`` names what happened; the quality report uses
# "encryption_notice" and "group_created" to judge whether an export starts at the beginning.
_Q = r"[\"“”„«»‘’']"
SYSTEM = [
    # English
    ("encryption_notice", "en", r"^Messages and calls are end-to-end encrypted\b"),
    (
        "encryption_notice",
        "en",
        r"^Messages (?:you send )?to this (?:group|chat).*end-to-end encryption",
    ),
    (
        "group_created",
        "en",
        (
            r"^(?:.+ created (?:the )?group\b.*|You created (?:the )?group\b.*"
            r"|.+ created this group\.?)$"
        ),
    ),
    ("added", "en", r"^(?:.+ added .+|You added .+|You were added|.+ added you)$"),
    ("removed", "en", r"^(?:.+ removed .+|You removed .+|You were removed)$"),
    ("left", "en", r"^(?:.+ left|You left)$"),
    ("joined", "en", r"^.+ joined using this group's invite link$"),
    ("subject_changed", "en", r"^.+ changed the (?:subject|group name)\b.*$"),
    ("icon_changed", "en", r"^.+ (?:changed|deleted) this group's icon$"),
    ("description_changed", "en", r"^.+ changed the group description$"),
    (
        "security_code_changed",
        "en",
        r"^(?:.+'s security code changed|Your security code with .+ changed)\b",
    ),
    ("number_changed", "en", r"^.+ changed (?:their phone number|to \+?[\d ]+)"),
    (
        "disappearing_messages",
        "en",
        r"(?:turned (?:on|off)|changed) disappearing messages|^Disappearing messages",
    ),
    # German
    ("encryption_notice", "de", r"^Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt"),
    (
        "encryption_notice",
        "de",
        r"^Nachrichten (?:in diesem Chat|an diese Gruppe).*Ende-zu-Ende-Verschlüsselung",
    ),
    ("group_created", "de", rf"^(?:.+ hat|Du hast) (?:die )?Gruppe {_Q}.*{_Q} erstellt\.?$"),
    ("left", "de", r"^(?:.+ hat|Du hast) die Gruppe verlassen\.?$"),
    (
        "added",
        "de",
        (
            r"^(?:(?:.+ hat|Du hast) .+ hinzugefügt|Du wurdest hinzugefügt"
            r"|.+ hat dich hinzugefügt)\.?$"
        ),
    ),
    ("removed", "de", r"^(?:.+ hat|Du hast) .+ entfernt\.?$"),
    ("joined", "de", r"^.+ ist .*über (?:den )?Einladungslink.* beigetreten\.?$"),
    ("subject_changed", "de", r"^.+ hat den (?:Betreff|Gruppennamen) .*geändert\.?$"),
    ("icon_changed", "de", r"^.+ hat das Gruppenbild (?:geändert|gelöscht)\.?$"),
    ("description_changed", "de", r"^.+ hat die Gruppenbeschreibung geändert\.?$"),
    (
        "security_code_changed",
        "de",
        r"^(?:Deine Sicherheitsnummer für .+|Die Sicherheitsnummer von .+) hat sich geändert",
    ),
    # Spanish
    ("encryption_notice", "es", r"^(?:Los mensajes|Las llamadas)\b.*\bde extremo a extremo"),
    ("group_created", "es", r"^(?:.+ creó|Creaste) (?:el )?grupo .+$"),
    (
        "added",
        "es",
        r"^(?:.+ (?:añadió|agregó) a .+|(?:Añadiste|Agregaste) a .+|.+ te (?:añadió|agregó)\.?)$",
    ),
    ("removed", "es", r"^(?:.+ eliminó a .+|Eliminaste a .+)$"),
    ("left", "es", r"^(?:.+ salió(?: del grupo)?|Saliste(?: del grupo)?)\.?$"),
    ("joined", "es", r"^.+ se unió .*enlace de invitación"),
    ("subject_changed", "es", r"^.+ cambió el (?:asunto|nombre del grupo)\b.*$"),
    (
        "icon_changed",
        "es",
        (
            r"^.+ (?:cambió|eliminó) (?:el ícono|el icono|la imagen|la foto)"
            r" (?:de este grupo|del grupo)\.?$"
        ),
    ),
    ("description_changed", "es", r"^.+ cambió la descripción del grupo\.?$"),
    (
        "security_code_changed",
        "es",
        r"^(?:El código de seguridad de .+|Tu código de seguridad con .+) cambió",
    ),
    # French
    ("encryption_notice", "fr", r"^Les messages\b.*\bde bout en bout"),
    ("group_created", "fr", r"^(?:.+ a créé|Vous avez créé) (?:le )?groupe .+$"),
    ("added", "fr", r"^(?:.+ a ajouté .+|Vous avez ajouté .+|.+ vous a ajouté(?:e|\(e\))?\.?)$"),
    ("removed", "fr", r"^(?:.+ a retiré .+|Vous avez retiré .+)$"),
    (
        "left",
        "fr",
        r"^(?:.+ est parti(?:e|\(e\))?|.+ a quitté(?: le groupe)?|Vous êtes parti(?:e|\(e\))?)\.?$",
    ),
    ("joined", "fr", r"^.+ (?:a rejoint|s['’]est joint(?:e|\(e\))?) .*lien d['’]invitation"),
    ("subject_changed", "fr", r"^.+ a (?:modifié|changé) le (?:sujet|nom du groupe)\b.*$"),
    (
        "icon_changed",
        "fr",
        r"^.+ a (?:modifié|changé|supprimé) (?:l['’]icône|la photo) (?:de ce groupe|du groupe)\.?$",
    ),
    ("description_changed", "fr", r"^.+ a (?:modifié|changé) la description du groupe\.?$"),
    (
        "security_code_changed",
        "fr",
        r"^(?:Le code de sécurité de .+|Votre code de sécurité avec .+) a changé",
    ),
]
SYSTEM_PATTERNS = [(event, lang, re.compile(p)) for event, lang, p in SYSTEM]

# A system line whose free text (a group name or subject in quotes) contains ": " would otherwise
# be split as "Sender: text". These are recognised on the whole line first; the actor part
# cannot contain a colon, so "Bob: Alice created group ..." still reads as Bob's message.
COLON_SYSTEM = re.compile(
    rf"^(?:[^:\n]+ (?:created group|changed the subject|changed the group name|hat (?:die )?Gruppe"
    rf"|hat den (?:Betreff|Gruppennamen)|creó (?:el )?grupo|cambió el (?:asunto|nombre del grupo)"
    rf"|a créé (?:le )?groupe|a (?:modifié|changé) le (?:sujet|nom du groupe))"
    rf"|You created group|Du hast (?:die )?Gruppe|Creaste (?:el )?grupo"
    rf"|Vous avez créé (?:le )?groupe)"
    rf".*{_Q}"
)


def _keyed(table: dict[str, list[str]]) -> dict[str, str]:
    """casefolded phrase -> language."""
    return {phrase.casefold(): lang for lang, phrases in table.items() for phrase in phrases}


DELETED_KEYS = _keyed(DELETED)
MEDIA_KEYS = _keyed(MEDIA_OMITTED)
CALL_KEYS = _keyed(CALLS)
CALL_PREFIXES = tuple(sorted(CALL_KEYS, key=len, reverse=True))
# The longest placeholder, so that longer texts skip the lookups altogether.
MAX_PLACEHOLDER = max(len(k) for k in (*DELETED_KEYS, *MEDIA_KEYS, *CALL_KEYS)) + 2


# A text that might be a deleted, omitted-media or call placeholder starts with the first five
# characters of one (in any mix of case), or with an invisible mark; every other text skips
# the placeholder checks. Admin deletions open like ordinary ones.
_OPENINGS = [*DELETED_KEYS, *MEDIA_KEYS, *CALL_KEYS, "un admin eliminó este mensaje"]
OPENING_LENGTH = 5


def _case_variants(prefix: str) -> set[str]:
    variants = {""}
    for ch in prefix:
        variants = {v + c for v in variants for c in {ch, ch.upper(), ch.lower()}}
    return variants


PLACEHOLDER_OPENINGS = frozenset(v for p in _OPENINGS for v in _case_variants(p[:OPENING_LENGTH]))
# Every placeholder, casefolded and without a final period -> (kind, language).
PLACEHOLDERS = {
    **{k: ("media_omitted", lang) for k, lang in MEDIA_KEYS.items()},
    **{k: ("call", lang) for k, lang in CALL_KEYS.items()},
    **{k: ("deleted", lang) for k, lang in DELETED_KEYS.items()},
}
ADMIN_DELETION_OPENINGS = (
    "this message was deleted by",
    "diese nachricht wurde vom",
    "un admin eliminó",
    "ce message a été supprimé par",
)
# First lines ending like this may name an attached or omitted file.
SPECIAL_ENDINGS = (")", "omitted", "weggelassen", "omitido", "omis")
