"""The fixed strings WhatsApp writes into its text exports, in English, German, Spanish and French.

WhatsApp writes these in the language of the phone that exported the chat, so an export from a
German phone says "Diese Nachricht wurde gelöscht." where an English one says "This message was
deleted". The wording below was checked against real exports and the lists other parsers keep
(whatstk, chat-miner, chat-analytics, whatsapp-chat-parser); where WhatsApp has used more than
one wording over the years (e.g. Spanish "añadió" and Latin-American "agregó"), both are here.
A string that is not listed is not lost: the message keeps its text and is classed as plain
text (or, for a line with no sender, as a system line).

All matching is done on a copy with the invisible direction marks removed. What the export adds
around what a person wrote (direction marks, an attachment's marker, the edit marker, trailing
whitespace) is moved out of the message text into its ``artefacts``; placeholders that stand for
the whole message ("This message was deleted", "<Media omitted>") stay as its text, and its kind
says what they are.

Provenance: each marker below says where it was seen, by repository and file or issue
(GitHub). The header layouts collected, each with where it was seen, are the fixtures table
``tests/evidence/chats/variants.py`` (``HEADER_VARIANTS``); every one has a sample export,
written for Drachma in that layout, under ``tests/evidence/chats/samples/variants/``.
"""

import re

LANGUAGES = ("en", "de", "es", "fr")


# The header shapes named when a file's headers match none of them.
HEADER_SHAPES = (
    "31/12/2020, 23:59 - Name: text (Android; also . or - between the date's parts, the year "
    "first, seconds, a 12-hour clock)",
    "[31/12/2020, 23:59:59] Name: text (iOS)",
    "31.12.20 23.59.59: Name: text (iOS before 2015)",
    "31.12.2020 klo 23.59 - Name: text (Finnish)",
    "31. 12. 2020. 23:59:59 Name: text (Central European)",
)

