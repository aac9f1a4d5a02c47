"""Chat exports as evidence: parsers that turn WhatsApp, Messenger, Instagram and Telegram
exports into one normalized ``Conversation``, and the evidential quality report on it.

Pure Python, no database: uploads, ``manage.py parse_chat`` and the bundle call these directly.
See docs/chat-exports.md.
"""

from .detect import TRIED, iter_whatsapp_messages, parse_chat_bytes, parse_chat_file
from .model import (
    DEFAULT_MAX_BYTES,
    DEFAULT_ZONE,
    KINDS,
    ChatParseError,
    ChatTooLarge,
    Conversation,
    Message,
    ParseWarning,
    SkippedLine,
    SourceFile,
    UnknownChatFormat,
)
from .quality import QualityReport, quality_report
from .whatsapp import WhatsAppReader

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_ZONE",
    "KINDS",
    "TRIED",
    "ChatParseError",
    "ChatTooLarge",
    "Conversation",
    "Message",
    "ParseWarning",
    "QualityReport",
    "SkippedLine",
    "SourceFile",
    "UnknownChatFormat",
    "WhatsAppReader",
    "iter_whatsapp_messages",
    "parse_chat_bytes",
    "parse_chat_file",
    "quality_report",
]