# Whole-message placeholders for a deleted message (an optional final period is ignored).
# "Message deleted": WhatsR inst/Languages.csv.
DELETED = {
    "en": ["This message was deleted", "You deleted this message", "Message deleted"],
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
# generic placeholder; iOS names the type. Seen in: WhatsR inst/*.txt ("<Media omitted>",
# "<Medien ausgeschlossen>"), mlomb/chat-analytics tests/samples/whatsapp/2A_5M.txt
# ("<media omitted>"), and the list in mlomb/chat-analytics pipeline/parse/parsers/WhatsApp.ts,
# which gives the bracketed iOS forms and the Android placeholder in the other languages below.
MEDIA_OMITTED = {
    "en": [
        "<Media omitted>",
        "<image omitted>",
        "<video omitted>",
        "<audio omitted>",
        "<sticker omitted>",
        "<GIF omitted>",
        "<document omitted>",
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
        "<imagen omitida>",
        "<video omitido>",
        "<audio omitido>",
        "<sticker omitido>",
        "<GIF omitido>",
        "<documento omitido>",
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
    # Android's generic placeholder in other languages (mlomb/chat-analytics WhatsApp.ts).
    "af": ["<media weggelaat>"],
    "ar": ["<تم استبعاد الوسائط>"],
    "az": ["<media buraxıldı>", "<Media çıxarılmışdır>"],
    "bg": ["<Без файл>"],
    "bn": ["<মিডিয়া বাদ দেওয়া হয়েছে>"],
    "ca": ["<fitxers multimèdia omesos>", "<Mitjans omesos>"],
    "cs": ["<média vynechány>", "< Média vynechána >"],
    "da": ["<medier udeladt>", "<Mediefil udeladt>"],
    "el": ["<αρχείο παραλήφθηκε>", "<Εξαίρεση πολυμέσων>"],
    "et": ["<meedia välja jäetud>", "<Meedia ära jäetud>"],
    "fa": ["<رسانه حذف شد>", "< پيوست نما/آهنگ حذف شد >"],
    "fi": ["<media jätettiin pois>", "<Media jätetty pois>"],
    "gu": ["<મિડિયા છોડી મૂકાયું>", "<મીડિયા અવગણવામાં આવ્યા>"],
    "hi": ["<मीडिया के बिना>"],
    "hr": ["<medijski zapis izostavljen>"],
    "hu": ["<média elhagyva>", "<Hiányzó médiafájl>"],
    "id": ["<media tidak disertakan>"],
    "it": ["<media omessi>", "<Media omesso>"],
    "he": ["<המדיה לא נכללה>", "<מדיה הושמטה>"],
    "ja": ["<メディアなし>", "<メディアは含まれていません>"],
    "kk": ["<файлдар қосылмаған>", "<Файл қосылған жоқ>"],
    "kn": ["<ಮಾಧ್ಯಮ ಕೈಬಿಡಲಾಗಿದೆ>"],
    "ko": ["<미디어 파일 제외됨>", "<미디어 파일을 생략한 대화내용>"],
    "lo": ["<ບໍ່ລວມມີເດຍ>"],
    "lt": ["<medija praleista>", "<Praleistas medijos turinys>"],
    "lv": ["<nav iekļauta multivide>", "<Bez multivides>"],
    "mk": ["<без фајлови>", "<Без фајл>"],
    "ml": ["<മീഡിയ ഒഴിവാക്കി>"],
    "mr": ["<मीडिया वगळण्यात आला>", "<मीडिया वगळले>"],
    "ms": ["<media dikecualikan>", "<Media disingkirkan>"],
    "nb": ["<media utelatt>", "<Uten vedlegg>"],
    "nl": ["<media weggelaten>"],
    "pa": ["<ਮੀਡੀਆ ਛੱਡਿਆ>", "<ਮੀਡੀਆ ਛਡਿਆ ਗਿਆ>"],
    "pl": ["<pominięto multimedia>", "<pliki pominięto>"],
    "pt": ["<ficheiro não revelado>", "<Mídia omitida>"],
    "ro": ["<conținut media omis>"],
    "ru": ["<без медиафайлов>", "<Файл пропущен>"],
    "sk": ["<Médiá vynechané>"],
    "sl": ["<datoteke izpuščene>", "<Medij izpuščen>"],
    "sq": ["<media u hoq>", "<Media hequr>"],
    "sr": ["<медији су изостављени>"],
    "sv": ["<media utelämnat>", "<Media har utelämnats>"],
    "sw": ["<media hazijajumuishwa>", "<Media imerukwa>"],
    "ta": ["<கோப்புகள் விடப்பட்டன>", "< ஊடகங்கள் நீக்கப்பட்டது >"],
    "te": ["<మీడియా విస్మరించబడింది>", "<మాధ్యమం విస్మరించబడింది>"],
    "th": ["<ไฟล์สื่อถูกลบ>", "<สื่อถูกลบ>"],
    "tl": ["<ınalis ang media>", "<Walang kalakip na media>"],
    "tr": ["<medya dahil edilmedi>", "<Medya atlanmış>"],
    "uk": ["<медіа пропущено>"],
    "ur": ["<میڈیا چھوڑ دیا گیا>", "<میڈیا ہٹا دیا گیا>"],
    "uz": ["<fayl o‘tkazib yuborildi>"],
    "vi": ["<bỏ qua tệp phương tiện>", "<Bỏ qua Media>"],
    "zh": ["<忽略多媒體檔>", "<省略多媒体文件>"],
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
# Seen in: WhatsR inst/englishandroid24h.txt and inst/germanandroid24h.txt ("(Datei angehängt)"),
# whatsapp-chat-parser issue #231.
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
# Seen in: WhatsR inst/englishios24h.txt, inst/germanios24h.txt ("<angehängt: …>"),
# whatsapp-chat-parser-website issue #3; with spaces inside the brackets in whatsapp-chat-parser
# tests/parser.test.ts ("< attached: … >"). ``lead`` is the direction marks and spaces WhatsApp
# puts before it, which go with the marker.
ATTACHED_IOS = re.compile(
    r"(?P<lead>[ \u00a0\u200e\u200f\u202a-\u202e\u2066-\u2069]*)"
    r"< ?(?P<word>attached|Anhang|angehängt|archivo adjunto|adjunto|pièce jointe)\s?:\s?"
    r"(?P<name>[^<>\n]+?) ?>",
    re.IGNORECASE,
)
# An iOS document names itself before the marker: "report.pdf • 14 pages <attached: …>"
# (mazen160/whatsapp-chat-parser pull request #3).
DOCUMENT_DESCRIPTION = re.compile(r"(?P<document>[^\n]*\S \u2022 [\u200e\u200f]?\d+ [^\W\d_]+)\Z")
# iOS before 2015: "2013-08-06-PHOTO-00000006.jpg <attached>" as the whole line
# (theveloped/WhatsBook issue #2).
ATTACHED_OLD_IOS = re.compile(r"^(?P<name>[^<>\n]*\S) <(?P<word>attached)>$", re.IGNORECASE)
ATTACHED_WORD_LANG = {
    "file attached": "en",
    "datei angehängt": "de",
    "archivo adjunto": "es",
    "fichier joint": "fr",
    "attached": "en",
    "anhang": "de",
    "angehängt": "de",
    "adjunto": "es",
    "pièce jointe": "fr",
}

# Appended to an edited message: "See you at 5 <This message was edited>", iOS with a final
# period and U+200E before it. None of the five suites has an edited message; the wording is
# WhatsApp's own, kept from Drachma's earlier samples.
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
    # "Boris added you" (whatsapp-chat-parser issue #258); "X added you to a group in the
    # community: Y" and "X joined from the community" (whatstk issue #147); "Priya, Sam were
    # added"; "X left the group" (WhatsR inst/Languages.csv).
    (
        "added",
        "en",
        r"^(?:.+ added .+|You added .+|You were added|.+ added you|.+ (?:was|were) added)\.?$",
    ),
    ("removed", "en", r"^(?:.+ removed .+|You removed .+|You were removed)$"),
    ("left", "en", r"^(?:.+ left|You left)(?: the group)?\.?$"),
    ("joined", "en", r"^.+ joined (?:using this group's invite link|from the community)\.?$"),
    ("admin", "en", r"^You're now an admin$"),
    ("call_started", "en", r"^.+ started a (?:video )?call\.?$"),
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
    # "Du hast die Gruppe erstellt" without a name (WhatsR issue #33).
    (
        "group_created",
        "de",
        rf"^(?:.+ hat|Du hast) (?:die )?Gruppe (?:{_Q}.*{_Q} )?erstellt\.?$",
    ),
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
    ("call_started", "de", r"^.+ hat einen (?:Video)?[Aa]nruf gestartet\.?$"),
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


# System lines ending their own words with ": " before a name of their own (whatstk issue #147).
COLON_SYSTEM_HEADS = ("added you to a group in the community",)

# How WhatsApp's encryption notice opens; iOS has been seen to write it without a direction mark
# (whatsapp-chat-parser issue #258), so these are checked even then.
NOTICE_OPENINGS = (
    "Messages and calls are end-to-end encrypted",
    "Messages to this",
    "Nachrichten und Anrufe sind",
    "Nachrichten in diesem",
    "Nachrichten an diese",
    "Los mensajes",
    "Las llamadas",
    "Les messages",
)

# Events done by someone, who is named at the start: "Sam added Jo", "‪+44 7700 900123‬ left",
# "Jana hat die Gruppe verlassen". ``actor`` is that name; the exporting user ("You") is not named.
ATTRIBUTED_EVENTS = frozenset(
    (
        "group_created",
        "added",
        "removed",
        "left",
        "joined",
        "subject_changed",
        "icon_changed",
        "description_changed",
        "number_changed",
        "call_started",
        "disappearing_messages",
    )
)
ACTOR = re.compile(
    r"^(?P<actor>.+?) (?:created|added|removed|left|joined|changed|deleted|started|turned|"
    r"was added|were added|hat|ist|a (?:créé|ajouté|retiré|quitté|rejoint|modifié|changé|"
    r"supprimé)|est parti|s['’]est joint|vous a ajouté|creó|añadió|agregó|eliminó|salió|"
    r"se unió|cambió|te (?:añadió|agregó))\b"
)
FIRST_PERSON = frozenset(("You", "Du", "Vous", "Tú"))


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
_OPENINGS = [
    *DELETED_KEYS,
    *MEDIA_KEYS,
    *CALL_KEYS,
    "un admin eliminó este mensaje",
    *(n.casefold() for n in NOTICE_OPENINGS),
]
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
